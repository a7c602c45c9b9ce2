"""The officer's case page in the admin links to the same case in the field view."""

from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from services.cases.admin_views import CASE_ACTIONS_HOOK


@hooks.register(CASE_ACTIONS_HOOK)
def field_view_link(request, case):
    return [(_("Open in the field view"), reverse("field_job", args=[case.pk]))]
