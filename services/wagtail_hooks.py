from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

import services.case_hooks  # noqa: F401  (the case queue's menu, URLs and snippets)
import services.dashboard_hooks  # noqa: F401  (dashboard panels, monthly reports, Open311 API keys)
import services.notification_hooks  # noqa: F401  (failed deliveries page, notification templates)
import services.payment_hooks  # noqa: F401  (payments to confirm, case invoices, receipts, QR posters)
import services.privacy_hooks  # noqa: F401  (data protection officer: access log, data-subject requests)
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
