"""The help area in the Wagtail admin: the staff handbook in the Help menu, next to Wagtail's own
editor guide; the office's volunteers named in the help box (a snippet each office keeps, cut to
the staff member's offices by the kernel's `OfficeScopedViewSet`); and the volunteers' rows in a
data-subject request's export and erasure (services.privacy's hooks)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.office_viewsets import OfficeScopedViewSet
from services.help import views, volunteers
from services.help.forms import VolunteerForm
from services.help.models import Volunteer
from services.privacy.personal_data import ERASE_HOOK, EXPORT_HOOK


@hooks.register("register_admin_urls")
def handbook_urls():
    return [path("handbook/", views.staff_handbook, name="staff_handbook")]


@hooks.register("register_help_menu_item")
def handbook_menu_item():
    return MenuItem(_("Staff handbook"), reverse("staff_handbook"), icon_name="help", order=900, name="staff-handbook")


class VolunteerViewSet(OfficeScopedViewSet, SnippetViewSet):
    """The office's volunteers who agreed to be named; another office's are never listed."""

    model = Volunteer
    icon = "group"
    menu_label = _("Volunteers in the help box")
    base_form_class = VolunteerForm
    list_display = ["name", "phone", "community", "opted_in_at", "withdrawn_at"]
    search_fields = ["name", "phone"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("community")  # each row names its community


register_snippet(VolunteerViewSet)
hooks.register(ERASE_HOOK, volunteers.erase_person)
hooks.register(EXPORT_HOOK, volunteers.export_person)
