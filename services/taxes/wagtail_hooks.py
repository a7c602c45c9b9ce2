"""Wagtail admin wiring of local taxes: the assessments listing, the CSV import, the accounts as
snippets; and what taxes add to lower rooms through their hooks: tax invoices in payments'
"Payments to confirm", the tax table of the monthly report, and the reminder's wording."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.admin_menu import MenuItemFor
from portal.office_viewsets import OfficeScopedViewSet
from portal.offices import scope
from services.notifications.models import EVENTS_HOOK
from services.payments.views import VISIBLE_INVOICES_HOOK
from services.reporting.monthly import SECTIONS_HOOK
from services.taxes import figures, tasks, views
from services.taxes.models import TaxAccount


@hooks.register("register_admin_viewset")
def register_assessments():
    return views.AssessmentViewSet("tax_assessments")


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("taxes/import/", views.staff_import, name="taxes_import")]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return MenuItemFor(
        _("Import tax assessments"),
        reverse("taxes_import"),
        name="tax-import",
        icon_name="upload",
        order=157,
        shown=lambda request: views.can_import(request.user),
    )


class TaxAccountViewSet(OfficeScopedViewSet, SnippetViewSet):
    """Tax accounts (made by the import), of the offices the person works for only: an officer
    corrects a taxpayer's phone or e-mail for reminders here."""

    model = TaxAccount
    icon = "doc-full"
    menu_label = _("Tax accounts")
    list_display = ["account_number", "kind", "taxpayer_name", "description", "updated_at"]
    search_fields = ["account_number", "taxpayer_name", "description"]
    list_filter = ["kind"]
    panels = [
        FieldPanel("site", heading=_("Office")),
        FieldPanel("kind"),
        FieldPanel("account_number"),
        FieldPanel("taxpayer_name"),
        FieldPanel("id_last4"),
        FieldPanel("description"),
        FieldPanel("phone"),
        FieldPanel("email"),
    ]

    def get_queryset(self, request):
        return scope(TaxAccount.objects.select_related("site"), request.user)


register_snippet(TaxAccountViewSet)

hooks.register(VISIBLE_INVOICES_HOOK, views.tax_invoices)
hooks.register(SECTIONS_HOOK, figures.monthly_sections)
hooks.register(EVENTS_HOOK, tasks.notification_events)
