"""The catalogue's admin: its snippets (departments, service categories), cut to the offices the
editing person works for (issue 17) by the kernel's `OfficeScopedViewSet` (portal/office_viewsets.py,
which also serves the case queue's, payments' and privacy's snippets)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.office_viewsets import OfficeScopedViewSet
from services.models import Department, ServiceCategory


@hooks.register("office_ids_for_user")
def department_members_work_for_its_office(user):
    """A member of a department works for the department's office (portal.offices asks once
    per request and keeps the answer on the user). The case queue, which loads the person's
    departments anyway, leaves their offices on the user (`_department_site_ids`) to save the
    query."""
    known = getattr(user, "_department_site_ids", None)
    if known is not None:
        return known
    return Department.objects.filter(members=user).order_by().values_list("site_id", flat=True).distinct()


class DepartmentViewSet(OfficeScopedViewSet, SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "name_en", "code", "site", "email"]
    search_fields = ["name", "name_en", "code"]
    panels = [
        FieldPanel("site"),
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("email"),
        FieldPanel("phone"),
        FieldPanel("head"),
        FieldPanel("members"),
    ]


register_snippet(DepartmentViewSet)


class ServiceCategoryViewSet(OfficeScopedViewSet, SnippetViewSet):
    """Categories of the service catalogue; translatable, so the admin offers "Translate" (wagtail-localize)."""

    model = ServiceCategory
    icon = "folder-open-inverse"
    menu_label = _("Service categories")
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["name", "slug", "icon", "department", "site", "sort_order"]
    search_fields = ["name", "slug"]


register_snippet(ServiceCategoryViewSet)
