"""Wagtail admin wiring of fee payments: "Payments to confirm" (a ModelViewSet, in views.py),
a case's invoices, receipts, QR posters, and household accounts as snippets."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.admin_menu import MenuItemFor
from portal.office_viewsets import OfficeScopedViewSet
from portal.offices import scope, works_for_several
from services.cases import panels as case_panels
from services.payments import panels as payment_panels
from services.payments import views
from services.payments.models import Household


@hooks.register("register_admin_viewset")
def register_payment_viewset():
    return views.PaymentViewSet("payments")


@hooks.register("register_admin_menu_item")
def register_posters_menu_item():
    return MenuItemFor(
        _("QR posters"),
        reverse("payments_posters"),
        name="qr-posters",
        icon_name="image",
        order=160,
        shown=lambda request: request.user.is_authenticated and request.user.is_active,
    )


@hooks.register("register_admin_urls")
def register_payment_urls():
    return [
        path("payments/invoices/<int:pk>/receipt/", views.staff_receipt, name="payments_receipt"),
        path("payments/cases/<int:pk>/", views.staff_case_invoices, name="payments_case"),
        path("payments/posters/", views.staff_posters, name="payments_posters"),
        path("payments/posters/<int:page_id>/<slug:kind>.pdf", views.staff_poster, name="payments_poster"),
    ]


class HouseholdIndexView(snippet_views.IndexView):
    @cached_property
    def columns(self):
        columns = super().columns
        if works_for_several(self.request.user):
            columns = [*columns, views.office_column(lambda household: household.site)]
        return columns


class HouseholdViewSet(OfficeScopedViewSet, SnippetViewSet):
    """Household accounts for the monthly garbage and wastewater fees (finance staff), of the
    offices the person works for only, in the listing, the edit views and the chooser: another
    office's account is a 404 (portal.office_viewsets)."""

    model = Household
    index_view_class = HouseholdIndexView
    icon = "home"
    menu_label = _("Household accounts")
    list_display = ["account_number", "house_number", "holder_name", "garbage_fee", "wastewater_fee", "active"]
    search_fields = ["account_number", "house_number", "holder_name", "address"]
    list_filter = ["active"]
    panels = [
        FieldPanel("site", heading=_("Office")),
        FieldPanel("account_number"),
        FieldPanel("house_number"),
        FieldPanel("holder_name"),
        FieldPanel("address"),
        FieldPanel("garbage_fee"),
        FieldPanel("wastewater_fee"),
        FieldPanel("active"),
    ]

    def get_queryset(self, request):
        return scope(Household.objects.select_related("site"), request.user)


register_snippet(HouseholdViewSet)


# The fee panels on the case pages: services.cases offers the slots (services/cases/panels.py),
# payments fills them (services/payments/panels.py).
hooks.register(case_panels.STAFF_PANELS, payment_panels.staff_panel)
hooks.register(case_panels.TRACKING_PANELS, payment_panels.tracking_panel)
hooks.register(case_panels.TRACKING_LOOKUP, payment_panels.annotate_lookup)
