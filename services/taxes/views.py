"""Local taxes, both sides.

Taxpayers, under /<lang>/tax/: the account number and the last 4 digits of the taxpayer's ID
open the account's bills on this browser (remembered in the session, as the household fees
are); each year shows its instalments, due dates and, when late, the surcharge; "pay" makes a
payments Invoice (PromptPay QR, slip, receipt: payments' own page and flow). One neutral answer
for a wrong account number and a wrong ID, and a rate limit (portal.ratelimit) on the lookup,
so accounts cannot be enumerated. Every lookup is narrowed to the office whose host the request
came to.

Staff (wired in wagtail_hooks.py): the CSV import (permission "taxes.import_assessments", into
one of the offices the person works for), the assessments listing with what was collected, and
the accounts as snippets. Slips are confirmed in payments' "Payments to confirm", which lists tax
invoices through its VISIBLE_INVOICES_HOOK.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView

from portal import ratelimit
from portal.admin_listings import ViewOnlyViewSet, view_only
from portal.offices import current_office, office_label, offices_for, scope, works_for_several
from portal.typed_text import has_control_characters
from services.cases.views import rate_limited
from services.payments import billing
from services.payments.models import Invoice, InvoiceStatus
from services.payments.receipts import build_receipt
from services.payments.views import invoice_context, pdf_response, take_slip
from services.taxes import bills, importer
from services.taxes.forms import ImportForm, PayForm, TaxLookupForm
from services.taxes.models import TaxAccount, TaxAssessment

SESSION_KEY = "verified_tax_accounts"
# (lookups, seconds) per address: a taxpayer mistypes a few times; a script trying numbers stops.
LOOKUP_LIMIT = getattr(settings, "TAX_LOOKUP_RATE", (10, 900))
IMPORT_PERMISSION = "taxes.import_assessments"
VIEW_PERMISSION = "taxes.view_taxaccount"


def _verified(request):
    return request.session.get(SESSION_KEY, [])


# Taxpayers ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lookup(request):
    """/<lang>/tax/: the account number and the ID's last 4 digits open the account's bills."""
    form = TaxLookupForm(request.POST or None)
    if request.method == "POST":
        count, seconds = LOOKUP_LIMIT
        if ratelimit.hit("tax-lookup", ratelimit.client_ip(request), count, seconds):
            return rate_limited(request)
        if form.is_valid():
            account = bills.find_account(
                current_office(request), form.cleaned_data["account"], form.cleaned_data["id_last4"]
            )
            if account is None:
                form.add_error(
                    None,
                    _(
                        "We could not find a tax account with these details. Check the account number on "
                        "your tax bill and the last 4 digits of the taxpayer's ID."
                    ),
                )
            else:
                request.session[SESSION_KEY] = [*_verified(request), account.pk][-5:]
                return HttpResponseRedirect(reverse("tax_account", args=[account.pk]))
    return render(
        request,
        "services/taxes/lookup.html",
        {"form": form, "error_forms": [form] if form.errors else []},
        status=400 if form.errors else 200,
    )


def _account(request, pk):
    """The account if this browser looked it up on this office's site; None otherwise."""
    if pk not in _verified(request):
        return None
    return TaxAccount.objects.filter(pk=pk, site=current_office(request)).select_related("site").first()


@require_http_methods(["GET", "POST"])
def account(request, pk):
    """The account's years: assessed, paid, instalments with due dates, surcharge when late, and
    the "pay" buttons."""
    found = _account(request, pk)
    if found is None:
        return HttpResponseRedirect(reverse("tax_lookup"), status=303)
    problem = ""
    if request.method == "POST":
        form = PayForm(request.POST)
        assessment = found.assessments.filter(pk=form.cleaned_data["assessment"]).first() if form.is_valid() else None
        if assessment is None:
            raise Http404
        assessment.account = found
        try:
            invoice = bills.bill_for(assessment, form.cleaned_data["plan"])
        except billing.PaymentError as error:
            problem = str(error)
        else:
            return HttpResponseRedirect(reverse("tax_invoice", args=[invoice.number]), status=303)
    tax_settings = bills.settings_for(found.site)
    return render(
        request,
        "services/taxes/account.html",
        {"account": found, "years": bills.account_bills(found, tax_settings=tax_settings), "problem": problem},
        status=400 if problem else 200,
    )


def _invoice(request, number):
    """The tax invoice `number` of this office, if this browser opened its account; else None."""
    if has_control_characters(number):  # a tampered link: PostgreSQL cannot compare NUL
        return None
    invoice = (
        Invoice.objects.filter(number=number, site=current_office(request), tax_bill__isnull=False)
        .select_related("site", "tax_bill__assessment__account")
        .first()
    )
    if invoice is None or invoice.tax_bill.assessment.account_id not in _verified(request):
        return None
    return invoice


def _urls(invoice):
    return {
        "slip_action": reverse("tax_invoice_slip", args=[invoice.number]),
        "receipt_url": reverse("tax_invoice_receipt", args=[invoice.number]),
    }


def _tax_context(invoice):
    bill = invoice.tax_bill
    return {"tax_bill": bill, "tax_account": bill.assessment.account}


def invoice(request, number):
    """Payments' invoice page (QR, slip, receipt) with the tax's own lines."""
    found = _invoice(request, number)
    if found is None:
        return HttpResponseRedirect(reverse("tax_lookup"))
    context = invoice_context(request, found, **_urls(found)) | _tax_context(found)
    return render(request, "services/taxes/invoice.html", context)


@require_POST
def invoice_slip(request, number):
    found = _invoice(request, number)
    if found is None:  # the session ended while the slip was chosen: ask for the account again
        return HttpResponseRedirect(reverse("tax_lookup"), status=303)
    error_page = take_slip(
        request, found, template="services/taxes/invoice.html", **_urls(found), **_tax_context(found)
    )
    if error_page is not None:
        return error_page
    return HttpResponseRedirect(reverse("tax_invoice", args=[found.number]) + "?done=slip", status=303)


def invoice_receipt(request, number):
    found = _invoice(request, number)
    if found is None:
        return HttpResponseRedirect(reverse("tax_lookup"))
    if found.status != InvoiceStatus.PAID:
        raise PermissionDenied
    return pdf_response(build_receipt(found), f"{found.receipt_number}.pdf")


# Staff -------------------------------------------------------------------------------------


def can_import(user):
    return user.is_active and (user.is_superuser or user.has_perm(IMPORT_PERMISSION))


def can_see_taxes(user):
    return user.is_active and (user.is_superuser or user.has_perm(VIEW_PERMISSION) or user.has_perm(IMPORT_PERMISSION))


def tax_invoices(user):
    """payments' VISIBLE_INVOICES_HOOK: tax invoices for those who handle taxes (scoped to their
    offices by payments)."""
    return Q(tax_bill__isnull=False) if can_see_taxes(user) else None


def staff_import(request):
    """Import a CSV of accounts and assessments into one of the person's offices."""
    if not can_import(request.user):
        raise PermissionDenied
    offices = offices_for(request.user)
    if not offices.exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, offices=offices)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = importer.import_file(form.cleaned_data["office"], upload.read(importer.MAX_BYTES + 1))
        except importer.ImportRefused as error:
            form.add_error("file", str(error))
    failed = bool(form.errors or (outcome and outcome.error_count))
    return render(
        request,
        "services/taxes/admin_import.html",
        {
            "form": form,
            "outcome": outcome,
            "columns": importer.COLUMNS_HELP,
            "assessments_url": reverse("tax_assessments:index"),
        },
        status=400 if failed else 200,
    )


view_only(TaxAssessment, can_see_taxes)


class AssessmentIndexView(IndexView):
    """Each account's years with what was collected: officers see who has paid."""

    def get_base_queryset(self):
        paid = Sum("bills__principal", filter=Q(bills__invoice__status=InvoiceStatus.PAID), output_field=DecimalField())
        return (
            scope(TaxAssessment.objects.all(), self.request.user, field="account__site")
            .select_related("account", "account__site")
            .annotate(collected=Coalesce(paid, Value(0), output_field=DecimalField()))
        )

    @cached_property
    def columns(self):
        columns = super().columns
        if works_for_several(self.request.user):
            columns = [
                *columns,
                Column("office", label=_l("Office"), accessor=lambda row: office_label(row.account.site)),
            ]
        return columns


class AssessmentViewSet(ViewOnlyViewSet):
    """ "Local taxes": each year's assessment of each account, with the tax collected so far."""

    model = TaxAssessment
    icon = "doc-full"
    menu_label = _l("Local taxes")
    menu_order = 156
    add_to_admin_menu = True
    index_view_class = AssessmentIndexView
    list_filter = ["year", "account__kind"]
    search_fields = ["account__account_number", "account__taxpayer_name"]
    list_display = [
        Column("year", label=_l("Tax year (B.E.)"), sort_key="year"),
        Column("account", label=_l("Account"), accessor=lambda row: row.account.account_number),
        Column("taxpayer", label=_l("Taxpayer"), accessor=lambda row: row.account.taxpayer_name),
        Column("kind", label=_l("Tax"), accessor=lambda row: row.account.get_kind_display()),
        Column("amount", label=_l("Assessed (baht)"), accessor=lambda row: f"{row.amount:,.2f}"),
        Column("collected", label=_l("Collected (baht)"), accessor=lambda row: f"{row.collected:,.2f}"),
    ]
    list_export = ["year", "account.account_number", "account.taxpayer_name", "account.kind", "amount", "collected"]
