"""Fees: issuing invoices, drawing PromptPay QR codes, taking slips, confirming payments and
numbering receipts. Views (resident and staff) call these; nothing else writes payment rows.

Case status changes go through ``services.cases.workflow.change_status`` so the case's timeline,
optimistic lock and SLA pause ("waiting for the resident") stay the case engineer's rules.
"""

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Site

from forms_builder.uploads import check_and_clean
from services.cases import workflow
from services.cases.models import CaseEvent, CaseStatus
from services.payments import promptpay
from services.payments.models import (
    MAX_INVOICE_AMOUNT,
    Household,
    Invoice,
    InvoiceStatus,
    MonthlyCharge,
    Payment,
    PaymentSettings,
    ReceiptCounter,
)

# Slips follow the e-forms' upload rules: a photo or a PDF, checked by content, re-encoded.
SLIP_SPEC = {"key": "slip", "allowed_types": ["image", "pdf"], "max_size_mb": 5}


class PaymentError(Exception):
    """A refused payment action; `str(error)` is a message for the person who tried."""


def settings_for(site):
    return PaymentSettings.for_site(site)


def clean_amount(value):
    """A Decimal in baht with two places, more than 0 and at most MAX_INVOICE_AMOUNT."""
    try:
        amount = Decimal(str(value).replace(",", "").strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise PaymentError(_("Enter the amount in baht, e.g. 250 or 250.50.")) from None
    if not amount.is_finite() or amount <= 0:
        raise PaymentError(_("The amount must be more than 0 baht."))
    if amount > MAX_INVOICE_AMOUNT:
        raise PaymentError(_("The amount cannot be more than 1,000,000 baht."))
    return amount


def _next_number(prefix, site):
    """INV<yy>-<random>: not guessable in sequence (the invoice page is found by its number)."""
    year = timezone.localdate().year + 543
    return f"{prefix}{year % 100:02d}{uuid.uuid4().hex[:8].upper()}"


def default_fee(case):
    """The fixed fee the service's guide states, or None."""
    service = case.service if case.service_id else None
    return service.fee_amount if service is not None and service.fee_amount else None


def resident_language(case):
    """Timeline messages are stored as text: write them in the language the resident filed in."""
    language = getattr(case.submission, "language", "") if case.submission_id else ""
    return language if language in ("th", "en") else "th"


def issue_invoice(case, amount, description="", user=None):
    """Bill `case`. The case then waits for the resident (SLA paused) if the workflow allows it
    from where the case is (accepted or in progress); a case not yet accepted keeps its status
    so that accepting it stays a deliberate officer decision."""
    amount = clean_amount(amount)
    with translation.override(resident_language(case)):
        return _issue_invoice(case, amount, description, user)


def _issue_invoice(case, amount, description, user):
    description = (description or "").strip()[:300] or _("Fee for %(service)s") % {"service": case.service_title}
    with transaction.atomic():
        invoice = Invoice.objects.create(
            site=case.site,
            case=case,
            number=_next_number("INV", case.site),
            reference=promptpay._reference(case.reference)[:20],
            amount=amount,
            description=description,
            created_by=user,
        )
        message = _("Please pay %(amount)s baht (invoice %(number)s) by PromptPay QR or at the office.") % {
            "amount": f"{amount:,.2f}",
            "number": invoice.number,
        }
        if workflow.can_transition(case.status, CaseStatus.WAITING):
            workflow.change_status(case, CaseStatus.WAITING, user, message=message)
        else:
            workflow.reply(case, message, user)
    return invoice


def issue_area_invoice(site, amount, description, reference, prefix, payer=""):
    """An invoice of an area above payments (a year's local tax): no case and no household; the
    area keeps the link to it and `payer` is whom the receipt names. Its QR, slips, confirmation
    and receipt number are those of every other invoice. Call it inside the area's transaction."""
    return Invoice.objects.create(
        site=site,
        number=_next_number(prefix, site),
        reference=promptpay._reference(reference)[:20],
        amount=clean_amount(amount),
        description=description[:300],
        payer=payer[:200],
    )


def cancel_invoice(invoice, user=None):
    with transaction.atomic():
        updated = Invoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.UNPAID).update(
            status=InvoiceStatus.CANCELLED
        )
        if not updated:
            raise PaymentError(_("Only an unpaid invoice without a slip can be cancelled."))
        if invoice.case_id:
            workflow.add_note(invoice.case, _("Invoice %(number)s cancelled.") % {"number": invoice.number}, user)
    invoice.status = InvoiceStatus.CANCELLED


# QR codes ---------------------------------------------------------------------------------


def qr_payload(invoice, payment_settings=None):
    """The EMVCo text for `invoice`, or None when the office has no valid PromptPay ID (the
    pages then say "pay at the office" instead of drawing a code nobody can pay)."""
    payment_settings = payment_settings or settings_for(invoice.site)
    if not payment_settings.has_valid_promptpay or not invoice.is_payable:
        return None
    return promptpay.payload(payment_settings.promptpay_id, invoice.amount, invoice.reference)


# Paying -----------------------------------------------------------------------------------


def upload_slip(invoice, uploaded, cleaned=None):
    """Keep a resident's transfer slip for an officer to check. Raises ValidationError with the
    e-forms' own messages for a wrong or oversized file. `cleaned` is check_and_clean's result
    when a form already ran it."""
    if not invoice.is_payable:
        raise PaymentError(_("This invoice is not waiting for payment."))
    data, content_type, extension = cleaned or check_and_clean(uploaded, SLIP_SPEC)
    with translation.override(_invoice_language(invoice)), transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not locked.is_payable:
            raise PaymentError(_("This invoice is not waiting for payment."))
        payment = Payment(
            invoice=locked,
            method=Payment.Method.SLIP,
            slip_name=f"slip-{invoice.number}.{extension}",
            slip_type=content_type,
        )
        payment.slip.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
        payment.save()
        Invoice.objects.filter(pk=locked.pk).update(status=InvoiceStatus.SLIP_UPLOADED)
        if locked.case_id:
            CaseEvent.objects.create(
                case=locked.case,
                kind=CaseEvent.Kind.RESIDENT_REPLY,
                public=True,
                message=_("Transfer slip sent for invoice %(number)s.") % {"number": locked.number},
            )
    invoice.status = InvoiceStatus.SLIP_UPLOADED
    return payment


def next_receipt_number(site, prefix, today=None):
    """The next number of this site's receipt book for the Buddhist-Era year. Must run inside
    the caller's transaction: the counter row stays locked until it commits."""
    year = (today or timezone.localdate()).year + 543
    try:
        with transaction.atomic():
            ReceiptCounter.objects.get_or_create(site=site, year=year)
    except IntegrityError:  # another transaction created it first: it exists now
        pass
    counter = ReceiptCounter.objects.select_for_update().get(site=site, year=year)
    ReceiptCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    return f"{prefix}{year}-{counter.last + 1:06d}"


def _invoice_language(invoice):
    return resident_language(invoice.case) if invoice.case_id else translation.get_language()


def confirm(payment, user=None):
    """The officer saw the money arrive: mark the invoice paid, give it the next receipt number,
    settle household months, and move a waiting case back to work."""
    with translation.override(_invoice_language(payment.invoice)):
        return _settle(payment, user)


def record_counter_payment(invoice, user):
    """Cash or card at the counter: the officer is the witness, so it is confirmed at once."""
    with translation.override(_invoice_language(invoice)), transaction.atomic():
        payment = Payment.objects.create(invoice=invoice, method=Payment.Method.COUNTER)
        return _settle(payment, user)


def _settle(payment, user):
    now = timezone.now()
    with transaction.atomic():
        # Write first: on SQLite a transaction that reads and then writes cannot wait for another
        # writer ("database is locked"); a first write waits its turn. On PostgreSQL this takes
        # the same row lock as the SELECT … FOR UPDATE below.
        Invoice.objects.filter(pk=payment.invoice_id).update(status=F("status"))
        invoice = (
            Invoice.objects.select_for_update(of=("self",)).select_related("site", "case").get(pk=payment.invoice_id)
        )
        current = Payment.objects.select_for_update().get(pk=payment.pk)
        if current.status != Payment.Status.PENDING:
            raise PaymentError(_("This payment has already been checked."))
        if not invoice.is_payable:
            raise PaymentError(_("This invoice is not waiting for payment."))
        prefix = settings_for(invoice.site).receipt_prefix or "RC"
        number = next_receipt_number(invoice.site, prefix)
        Payment.objects.filter(pk=current.pk).update(status=Payment.Status.CONFIRMED, decided_at=now, decided_by=user)
        # Any other slips for the same invoice are now moot.
        Payment.objects.filter(invoice=invoice, status=Payment.Status.PENDING).exclude(pk=current.pk).update(
            status=Payment.Status.REJECTED,
            decided_at=now,
            decided_by=user,
            reason=_("Another payment for this invoice was confirmed."),
        )
        Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.PAID, paid_at=now, receipt_number=number)
        MonthlyCharge.objects.filter(invoice=invoice).update(paid=True)
        if invoice.case_id:
            case = invoice.case
            message = _("Payment of %(amount)s baht received. Receipt number %(receipt)s.") % {
                "amount": f"{invoice.amount:,.2f}",
                "receipt": number,
            }
            still_owed = case.invoices.filter(status__in=[InvoiceStatus.UNPAID, InvoiceStatus.SLIP_UPLOADED]).exclude(
                pk=invoice.pk
            )
            if case.status == CaseStatus.WAITING and not still_owed.exists():
                workflow.change_status(case, CaseStatus.IN_PROGRESS, user, message=message)
            else:
                workflow.reply(case, message, user)
    invoice.refresh_from_db()
    payment.refresh_from_db()
    return invoice


def reject(payment, user, reason):
    """The slip does not match a transfer: tell the resident why; the invoice is payable again."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Give the reason the resident will read."))
    with translation.override(_invoice_language(payment.invoice)), transaction.atomic():
        invoice = Invoice.objects.select_for_update(of=("self",)).select_related("case").get(pk=payment.invoice_id)
        updated = Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
            status=Payment.Status.REJECTED, decided_at=timezone.now(), decided_by=user, reason=reason
        )
        if not updated:
            raise PaymentError(_("This payment has already been checked."))
        if not invoice.payments.filter(status=Payment.Status.PENDING).exists():
            Invoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.SLIP_UPLOADED).update(
                status=InvoiceStatus.UNPAID
            )
        if invoice.case_id:
            workflow.reply(
                invoice.case,
                _("Your transfer slip for invoice %(number)s could not be accepted: %(reason)s")
                % {"number": invoice.number, "reason": reason},
                user,
            )
    payment.refresh_from_db()


# Recurring fees ---------------------------------------------------------------------------


def find_household(site, account_number, house_number):
    """The household whose account number matches and whose house number matches after
    ignoring spaces; None otherwise (one answer for both mistakes)."""
    account = (account_number or "").strip().upper()
    house = "".join((house_number or "").split())
    household = Household.objects.filter(site=site, account_number__iexact=account, active=True).first()
    if household is None or "".join(household.house_number.split()) != house:
        return None
    return household


def months_due(household):
    return list(household.charges.filter(paid=False).order_by("month", "kind"))


def bill_month(site, month):
    """Add this month's charges for every billed household. Safe to run twice (unique per
    household, fee and month)."""
    month = month.replace(day=1)
    created = 0
    for household in Household.objects.filter(site=site, active=True):
        for kind, amount in (
            (MonthlyCharge.Kind.GARBAGE, household.garbage_fee),
            (MonthlyCharge.Kind.WASTEWATER, household.wastewater_fee),
        ):
            if amount and amount > 0:
                _obj, made = MonthlyCharge.objects.get_or_create(
                    household=household, kind=kind, month=month, defaults={"amount": amount}
                )
                created += made
    return created


def bill_current_month():
    """The monthly schedule (portal/schedules.py): this month's charges on every site.
    Safe to run twice, like bill_month."""
    month = timezone.localdate().replace(day=1)
    return sum(bill_month(site, month) for site in Site.objects.all())


def invoice_for_household(household):
    """One invoice for every unpaid month. Reuses the open invoice if it still covers exactly
    the months due, so reloading the page does not pile up invoices."""
    with transaction.atomic():
        charges = list(
            MonthlyCharge.objects.select_for_update().filter(household=household, paid=False).order_by("month", "kind")
        )
        if not charges:
            raise PaymentError(_("Nothing is due on this account. Thank you."))
        total = sum((c.amount for c in charges), Decimal("0"))
        open_ids = {c.invoice_id for c in charges}
        if len(open_ids) == 1 and None not in open_ids:
            invoice = Invoice.objects.get(pk=open_ids.pop())
            if invoice.is_payable and invoice.amount == total:
                return invoice
        Invoice.objects.filter(household=household, status=InvoiceStatus.UNPAID).update(status=InvoiceStatus.CANCELLED)
        first, last = charges[0].month, charges[-1].month
        invoice = Invoice.objects.create(
            site=household.site,
            household=household,
            number=_next_number("HH", household.site),
            reference=promptpay._reference(household.account_number)[:20],
            amount=clean_amount(total),
            description=_("Garbage and wastewater fees %(first)s – %(last)s")
            % {"first": f"{first:%m}/{first.year + 543}", "last": f"{last:%m}/{last.year + 543}"},
        )
        MonthlyCharge.objects.filter(pk__in=[c.pk for c in charges]).update(invoice=invoice)
    return invoice


def month_start(today=None):
    today = today or timezone.localdate()
    return datetime.date(today.year, today.month, 1)
