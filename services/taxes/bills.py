"""What a taxpayer owes and pays: finding an account, a year's instalments with their due dates
and late surcharges (the office's TaxSettings), and the payments Invoice of what they chose to
pay. Paying, confirming and receipts are payments' own (services.payments.billing)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.i18n import ascii_digits
from portal.typed_text import INVISIBLE
from services.payments import billing
from services.payments.models import Invoice, InvoiceStatus
from services.taxes.models import TaxAccount, TaxAssessment, TaxBill, TaxKind, TaxSettings, lookup_key

SPACES = re.compile(f"[\\s{INVISIBLE}]+")
PLAN_ALL, PLAN_NEXT = "all", "next"


def normalise_account(value):
    """An account number as stored: Thai digits as digits, no spaces of any kind, upper case
    ("l ๐๐๐๑" → "L0001"; "L-0001" stays)."""
    return SPACES.sub("", ascii_digits(value or "")).upper()


def settings_for(site):
    return TaxSettings.for_site(site)


def find_account(site, account_number, id_last4):
    """The office's account with this number whose taxpayer's ID ends in `id_last4`; None for a
    wrong number and a wrong ID alike (one answer, so accounts cannot be enumerated). The number
    is compared without its separators (models.lookup_key): "L 0001", "l-๐๐๐๑" find L-0001."""
    key = lookup_key(account_number)
    digits = re.sub(r"\D", "", ascii_digits(id_last4 or ""))[-4:]
    if not key or len(digits) != 4:
        return None
    # Two numbers that differ only in separators are one to the taxpayer: the ID's digits decide.
    return TaxAccount.objects.filter(site=site, number_key=key, id_last4=digits).order_by("pk").first()


@dataclass
class Part:
    number: int
    due: object
    principal: Decimal
    surcharge: Decimal
    paid: bool

    @property
    def late(self):
        return self.surcharge > 0

    @property
    def total(self):
        return self.principal + self.surcharge


@dataclass
class YearBill:
    """One assessment as the taxpayer sees it today."""

    assessment: TaxAssessment
    parts: list
    open_bill: TaxBill | None = None
    paid: Decimal = Decimal("0.00")
    bills: list = field(default_factory=list)

    @property
    def unpaid(self):
        return [part for part in self.parts if not part.paid]

    @property
    def remaining(self):
        return sum((p.principal for p in self.unpaid), Decimal("0.00"))

    @property
    def surcharge(self):
        return sum((p.surcharge for p in self.unpaid), Decimal("0.00"))

    @property
    def total_now(self):
        return self.remaining + self.surcharge

    @property
    def next_part(self):
        unpaid = self.unpaid
        return unpaid[0] if unpaid else None

    @property
    def instalments(self):
        return len(self.parts) > 1

    @property
    def is_paid(self):
        return not self.unpaid

    @property
    def can_pay_next(self):
        """Paying one instalment is offered while more than one remains."""
        return len(self.unpaid) > 1


def bills_prefetch():
    return Prefetch("bills", queryset=TaxBill.objects.select_related("invoice").order_by("created_at", "pk"))


def year_bill(assessment, tax_settings, today=None):
    """The assessment's parts with what is paid (parts covered by a paid invoice, in order) and
    the surcharge each unpaid part carries today. Reads `assessment.bills` (prefetch them)."""
    today = today or timezone.localdate()
    bills = list(assessment.bills.all())
    paid_parts = max((b.last_part for b in bills if b.invoice.status == InvoiceStatus.PAID), default=0)
    kind = assessment.account.kind
    parts = [
        Part(
            number,
            due,
            principal,
            Decimal("0.00") if number <= paid_parts else tax_settings.surcharge(kind, principal, due, today),
            number <= paid_parts,
        )
        for number, due, principal in tax_settings.schedule(kind, assessment.year, assessment.amount)
    ]
    open_bill = next((b for b in reversed(bills) if b.invoice.is_payable), None)
    paid = sum((b.principal + b.surcharge for b in bills if b.invoice.status == InvoiceStatus.PAID), Decimal("0.00"))
    return YearBill(assessment, parts, open_bill=open_bill, paid=paid, bills=bills)


def account_bills(account, today=None, tax_settings=None):
    """Every year of `account`, newest first, as YearBills (two queries, whatever the years)."""
    tax_settings = tax_settings or settings_for(account.site)
    assessments = account.assessments.prefetch_related(bills_prefetch()).order_by("-year")
    rows = []
    for assessment in assessments:
        assessment.account = account
        rows.append(year_bill(assessment, tax_settings, today))
    return rows


def describe(assessment, first, last, parts):
    """The invoice's line, in the language of the request that made it."""
    kind = TaxKind(assessment.account.kind).label
    text = _("%(tax)s, tax year %(year)s, account %(account)s") % {
        "tax": kind,
        "year": assessment.year,
        "account": assessment.account.account_number,
    }
    if parts > 1:
        if first == last:
            text += " " + _("(instalment %(number)s of %(count)s)") % {"number": first, "count": parts}
        else:
            text += " " + _("(instalments %(first)s–%(last)s of %(count)s)") % {
                "first": first,
                "last": last,
                "count": parts,
            }
    return text


def bill_for(assessment, plan, today=None):
    """The Invoice for paying `plan` (PLAN_ALL: every unpaid part; PLAN_NEXT: the next
    instalment) of `assessment`, with today's surcharge. An open bill for the same parts and
    amount is reused (reloading does not pile up invoices); an unpaid one for other parts is
    cancelled; one whose slip is being checked stops a second payment."""
    with transaction.atomic():
        # Lock the year: two taps on "pay" make one bill.
        assessment = TaxAssessment.objects.select_for_update().select_related("account__site").get(pk=assessment.pk)
        current = year_bill(assessment, settings_for(assessment.account.site), today)
        if current.is_paid:
            raise billing.PaymentError(_("This year's tax is paid. Thank you."))
        unpaid = current.unpaid
        chosen = unpaid[:1] if plan == PLAN_NEXT and current.can_pay_next else unpaid
        first, last = chosen[0].number, chosen[-1].number
        principal = sum((p.principal for p in chosen), Decimal("0.00"))
        surcharge = sum((p.surcharge for p in chosen), Decimal("0.00"))
        for bill in current.bills:
            if not bill.invoice.is_payable:
                continue
            if bill.invoice.status == InvoiceStatus.SLIP_UPLOADED:
                raise billing.PaymentError(
                    _("Your slip for this tax is being checked. The receipt follows once it is confirmed.")
                )
            if (bill.first_part, bill.last_part, bill.invoice.amount) == (first, last, principal + surcharge):
                return bill.invoice
            Invoice.objects.filter(pk=bill.invoice_id, status=InvoiceStatus.UNPAID).update(
                status=InvoiceStatus.CANCELLED
            )
        account = assessment.account
        invoice = billing.issue_area_invoice(
            account.site,
            principal + surcharge,
            describe(assessment, first, last, len(current.parts)),
            # Bank apps carry 20 letters and digits: the account's last 16 and the year.
            reference=re.sub(r"[^0-9A-Z]", "", account.account_number)[-16:] + str(assessment.year),
            prefix="TX",
            payer=account.taxpayer_name,
        )
        TaxBill.objects.create(
            assessment=assessment,
            invoice=invoice,
            first_part=first,
            last_part=last,
            principal=principal,
            surcharge=surcharge,
        )
    return invoice
