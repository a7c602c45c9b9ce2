"""Template hooks of fee payments, so the case engineer's pages show invoices with one
`{% include %}` line each instead of new view code."""

import datetime

from django import template
from django.utils import formats
from pythainlp.util import thai_strftime

from portal import qr
from portal.i18n import is_thai
from services.payments import billing
from services.payments.forms import SlipForm
from services.payments.models import Invoice, InvoiceStatus

register = template.Library()


@register.inclusion_tag("services/payments/case_invoices_inner.html", takes_context=True)
def case_invoices(context, case):
    """The case's invoices (cancelled ones hidden) for the resident's tracking page."""
    # `has_invoices` comes with the tracking page's lookup: most cases have no fee, so no query.
    has_invoices = getattr(case, "has_invoices", True)
    invoices = [i for i in case.invoices.all() if i.status != InvoiceStatus.CANCELLED] if has_invoices else []
    settings = billing.settings_for(case.site) if invoices else None
    rows = [{"invoice": i, "qr_payload": billing.qr_payload(i, settings)} for i in invoices]
    return {
        "case": case,
        "rows": rows,
        "verified": context.get("verified"),
        "slip_form": SlipForm(auto_id="id_slip_%s"),
        "payment_settings": settings,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }


@register.inclusion_tag("services/payments/admin_case_panel_inner.html")
def case_invoices_admin(case):
    return {"case": case, "invoices": list(Invoice.objects.filter(case=case).order_by("-created_at"))}


@register.simple_tag
def promptpay_qr(payload, label=""):
    """The PromptPay QR as inline SVG (no image request, prints sharply, works without JS)."""
    return qr.svg(payload, css_class="promptpay-qr", label=label)


@register.filter
def baht(value):
    """1234.5 -> 1,234.50"""
    try:
        return f"{value:,.2f}"
    except (TypeError, ValueError):
        return value


@register.filter
def thaimonth(value):
    """A billing month: `พฤศจิกายน 2569` in Thai (Buddhist Era), `November 2026` in English."""
    if not isinstance(value, datetime.date):
        return value
    if is_thai():
        return thai_strftime(datetime.datetime.combine(value, datetime.time()), "%B %Y")
    return formats.date_format(value, "F Y")
