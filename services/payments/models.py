"""Fees: invoices on cases and households, PromptPay payments, slips and e-receipts.

Money never moves through the portal. The office shows a PromptPay QR (or takes cash at the
counter); the resident's bank moves the money; an officer checks the slip against the office's
bank statement and confirms. The portal's job is the paperwork: what is owed, what was claimed,
who confirmed it, and a numbered receipt.
"""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.th import tin
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from forms_builder.storage import get_private_storage

# The most one invoice may ask for: far above any local fee, and inside what a PromptPay
# amount field can carry (services.payments.promptpay.MAX_AMOUNT).
MAX_INVOICE_AMOUNT = Decimal("1000000.00")


def normalise_promptpay_id(value):
    return re.sub(r"\D", "", value or "")


def promptpay_id_problem(value):
    """Why `value` is not a usable office PromptPay ID, or None. A 13-digit tax ID (checked
    with python-stdnum) or a 15-digit biller ID (a tax ID plus a 2-digit suffix)."""
    digits = normalise_promptpay_id(value)
    if len(digits) == 13 and tin.is_valid(digits):
        return None
    if len(digits) == 15 and tin.is_valid(digits[:13]):
        return None
    return _("Enter the office's 13-digit tax ID or its 15-digit biller ID (tax ID plus the 2-digit suffix).")


@register_setting(icon="tag")
class PaymentSettings(BaseSiteSetting):
    """How this office takes fees. Per site: each office has its own PromptPay account and its
    own receipt book."""

    promptpay_id = models.CharField(
        _("PromptPay ID"),
        max_length=20,
        blank=True,
        help_text=_(
            "The office's 13-digit tax ID or 15-digit biller ID registered with its bank. "
            "Leave empty to take fees at the office only: no QR code is shown."
        ),
    )
    payee_name = models.CharField(
        _("payee name"),
        max_length=200,
        blank=True,
        help_text=_("The account name residents see in their bank app, e.g. เทศบาลตำบลบ้านสวน."),
    )
    receipt_prefix = models.CharField(
        _("receipt number prefix"),
        max_length=8,
        default="RC",
        help_text=_("2–8 Latin letters or digits before every receipt number, e.g. RC gives RC2569-000001."),
    )

    panels = [FieldPanel("promptpay_id"), FieldPanel("payee_name"), FieldPanel("receipt_prefix")]

    class Meta:
        db_table = "services_paymentsettings"  # the table it had before the area became its own app
        verbose_name = _("payment settings")

    def clean(self):
        super().clean()
        errors = {}
        if self.promptpay_id:
            problem = promptpay_id_problem(self.promptpay_id)
            if problem:
                errors["promptpay_id"] = problem
            else:
                self.promptpay_id = normalise_promptpay_id(self.promptpay_id)
        prefix = (self.receipt_prefix or "").upper()
        if not (2 <= len(prefix) <= 8 and prefix.isascii() and prefix.isalnum()):
            errors["receipt_prefix"] = _("Use 2 to 8 Latin letters or digits.")
        self.receipt_prefix = prefix
        if errors:
            raise ValidationError(errors)

    @property
    def has_valid_promptpay(self):
        return bool(self.promptpay_id) and promptpay_id_problem(self.promptpay_id) is None


class Household(models.Model):
    """A household billed every month for garbage collection and wastewater treatment (the
    recurring fees of the national "pay by QR" service). The account number is printed on the
    paper bill; the house number is a weak second check, not a secret."""

    # A snippet, but residents' records, not what public pages show (portal.pagecache).
    on_public_pages = False

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.PROTECT, related_name="households")
    account_number = models.CharField(
        _("account number"), max_length=20, help_text=_("Printed on the household's bill, e.g. G-0001.")
    )
    house_number = models.CharField(
        _("house number"), max_length=30, help_text=_("e.g. 12/3. Residents type it to look up their account.")
    )
    holder_name = models.CharField(_("account holder"), max_length=200, help_text=_("Shown to staff only."))
    address = models.CharField(_("address"), max_length=300, blank=True, help_text=_("หมู่, ซอย, road."))
    garbage_fee = models.DecimalField(
        _("garbage fee per month"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10000"))],
        help_text=_("Baht a month; 0 if the household is not billed for garbage."),
    )
    wastewater_fee = models.DecimalField(
        _("wastewater fee per month"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10000"))],
        help_text=_("Baht a month; 0 if the household is not billed for wastewater."),
    )
    active = models.BooleanField(_("billed"), default=True, help_text=_("Untick when the household moves away."))

    class Meta:
        db_table = "services_household"  # the table it had before the area became its own app
        verbose_name = _("household account")
        verbose_name_plural = _("household accounts")
        ordering = ["account_number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "account_number"], name="household_unique_account"),
            models.CheckConstraint(
                condition=Q(garbage_fee__gte=0) & Q(wastewater_fee__gte=0), name="household_fees_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.account_number} {self.house_number}"


class InvoiceStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    SLIP_UPLOADED = "slip_uploaded", _("Slip uploaded, being checked")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Invoice(models.Model):
    """What a resident owes: for a case (a permit fee), a household (months of recurring fees),
    or a bill of an area above payments (a year's local tax: services.taxes points at it).

    Never deleted (PROTECT on both owners): a paid invoice is a financial record. The receipt
    number is given once, when payment is confirmed, from a per-site counter (ReceiptCounter),
    so receipt numbers have no gaps and no duplicates.
    """

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.PROTECT, related_name="invoices")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="invoices")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=30, unique=True)
    reference = models.CharField(
        _("bill reference"),
        max_length=20,
        help_text=_("Carried in the PromptPay QR so the bank statement shows what was paid for."),
    )
    amount = models.DecimalField(_("amount (baht)"), max_digits=10, decimal_places=2)
    description = models.CharField(_("description"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.UNPAID)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=30, blank=True)
    payer = models.CharField(
        _("payer"),
        max_length=200,
        blank=True,
        help_text=_("Who the receipt names, for a bill of another area (a local tax's taxpayer)."),
    )

    class Meta:
        db_table = "services_invoice"  # the table it had before the area became its own app
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(condition=Q(amount__lte=MAX_INVOICE_AMOUNT), name="invoice_amount_at_most_limit"),
            # A case's fee, a household's months, or neither: a bill of an area above payments
            # (a local tax), which points at its invoice and names the payer.
            models.CheckConstraint(
                condition=Q(case__isnull=True) | Q(household__isnull=True),
                name="invoice_for_one_owner",
            ),
            models.UniqueConstraint(
                fields=["site", "receipt_number"], condition=~Q(receipt_number=""), name="invoice_unique_receipt"
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_at__isnull=False) & ~Q(receipt_number="")),
                name="invoice_paid_has_receipt",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_payable(self):
        return self.status in (InvoiceStatus.UNPAID, InvoiceStatus.SLIP_UPLOADED)


class Payment(models.Model):
    """One claim that an invoice was paid: a transfer slip the resident uploaded, or cash an
    officer took at the counter. An officer confirms or rejects it; only a confirmed one marks
    the invoice paid."""

    class Method(models.TextChoices):
        SLIP = "slip", _("Transfer slip")
        COUNTER = "counter", _("At the counter")

    class Status(models.TextChoices):
        PENDING = "pending", _("To be checked")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Not accepted")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    slip = models.FileField(_("slip"), upload_to="payments/slips/%Y/%m/", storage=get_private_storage, blank=True)
    slip_name = models.CharField(max_length=200, blank=True)
    slip_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    decided_at = models.DateTimeField(_("checked"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        db_table = "services_payment"  # the table it had before the area became its own app
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""), name="payment_rejection_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.invoice.number} {self.method} {self.status}"


class ReceiptCounter(models.Model):
    """The receipt book: one row per site and Buddhist-Era year, locked with SELECT … FOR
    UPDATE while a number is taken, so two officers confirming at once never share a number."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "services_receiptcounter"  # the table it had before the area became its own app
        constraints = [models.UniqueConstraint(fields=["site", "year"], name="receipt_counter_unique_year")]

    def __str__(self):
        return f"{self.year}: {self.last}"


class MonthlyCharge(models.Model):
    """One month of one recurring fee for one household. Paid when the invoice that carried it
    is paid; an unpaid invoice can be replaced, so a charge points at its latest invoice."""

    class Kind(models.TextChoices):
        GARBAGE = "garbage", _("Garbage collection fee")
        WASTEWATER = "wastewater", _("Wastewater treatment fee")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="charges")
    kind = models.CharField(_("fee"), max_length=20, choices=Kind.choices)
    month = models.DateField(_("month"), help_text=_("The first day of the month billed."))
    amount = models.DecimalField(_("amount (baht)"), max_digits=8, decimal_places=2)
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="charges")
    paid = models.BooleanField(_("paid"), default=False)

    class Meta:
        db_table = "services_monthlycharge"  # the table it had before the area became its own app
        verbose_name = _("monthly charge")
        verbose_name_plural = _("monthly charges")
        ordering = ["month", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["household", "kind", "month"], name="charge_unique_month"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="charge_amount_positive"),
        ]

    def __str__(self):
        return f"{self.household.account_number} {self.kind} {self.month:%Y-%m}"
