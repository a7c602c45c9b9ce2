"""Fee payments, both sides.

Residents: the invoice of a case under /t/<REFERENCE>/invoices/<NUMBER>/ (anyone with the
reference sees the amount and the QR, as on the tracking page; sending a slip and downloading
the receipt need the tracking page's verification), and household fees under /<lang>/pay/
(account number + house number, remembered in the session for that household only).

Staff (inside the Wagtail admin, wired in wagtail_hooks.py): "Payments to confirm" (a Wagtail
ModelViewSet with confirm and reject on each waiting slip), a case's invoices, receipts, and QR
posters. Case invoices follow the case queue's department scoping
(``Case.objects.visible_to``); household invoices need the household-account permission.

Offices (issue 17): every staff query is also narrowed to the offices the person works for
(``portal.offices.scope`` on the invoice's site), whatever the case room's scoping does, so
another office's invoice, slip or receipt is a 404. Every public lookup is narrowed to the office
whose host the request came to (``current_office``): an account or invoice number of office B
typed on office A's site is "not found", never B's bill.
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView

from forms_builder.models import FormPage
from portal.admin_listings import TemplateColumn, ViewOnlyViewSet, view_only
from portal.admin_menu import MenuItemFor
from portal.i18n import ascii_digits
from portal.offices import current_office, office_ids, office_label, offices_for, scope, works_for_several
from portal.typed_text import has_control_characters
from services.cases.admin_views import can_use_queue, sees_all
from services.cases.models import Case
from services.cases.views import (
    LOOKUP_LIMIT,
    VERIFY_LIMIT,
    _lookup,
    is_verified,
    over_limit,
    rate_limited,
    stream_private,
)
from services.cases.workflow import WorkflowError
from services.payments import billing
from services.payments.forms import HouseholdLookupForm, InvoiceForm, RejectForm, SlipForm
from services.payments.models import Invoice, InvoiceStatus, Payment
from services.payments.receipts import build_receipt
from services.posters import KINDS, build_poster

HOUSEHOLD_SESSION_KEY = "verified_households"

# Areas above payments that bill through it (local taxes) say which of their invoices a person
# handles: a function of the user returning a Q on Invoice, or None when they handle none. Their
# slips then wait in "Payments to confirm" with the others, scoped to the person's offices.
VISIBLE_INVOICES_HOOK = "payments_visible_invoices"


def pdf_response(data, filename):
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# Residents: case invoices -----------------------------------------------------------------


def _case_invoice(request, reference, number):
    case = _lookup(reference)
    if case is None or has_control_characters(number):  # PostgreSQL cannot even compare NUL
        raise PermissionDenied  # 403, as the tracking views: outside /th/ a 404 would redirect
    # Only the invoices of the office whose host this is: B's case on A's site shows no bill.
    invoice = (
        Invoice.objects.filter(case=case, number=number, site=current_office(request)).select_related("site").first()
    )
    if invoice is None:
        raise PermissionDenied
    invoice.case = case
    return case, invoice


def case_invoice(request, reference, number):
    """The invoice page: amount, reference and QR; slip upload and receipt once verified."""
    if over_limit(request, "lookup", LOOKUP_LIMIT):
        return rate_limited(request)
    case, invoice = _case_invoice(request, reference, number)
    return render(request, "services/payments/invoice.html", invoice_context(request, invoice, case=case))


def invoice_context(request, invoice, case=None, household=None, slip_form=None, slip_action="", receipt_url=""):
    """What services/payments/invoice.html shows of `invoice`. An area billing through payments
    (local taxes) passes its own `slip_action` and `receipt_url`; a case's or household's are
    found here."""
    settings = billing.settings_for(invoice.site)
    verified = is_verified(request, case) if case is not None else True
    return {
        "invoice": invoice,
        "case": case,
        "household": household,
        "payment_settings": settings,
        "qr_payload": billing.qr_payload(invoice, settings),
        "verified": verified,
        "slip_form": slip_form or SlipForm(),
        "error_forms": [slip_form] if slip_form is not None and slip_form.errors else [],
        "slip_action": slip_action or _slip_url(invoice, case),
        "receipt_url": (receipt_url or _receipt_url(invoice, case)) if invoice.status == InvoiceStatus.PAID else "",
        "rejected": invoice.payments.filter(status=Payment.Status.REJECTED).order_by("-decided_at").first()
        if invoice.status == InvoiceStatus.UNPAID
        else None,
    }


def _slip_url(invoice, case):
    if case is not None:
        return reverse("case_invoice_slip", args=[case.reference, invoice.number])
    return reverse("household_invoice_slip", args=[invoice.number])


def _receipt_url(invoice, case):
    if case is not None:
        return reverse("case_invoice_receipt", args=[case.reference, invoice.number])
    return reverse("household_invoice_receipt", args=[invoice.number])


def take_slip(request, invoice, case=None, household=None, template="services/payments/invoice.html", **context):
    """Keep the slip the resident sent for `invoice`: None when kept, else the invoice page again
    (status 400) with the reason next to the file box. `context` is added to the page's
    (an area's own slip and receipt URLs, its own lines)."""
    form = SlipForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            billing.upload_slip(invoice, form.cleaned_data["slip"], cleaned=form.cleaned_slip)
        except billing.PaymentError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error("slip", error)
        else:
            return None
    urls = {key: context.pop(key) for key in ("slip_action", "receipt_url") if key in context}
    page = invoice_context(request, invoice, case=case, household=household, slip_form=form, **urls)
    return render(request, template, page | context, status=400)


def _confirm_first(case):
    """A slip or receipt link used where the request was not confirmed as the reader's (another
    browser, an ended session): the tracking page's own check, in the reader's language."""
    return HttpResponseRedirect(reverse("case_track", args=[case.reference]) + "#your-request", status=303)


@require_POST
def case_invoice_slip(request, reference, number):
    if over_limit(request, "lookup", LOOKUP_LIMIT):
        return rate_limited(request)
    case, invoice = _case_invoice(request, reference, number)
    if not is_verified(request, case):
        return _confirm_first(case)
    error_page = take_slip(request, invoice, case=case)
    if error_page is not None:
        return error_page
    return HttpResponseRedirect(reverse("case_invoice", args=[case.reference, invoice.number]) + "?done=slip")


def case_invoice_receipt(request, reference, number):
    case, invoice = _case_invoice(request, reference, number)
    if not is_verified(request, case):
        return _confirm_first(case)
    if invoice.status != InvoiceStatus.PAID:
        raise PermissionDenied
    return pdf_response(build_receipt(invoice), f"{invoice.receipt_number}.pdf")


# Residents: household fees ----------------------------------------------------------------


def _verified_households(request):
    return request.session.get(HOUSEHOLD_SESSION_KEY, [])


@require_http_methods(["GET", "POST"])
def household_lookup(request):
    """/<lang>/pay/: a household types its account and house number and sees the months due."""
    return _lookup_page(request)


def _lookup_page(request, bill_number=""):
    """The account form; with `bill_number` (a bill link opened where the account was never
    looked up: another phone, a shared link) it is asked again and then leads on to that bill.

    Nothing of the bill is filled in or shown: the account number and house number are the only
    proof that the household is the reader's, and the bill number alone must not reveal either."""
    form = HouseholdLookupForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, "household", VERIFY_LIMIT):
            return rate_limited(request)
        if form.is_valid():
            household = billing.find_household(
                current_office(request), form.cleaned_data["account"], form.cleaned_data["house"]
            )
            if household is None:
                form.add_error(
                    None, _("We could not find that account with that house number. Check both on your bill.")
                )
            else:
                request.session[HOUSEHOLD_SESSION_KEY] = [*_verified_households(request), household.pk][-5:]
                if bill_number and household.invoices.filter(number=bill_number).exists():
                    return HttpResponseRedirect(reverse("household_invoice", args=[bill_number]))
                if not billing.months_due(household):
                    return render(request, "services/payments/household.html", {"household": household, "due": []})
                invoice = billing.invoice_for_household(household)
                return HttpResponseRedirect(reverse("household_invoice", args=[invoice.number]))
    return render(
        request,
        "services/payments/household_lookup.html",
        {"form": form, "error_forms": [form] if form.errors else [], "for_bill": bool(bill_number)},
        status=400 if form.errors else 200,
    )


def _office_bill(request, number):
    """The household bill `number` of the office whose host the request came to, or None."""
    if has_control_characters(number):  # a typed or tampered link: PostgreSQL cannot compare NUL
        return None
    return (
        Invoice.objects.filter(number=number, household__isnull=False, site=current_office(request))
        .select_related("household", "site")
        .first()
    )


def _household_invoice(request, number):
    """The bill if this browser looked its account up; None otherwise."""
    invoice = _office_bill(request, number)
    if invoice is None or invoice.household_id not in _verified_households(request):
        return None
    return invoice


@require_http_methods(["GET", "POST"])
def household_invoice(request, number):
    if has_control_characters(number):  # no bill number has one; the account form would look it up
        raise Http404
    invoice = _office_bill(request, number)
    if invoice is None and Invoice.objects.filter(number=number).exists():
        # Another office's bill (or a case's invoice): this office's site has no such household bill
        # and says nothing of it. A number no office knows asks for the account (a mistyped link).
        raise Http404
    if invoice is None or invoice.household_id not in _verified_households(request):
        return _lookup_page(request, bill_number=number)
    if request.method == "POST":  # the account form sent twice (back button): the bill is open already
        return HttpResponseRedirect(reverse("household_invoice", args=[number]))
    context = invoice_context(request, invoice, household=invoice.household)
    context["charges"] = list(invoice.charges.order_by("month", "kind"))
    return render(request, "services/payments/invoice.html", context)


@require_POST
def household_invoice_slip(request, number):
    invoice = _household_invoice(request, number)
    if invoice is None:  # the session ended while the slip was chosen: ask for the account again
        return HttpResponseRedirect(reverse("household_invoice", args=[number]), status=303)
    error_page = take_slip(request, invoice, household=invoice.household)
    if error_page is not None:
        return error_page
    return HttpResponseRedirect(reverse("household_invoice", args=[invoice.number]) + "?done=slip")


def household_invoice_receipt(request, number):
    invoice = _household_invoice(request, number)
    if invoice is None:
        return HttpResponseRedirect(reverse("household_invoice", args=[number]))
    if invoice.status != InvoiceStatus.PAID:
        raise PermissionDenied
    return pdf_response(build_receipt(invoice), f"{invoice.receipt_number}.pdf")


# Staff ------------------------------------------------------------------------------------


def can_see_households(user):
    return user.is_superuser or user.has_perm("payments.change_household")


def visible_invoices(user):
    """Invoices of cases the user may see, plus household invoices for finance staff; only of
    the offices the user works for."""
    cases = Case.objects.visible_to(user).values("pk")
    condition = Q(case__in=cases)
    if can_see_households(user):
        condition |= Q(household__isnull=False)
    for area_condition in _area_invoices(user):
        condition |= area_condition
    return scope(Invoice.objects.filter(condition), user)


def _area_invoices(user):
    """The Q of each area's invoices this person handles (VISIBLE_INVOICES_HOOK)."""
    return [found for hook in hooks.get_hooks(VISIBLE_INVOICES_HOOK) if (found := hook(user)) is not None]


def visible_cases(user):
    """Cases whose invoices this user handles: the case queue's scoping, within their offices."""
    return scope(Case.objects.visible_to(user), user)


def office_column(accessor):
    """The "Office" column a shared officer (or a platform administrator) sees, so they always
    know whose money they are looking at."""
    return Column("office", label=_l("Office"), accessor=lambda row: office_label(accessor(row)))


def can_see_payments(user):
    """Officers of a department (the slips of their departments' cases, as in the case queue)
    and finance staff (household fees)."""
    return can_see_households(user) or bool(_area_invoices(user)) or sees_all(user) or user.departments.exists()


view_only(Payment, can_see_payments)


# A payment's cell, drawn by the template the case's invoice page uses too
# (templates/services/payments/cells/), so both show a slip the same way.
PaymentCell = partial(TemplateColumn, folder="services/payments/cells", object_name="payment", with_form=True)


def shows_payments_menu(request):
    """Whoever works a case queue or the household accounts. `can_use_queue` reuses the
    departments the request already loaded for the "Cases" item, so the menu costs no query of
    its own on every admin page (the case queue's query budget counts it)."""
    return can_use_queue(request) or can_see_households(request.user) or bool(_area_invoices(request.user))


class PaymentIndexView(IndexView):
    template_name = "services/payments/admin_payments.html"

    def get_base_queryset(self):
        return Payment.objects.filter(invoice__in=visible_invoices(self.request.user)).select_related(
            "invoice", "invoice__case", "invoice__household", "invoice__site", "decided_by"
        )

    def order_queryset(self, queryset):
        if self.ordering:
            return super().order_queryset(queryset)
        # Slips waiting first, the one waiting longest at the top; then the latest decisions.
        return queryset.order_by(F("decided_at").desc(nulls_first=True), "created_at", "pk")

    @cached_property
    def columns(self):
        columns = super().columns
        if works_for_several(self.request.user):
            columns = [*columns, office_column(lambda payment: payment.invoice.site)]
        return columns

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The PromptPay warning is about the office whose site this is when this person works
        # there, otherwise about the first office they work for.
        # (office_ids is read once per request and kept on the user: no query of its own here.)
        ids, office = office_ids(self.request.user), current_office(self.request)
        if ids is not None and office.pk not in ids:
            office = offices_for(self.request.user).first()
        if office is not None:
            context["payment_settings"] = billing.settings_for(office)
        return context


class PaymentViewSet(ViewOnlyViewSet):
    """ "Payments to confirm": slips waiting for an officer, then the latest decisions, with
    confirm and reject on each waiting slip; scoped like the case queue (visible_invoices)."""

    model = Payment
    icon = "tag"
    menu_label = _l("Payments")
    menu_order = 155
    add_to_admin_menu = True
    index_view_class = PaymentIndexView
    menu_item_class = partial(MenuItemFor, shown=shows_payments_menu)
    list_filter = ["status", "method"]
    list_display = [
        PaymentCell("subject", _l("Case or account")),
        PaymentCell("invoice", _l("Invoice")),
        PaymentCell("amount", _l("Amount (baht)")),
        PaymentCell("method", _l("Method")),
        PaymentCell("sent", _l("Sent"), sort_key="created_at"),
        PaymentCell("decision", _l("Decision")),
    ]
    list_export = ["invoice.number", "invoice.description", "invoice.amount", "method", "status", "created_at"]
    list_export += ["decided_at", "decided_by", "reason", "invoice.receipt_number"]
    export_headings = {
        "invoice.number": capfirst(_l("invoice number")),
        "invoice.description": capfirst(_l("description")),
        "invoice.amount": capfirst(_l("amount (baht)")),
        "invoice.receipt_number": capfirst(_l("receipt number")),
    }

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/confirm/", staff_confirm, name="confirm"),
            path("<int:pk>/reject/", staff_reject, name="reject"),
            path("<int:pk>/slip/", staff_slip, name="slip"),
        ]


def _staff_payment(request, pk):
    payment = (
        Payment.objects.filter(pk=pk, invoice__in=visible_invoices(request.user)).select_related("invoice").first()
    )
    if payment is None:
        raise Http404
    return payment


@require_POST
def staff_confirm(request, pk):
    payment = _staff_payment(request, pk)
    try:
        invoice = billing.confirm(payment, request.user)
    except (billing.PaymentError, WorkflowError) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Payment confirmed. Receipt %(receipt)s issued for invoice %(number)s.")
            % {"receipt": invoice.receipt_number, "number": invoice.number},
        )
    return redirect(request.POST.get("next") if _safe_next(request) else reverse("payments:index"))


def _safe_next(request):
    target = request.POST.get("next", "")
    return target.startswith("/") and not target.startswith("//")


@require_POST
def staff_reject(request, pk):
    payment = _staff_payment(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason the resident will read."))
    else:
        try:
            billing.reject(payment, request.user, form.cleaned_data["reason"])
        except billing.PaymentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Slip rejected; the resident sees your reason."))
    return redirect(request.POST.get("next") if _safe_next(request) else reverse("payments:index"))


def staff_slip(request, pk):
    payment = _staff_payment(request, pk)
    if not payment.slip:
        raise Http404
    return stream_private(payment.slip, payment.slip_name, payment.slip_type)


def staff_receipt(request, pk):
    invoice = visible_invoices(request.user).filter(pk=pk, status=InvoiceStatus.PAID).first()
    if invoice is None:
        raise Http404
    return pdf_response(build_receipt(invoice), f"{invoice.receipt_number}.pdf")


def staff_case_invoices(request, pk):
    """A case's invoices: issue one (the guide's fee by default), take a counter payment, cancel."""
    case = get_object_or_404(visible_cases(request.user).select_related("site", "service"), pk=pk)
    form = None
    if request.method == "POST":
        action = request.POST.get("action")
        invoice_id = ascii_digits(request.POST.get("invoice", "")).strip()
        # A tampered hidden field ("abc", "-1", 10**40) finds no invoice rather than raising.
        invoice = (
            case.invoices.filter(pk=int(invoice_id)).first()
            if invoice_id.isascii() and invoice_id.isdigit() and len(invoice_id) < 19
            else None
        )
        try:
            if action == "issue":
                form = InvoiceForm(request.POST)
                if form.is_valid():
                    invoice = billing.issue_invoice(
                        case, form.cleaned_data["amount"], form.cleaned_data["description"], request.user
                    )
                    messages.success(request, _("Invoice %(number)s issued.") % {"number": invoice.number})
                    return redirect("payments_case", pk=case.pk)
            elif action == "counter" and invoice is not None:
                invoice = billing.record_counter_payment(invoice, request.user)
                messages.success(
                    request, _("Payment recorded. Receipt %(receipt)s issued.") % {"receipt": invoice.receipt_number}
                )
                return redirect("payments_case", pk=case.pk)
            elif action == "cancel" and invoice is not None:
                billing.cancel_invoice(invoice, request.user)
                messages.success(request, _("Invoice %(number)s cancelled.") % {"number": invoice.number})
                return redirect("payments_case", pk=case.pk)
            else:
                raise Http404
        except billing.PaymentError as error:
            messages.error(request, str(error))
            return redirect("payments_case", pk=case.pk)
    if form is None:
        fee = billing.default_fee(case)
        form = InvoiceForm(initial={"amount": f"{fee:.2f}" if fee else "", "description": ""})
    invoices = list(case.invoices.prefetch_related("payments").order_by("-created_at"))
    return render(
        request,
        "services/payments/admin_case.html",
        {
            "case": case,
            "invoices": invoices,
            "form": form,
            "reject_form": RejectForm(),
            "payment_settings": billing.settings_for(case.site),
        },
        status=400 if form.errors else 200,
    )


def office_pages(queryset, user):
    """`queryset` of pages narrowed to the page trees of the offices `user` works for."""
    if office_ids(user) is None:
        return queryset
    sites = list(offices_for(user).select_related("root_page"))
    if not sites:
        return queryset.none()
    trees = Q()
    for site in sites:
        trees |= Q(path__startswith=site.root_page.path)
    return queryset.filter(trees)


def staff_posters(request):
    """Every live e-form (Thai) of the user's offices, with its A4 poster and A6 sticker sheet."""
    forms = office_pages(FormPage.objects.live(), request.user).filter(locale__language_code="th").order_by("title")
    return render(request, "services/payments/admin_posters.html", {"forms": forms})


def staff_poster(request, page_id, kind):
    if kind not in KINDS:
        raise Http404
    # `id` (Page's AutoField), not `pk` (the parent link): Django answers an id too big for the
    # database with "not found" only for integer fields, and the parent link is a foreign key.
    page = get_object_or_404(office_pages(FormPage.objects.live(), request.user), id=page_id)
    response = pdf_response(build_poster(page, kind, request=request), f"qr-{kind}-{page.short_code or page.slug}.pdf")
    page.mark_short_code_printed()  # the code may now be on paper: forms_builder keeps it from changing
    return response
