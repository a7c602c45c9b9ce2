"""Wagtail admin wiring of outside agencies: the agencies snippet (each office its own), the
refer view's URL, the "Refer to an outside agency" action on the case page, and the referral
message as an event editors can reword."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.office_viewsets import OfficeScopedViewSet
from services.agencies import admin_views, notices
from services.agencies.models import Agency
from services.cases.admin_views import CASE_ACTIONS_HOOK
from services.notifications.models import EVENTS_HOOK


class AgencyViewSet(OfficeScopedViewSet, SnippetViewSet):
    """The office's outside agencies; officers of another office never see them."""

    model = Agency
    icon = "site"
    menu_label = _("Outside agencies")
    list_display = ["name", "email", "phone", "active"]
    search_fields = ["name", "email", "phone"]
    list_filter = ["active"]


register_snippet(AgencyViewSet)


@hooks.register("register_admin_urls")
def register_refer_url():
    return [path("cases/<int:pk>/refer/", admin_views.refer, name="agency_refer")]


hooks.register(CASE_ACTIONS_HOOK, admin_views.case_actions)
hooks.register(EVENTS_HOOK, notices.notification_events)
