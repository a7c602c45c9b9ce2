"""Local taxes: land-and-building tax and signboard tax accounts of an office, their yearly
assessments (imported from the office's tax system), and the bills taxpayers pay through
payments (PromptPay QR, slip, officer's confirmation, numbered receipt).

The second detail a taxpayer types with the account number is the last four digits of their
national ID or juristic-person tax ID: they know it by heart, it is the same for both taxes
(a signboard is often a shop's or company's), it is not printed on the bill (a lost bill alone
does not open the account), and four digits are not the ID: the import keeps only them, so the
portal never stores a taxpayer's full ID. It is a weak check, like the household fees' house
number; the lookup's rate limit and its one neutral answer keep it from being guessed.
"""

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from portal.i18n import ascii_digits

CENT = Decimal("0.01")


def lookup_key(account_number):
    """What an account number is found by: its letters and digits only, upper case, Thai and
    full-width digits as 0-9. "L-0001", "l 0001", "L๐๐๐๑" and "Ｌ－０００１" are one account, however
    the bill prints its separators and whatever a phone keyboard types."""
    return "".join(ch for ch in ascii_digits(account_number or "") if ch.isalnum()).upper()[:20]


class TaxKind(models.TextChoices):
    LAND_BUILDING = "land_building", _("Land and building tax")
    SIGNBOARD = "signboard", _("Signboard tax")


def add_months(day, months):
    """`day` moved by whole months, kept inside the month (31 January + 1 month = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@register_setting(icon="tag")
class TaxSettings(BaseSiteSetting):
    """How this office collects its local taxes: due dates, instalments, late surcharges and
    reminders. Per site, because each office decides them (within the law) and the law changes:
    nothing of them is written in code."""

    land_building_due_month = models.PositiveSmallIntegerField(
        _("land and building tax: due month"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("1–12. The year's tax (or its first instalment) is due in this month of the tax year."),
    )
    land_building_due_day = models.PositiveSmallIntegerField(
        _("land and building tax: due day"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Day of that month; a day the month lacks means its last day."),
    )
    land_building_instalments = models.PositiveSmallIntegerField(
        _("land and building tax: instalments"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("How many instalments a taxpayer may pay in; 1 means the whole amount at once."),
    )
    land_building_surcharge = models.DecimalField(
        _("land and building tax: surcharge per month late (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Percent of the late amount for each month or part of a month after the due date."),
    )
    signboard_due_month = models.PositiveSmallIntegerField(
        _("signboard tax: due month"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    signboard_due_day = models.PositiveSmallIntegerField(
        _("signboard tax: due day"), default=31, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    signboard_instalments = models.PositiveSmallIntegerField(
        _("signboard tax: instalments"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("How many instalments a taxpayer may pay in; 1 means the whole amount at once."),
    )
    signboard_surcharge = models.DecimalField(
        _("signboard tax: surcharge per month late (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    instalment_minimum = models.DecimalField(
        _("smallest amount paid in instalments (baht)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("3000.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("A year's tax below this is paid at once, whatever the number of instalments."),
    )
    instalment_interval = models.PositiveSmallIntegerField(
        _("months between instalments"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text=_("Each instalment after the first is due this many months after the one before."),
    )
    surcharge_cap = models.DecimalField(
        _("surcharge at most (percent of the late amount)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Leave empty for no ceiling."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind this many days before a due date"),
        default=7,
        validators=[MaxValueValidator(60)],
        help_text=_("Taxpayers with a phone or e-mail are reminded once per due date; 0 sends no reminders."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("land_building_due_day"), FieldPanel("land_building_due_month")]),
                FieldPanel("land_building_instalments"),
                FieldPanel("land_building_surcharge"),
            ],
            heading=_("Land and building tax"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("signboard_due_day"), FieldPanel("signboard_due_month")]),
                FieldPanel("signboard_instalments"),
                FieldPanel("signboard_surcharge"),
            ],
            heading=_("Signboard tax"),
        ),
        FieldPanel("instalment_minimum"),
        FieldPanel("instalment_interval"),
        FieldPanel("surcharge_cap"),
        FieldPanel("reminder_days"),
    ]

    class Meta:
        verbose_name = _("local tax settings")

    def rule(self, kind):
        """(due month, due day, instalments, surcharge % per month) of one tax."""
        prefix = "land_building" if kind == TaxKind.LAND_BUILDING else "signboard"
        return tuple(getattr(self, f"{prefix}_{name}") for name in ("due_month", "due_day", "instalments", "surcharge"))

    def first_due(self, kind, year_be):
        """The due date of tax year `year_be` (Buddhist Era) of `kind`: the whole amount's, or the
        first instalment's."""
        month, day, _parts, _pct = self.rule(kind)
        year = year_be - 543
        return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))

    def schedule(self, kind, year_be, amount):
        """[(part number, due date, principal)] of a year's tax: one part, or the instalments
        the office allows, the last taking the satang the division leaves."""
        _month, _day, parts, _pct = self.rule(kind)
        if parts <= 1 or amount < self.instalment_minimum:
            parts = 1
        first = self.first_due(kind, year_be)
        share = (amount / parts).quantize(CENT, rounding=ROUND_HALF_UP)
        rows = []
        for number in range(1, parts + 1):
            principal = share if number < parts else amount - share * (parts - 1)
            rows.append((number, add_months(first, self.instalment_interval * (number - 1)), principal))
        return rows

    def surcharge(self, kind, principal, due, today=None):
        """The late surcharge on `principal` due on `due`: the office's percent for each month or
        part of a month since, up to its ceiling. 0 when not late."""
        today = today or timezone.localdate()
        if today <= due:
            return Decimal("0.00")
        months = 0
        while add_months(due, months) < today:
            months += 1
        percent = self.rule(kind)[3] * months
        if self.surcharge_cap is not None:
            percent = min(percent, self.surcharge_cap)
        return (principal * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


class TaxAccount(models.Model):
    """One taxpayer's account for one tax at one office, as the office's tax system numbers it.
    Created and updated by the CSV import (services.taxes.importer); the account number is kept
    normalised (upper case, no spaces), so "l 0001" typed on a phone finds L0001."""

    # A snippet, but residents' records, not what public pages show: an import of thousands
    # must not empty the anonymous page cache row by row (portal.pagecache).
    on_public_pages = False

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.PROTECT, related_name="tax_accounts")
    kind = models.CharField(_("tax"), max_length=20, choices=TaxKind.choices)
    account_number = models.CharField(
        _("account number"), max_length=20, help_text=_("As printed on the tax bill, without spaces, e.g. L-0001.")
    )
    taxpayer_name = models.CharField(_("taxpayer"), max_length=200, help_text=_("Named on the receipt."))
    id_last4 = models.CharField(
        _("last 4 digits of the taxpayer's ID"),
        max_length=4,
        help_text=_("Of the national ID or juristic-person tax ID; the taxpayer types them to open the bill."),
    )
    description = models.CharField(
        _("property or sign"),
        max_length=300,
        blank=True,
        help_text=_("e.g. a title deed number and location, or a sign's size and place."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("For reminders by SMS."))
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("For reminders by e-mail."))
    updated_at = models.DateTimeField(_("last imported"), default=timezone.now)
    # The account number without its separators (lookup_key), kept on save: the taxpayer's
    # lookup compares this, through the index below.
    number_key = models.CharField(max_length=20, editable=False, default="")

    class Meta:
        verbose_name = _("tax account")
        verbose_name_plural = _("tax accounts")
        ordering = ["account_number"]
        permissions = [("import_assessments", _("Can import tax assessments from a CSV file"))]
        constraints = [
            models.UniqueConstraint(fields=["site", "account_number"], name="tax_account_unique_number"),
            models.CheckConstraint(condition=Q(id_last4__regex=r"^[0-9]{4}$"), name="tax_account_id_last4_digits"),
        ]
        indexes = [models.Index(fields=["site", "number_key"], name="tax_account_number_key")]

    def __str__(self):
        return f"{self.account_number} {self.taxpayer_name}"

    def save(self, *args, **kwargs):
        self.number_key = lookup_key(self.account_number)
        if kwargs.get("update_fields") is not None and "account_number" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "number_key"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if not (len(self.id_last4 or "") == 4 and self.id_last4.isascii() and self.id_last4.isdigit()):
            raise ValidationError({"id_last4": _("Enter the last 4 digits of the ID.")})


class TaxAssessment(models.Model):
    """A year's tax of one account (the office's assessment): what is owed before any surcharge.
    Re-importing the same year updates it rather than adding another (unique per account and
    year)."""

    account = models.ForeignKey(TaxAccount, on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField(
        _("tax year (B.E.)"), validators=[MinValueValidator(2500), MaxValueValidator(2700)]
    )
    amount = models.DecimalField(_("assessed (baht)"), max_digits=12, decimal_places=2)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        verbose_name = _("tax assessment")
        verbose_name_plural = _("tax assessments")
        ordering = ["-year", "account__account_number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "year"], name="tax_assessment_unique_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tax_assessment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.account.account_number} {self.year}"


class TaxBill(models.Model):
    """What a taxpayer chose to pay of an assessment — the whole remaining amount or the next
    instalment — as a payments Invoice (the QR, the slip, the receipt are payments'). Parts are
    paid in order: the bill covers parts `first_part`..`last_part` of the office's schedule, and
    carries the surcharge that was due when it was made."""

    assessment = models.ForeignKey(TaxAssessment, on_delete=models.PROTECT, related_name="bills")
    invoice = models.OneToOneField("payments.Invoice", on_delete=models.PROTECT, related_name="tax_bill")
    first_part = models.PositiveSmallIntegerField(default=1)
    last_part = models.PositiveSmallIntegerField(default=1)
    principal = models.DecimalField(_("tax (baht)"), max_digits=12, decimal_places=2)
    surcharge = models.DecimalField(_("surcharge (baht)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tax bill")
        verbose_name_plural = _("tax bills")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(last_part__gte=models.F("first_part")), name="tax_bill_parts_in_order"),
        ]

    def __str__(self):
        return f"{self.assessment} {self.first_part}-{self.last_part}"
