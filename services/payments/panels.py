"""The case pages' fee panels: a case's invoices on the officer's case page and the fees to pay
on the resident's tracking page. The case room offers the slots (services/cases/panels.py) and
payments fills them from its wagtail_hooks.py, so cases never imports payments and an office
without payments shows no fee panel at all."""

from django.db.models import Exists, OuterRef

from portal.offices import current_office
from services.cases.panels import CasePanel
from services.payments import billing
from services.payments.forms import SlipForm
from services.payments.models import Invoice, InvoiceStatus

# Where the fee panels stand among other rooms' panels (lower first).
ORDER = 100


def annotate_lookup(queryset):
    """The tracking page's lookup also says whether the case has any invoice (an EXISTS on the
    invoices' case index), so the page of the many cases without a fee asks for none."""
    return queryset.annotate(has_invoices=Exists(Invoice.objects.filter(case=OuterRef("pk"))))


def staff_panel(case, request):
    """The case's invoices, newest first, with the link to issue one or take a payment."""
    invoices = list(Invoice.objects.filter(case=case).order_by("-created_at"))
    return CasePanel("services/payments/admin_case_panel_inner.html", {"invoices": invoices}, order=ORDER)


def tracking_panel(case, request):
    """The case's invoices (cancelled ones hidden) with their PromptPay QR and, for a verified
    resident, the slip upload; nothing when there is none."""
    # `has_invoices` comes with the lookup (annotate_lookup): most cases have no fee, so no query.
    if not getattr(case, "has_invoices", True):
        return None
    # Only on the case's own office's site (issue 17), as the invoice pages: another office's
    # host shows no bill of this case.
    if case.site_id != current_office(request).pk:
        return None
    invoices = [invoice for invoice in case.invoices.all() if invoice.status != InvoiceStatus.CANCELLED]
    if not invoices:
        return None
    settings = billing.settings_for(case.site)
    rows = [{"invoice": invoice, "qr_payload": billing.qr_payload(invoice, settings)} for invoice in invoices]
    context = {"rows": rows, "slip_form": SlipForm(auto_id="id_slip_%s"), "payment_settings": settings}
    return CasePanel("services/payments/case_invoices_inner.html", context, order=ORDER)
