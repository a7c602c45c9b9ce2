from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from services.models import Department, ServiceCategory


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "name_en", "code", "email"]
    search_fields = ["name", "name_en", "code"]


register_snippet(DepartmentViewSet)


class ServiceCategoryViewSet(SnippetViewSet):
    """Categories of the service catalogue; translatable, so the admin offers "Translate" (wagtail-localize)."""

    model = ServiceCategory
    icon = "folder-open-inverse"
    menu_label = _("Service categories")
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["name", "slug", "icon", "department", "sort_order"]
    search_fields = ["name", "slug"]


register_snippet(ServiceCategoryViewSet)
