"""Queue booking: which services need a visit, the office's counters and hours, and the bookings.

The room sits above the catalogue and cases (services/booking is in the "booking | taxes" layer),
so it never changes a guide page: whether a service is booked at a counter is an office's
operational choice, kept as a `BookableService` row that points at the guide (as privacy's
retention rules do), edited under Settings-like snippets by the office's staff.
"""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from portal.i18n import BilingualMixin

WEEKDAY_DIGITS = "0123456"


def validate_weekdays(value):
    if not value or any(ch not in WEEKDAY_DIGITS for ch in value) or len(set(value)) != len(value):
        raise ValidationError(
            _("Type the open days as digits, 0 for Monday to 6 for Sunday, each once: 01234 is Monday to Friday.")
        )


@register_setting(icon="time")
class BookingSettings(BaseSiteSetting):
    """The office's counter hours as the booking calendar reads them. Office details keep the
    opening hours as words for people (home.OfficeSettings); slots need times, so they are here,
    per office (one install serves many)."""

    open_weekdays = models.CharField(
        _("open days"),
        max_length=7,
        default="01234",
        validators=[validate_weekdays],
        help_text=_("Digits 0 (Monday) to 6 (Sunday): 01234 is Monday to Friday, 012345 adds Saturday."),
    )
    opens_at = models.TimeField(_("counters open"), default=datetime.time(8, 30))
    closes_at = models.TimeField(
        _("counters close"), default=datetime.time(16, 30), help_text=_("No slot starts after this time.")
    )
    lunch_starts = models.TimeField(
        _("lunch break from"), null=True, blank=True, default=datetime.time(12, 0), help_text=_("Empty: no break.")
    )
    lunch_ends = models.TimeField(_("lunch break until"), null=True, blank=True, default=datetime.time(13, 0))
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    days_ahead = models.PositiveSmallIntegerField(
        _("book up to (days ahead)"), default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    retention_days = models.PositiveSmallIntegerField(
        _("keep names and phones for (days after the visit)"),
        default=90,
        validators=[MinValueValidator(1)],
        help_text=_("After this the booking's name, phone and e-mail are removed; the counts for reports stay."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("open_weekdays"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel([FieldPanel("lunch_starts"), FieldPanel("lunch_ends")]),
                FieldPanel("slot_minutes"),
                FieldPanel("days_ahead"),
            ],
            heading=_("Counter hours"),
        ),
        FieldPanel("retention_days"),
    ]

    class Meta:
        verbose_name = _("queue booking")

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("The counters must close after they open.")})
        if bool(self.lunch_starts) != bool(self.lunch_ends):
            raise ValidationError({"lunch_ends": _("Give both ends of the lunch break, or neither.")})
        if self.lunch_starts and self.lunch_ends and self.lunch_starts >= self.lunch_ends:
            raise ValidationError({"lunch_ends": _("The lunch break must end after it starts.")})


class Counter(BilingualMixin, models.Model):
    """A service point of one office (ช่อง 1 งานทะเบียน): its own queue, its own places per slot."""

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("office"), on_delete=models.CASCADE, related_name="booking_counters"
    )
    name = models.CharField(_("name (Thai)"), max_length=100, help_text=_("e.g. ช่อง 1 งานทะเบียนราษฎร"))
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    letter = models.CharField(
        _("queue letter"), max_length=2, default="A", help_text=_("Printed before queue numbers, e.g. A for A-012.")
    )
    capacity = models.PositiveSmallIntegerField(
        _("people per slot"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("How many bookings one slot of this counter takes."),
    )
    active = models.BooleanField(_("taking bookings"), default=True)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["site", "letter", "name"]

    def __str__(self):
        return self.tr("name")


class BookableService(models.Model):
    """A service of the office that needs a visit, booked at one counter. A row rather than a
    field of the guide page: the guide is the catalogue's (and shared in its wording between
    offices' editors), while which counter serves it and whether it takes bookings now is the
    office's daily operation, changed without republishing a page."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        help_text=_("The office whose service this is (taken from the guide)."),
    )
    service = models.OneToOneField(
        "services.ServicePage",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="booking",
        help_text=_("The service guide residents book a visit for."),
    )
    counter = models.ForeignKey(
        Counter,
        verbose_name=_("counter"),
        on_delete=models.PROTECT,
        related_name="services",
        help_text=_("Where the visit takes place."),
    )
    active = models.BooleanField(_("taking bookings"), default=True)
    note = models.CharField(
        _("what to bring (Thai)"), max_length=255, blank=True, help_text=_("Shown when booking, e.g. บัตรประชาชนตัวจริง")
    )

    class Meta:
        verbose_name = _("service booked by visit")
        verbose_name_plural = _("services booked by visit")

    def __str__(self):
        return str(self.service)

    def save(self, *args, **kwargs):
        if self.service_id:
            self.site = self.service.get_site()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.service_id and self.counter_id and self.counter.site_id != self.service.get_site().pk:
            raise ValidationError({"counter": _("Choose a counter of the service's own office.")})


class CounterDay(models.Model):
    """One counter on one day: the row every booking, move and walk-in of that counter-day locks
    (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialise all writers),
    so places are counted and queue numbers given one at a time: the last place of a slot goes
    to exactly one of any number of people pressing "book" together."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["counter", "date"], name="booking_counter_day_unique")]

    def __str__(self):
        return f"{self.counter_id} {self.date}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ARRIVED = "arrived", _("Arrived")
    SERVED = "served", _("Served")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


# Bookings that hold a place in their slot.
HOLDING = (BookingStatus.BOOKED, BookingStatus.ARRIVED, BookingStatus.SERVED, BookingStatus.NO_SHOW)


class Booking(models.Model):
    """A place in a counter's queue: booked online for a slot, or a walk-in ticket printed at the
    office (no slot). The resident manages it from a link with a secret only they received."""

    class Kind(models.TextChoices):
        ONLINE = "online", _("Booked online")
        WALK_IN = "walk_in", _("Walk-in ticket")

    site = models.ForeignKey("wagtailcore.Site", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    counter = models.ForeignKey(Counter, verbose_name=_("counter"), on_delete=models.PROTECT, related_name="bookings")
    service = models.ForeignKey(
        BookableService,
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
    )
    service_title = models.CharField(_("service"), max_length=255, blank=True)
    service_title_en = models.CharField(_("service (English)"), max_length=255, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The request this visit is for (booked from its tracking page)."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ONLINE)
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64, blank=True)
    date = models.DateField(_("day"))
    start = models.TimeField(_("slot"), null=True, blank=True)
    number = models.PositiveIntegerField(_("queue number"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="th")
    status = models.CharField(_("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["date", "start", "number"]
        constraints = [
            models.UniqueConstraint(fields=["counter", "date", "number"], name="booking_queue_number_unique"),
            models.CheckConstraint(
                condition=Q(kind="walk_in") | Q(start__isnull=False), name="booking_online_has_slot"
            ),
        ]
        indexes = [models.Index(fields=["counter", "date", "start", "status"], name="booking_slot_status")]
        permissions = [("manage_queue", _("Can see and run the counters' queue"))]

    def __str__(self):
        return self.reference

    @property
    def ticket(self):
        """The queue number as the counter calls it: A-012."""
        return f"{self.counter.letter}-{self.number:03d}"

    def service_name(self, language="th"):
        return (self.service_title_en if language == "en" and self.service_title_en else self.service_title) or ""

    def starts_at(self):
        if self.start is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start))

    @property
    def is_changeable(self):
        """The resident may still cancel or move it: booked, and its slot not begun."""
        starts = self.starts_at()
        return self.status == BookingStatus.BOOKED and starts is not None and starts > timezone.now()

    @staticmethod
    def hash_secret(secret):
        return hashlib.sha256(secret.encode()).hexdigest()

    def new_secret(self):
        """A fresh secret for the resident's manage link; only its hash is kept."""
        secret = secrets.token_urlsafe(16)
        self.secret_hash = self.hash_secret(secret)
        return secret

    def secret_matches(self, secret):
        return bool(self.secret_hash) and secrets.compare_digest(self.secret_hash, self.hash_secret(secret or ""))
