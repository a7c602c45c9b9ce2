"""The case queue: every request a resident files becomes a Case with a public reference, a
department queue, a working-day deadline and an append-only timeline.

A case must never disappear: it holds its Submission with PROTECT and keeps a snapshot of the
service's title, so deleting a form or a guide page leaves every case readable.
"""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Floor, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from forms_builder.storage import get_private_storage
from portal.i18n import BilingualMixin, is_thai
from portal.offices import office_ids
from services.models.departments import Department

DEFAULT_PREFIX = "REQ"
PREFIX_TAKEN = _("Another office already uses this prefix. Choose other letters.")


def _letters(number):
    """1 → "B", 26 → "BA": a site id written in Latin letters (base 26, A = 0)."""
    text = ""
    while True:
        number, digit = divmod(number, 26)
        text = chr(ord("A") + digit) + text
        if not number:
            return text


def free_prefix(site_id):
    """A prefix no office uses yet, for an office whose administrator has not chosen one: "REQ"
    for the first, then "RQ" and the site id in letters (prefixes are unique per install)."""
    letters = _letters(site_id or 0)
    candidates = [DEFAULT_PREFIX, f"RQ{letters}"[:6], *[f"RQ{letters}{_letters(n)}"[:6] for n in range(1, 26)]]
    taken = CaseSettings.objects.annotate(upper=Upper("reference_prefix")).filter(upper__in=candidates)
    found = set(taken.values_list("upper", flat=True))
    return next((c for c in candidates if c not in found), candidates[-1])


class CaseSettingsForm(WagtailAdminModelForm):
    """The default department is one of this office's own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("default_department")
        if field is not None and self.instance.site_id:
            field.queryset = field.queryset.filter(site_id=self.instance.site_id)


@register_setting(icon="tasks")
class CaseSettings(BaseSiteSetting):
    """How this office's case queue behaves. Per site, because each office sets its own prefix
    and promises."""

    reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=6,
        default=DEFAULT_PREFIX,
        help_text=_(
            "2–6 Latin letters at the start of every reference, e.g. BSR gives BSR-69-7KQ2M-4. "
            "No two offices on this install share a prefix."
        ),
    )
    default_processing_days = models.PositiveSmallIntegerField(
        _("default processing time (working days)"),
        default=15,
        help_text=_("Used when the service does not state its own processing time."),
    )
    reopen_days = models.PositiveSmallIntegerField(
        _("reopen window (days)"),
        default=14,
        help_text=_("How many days after a case is resolved or closed the resident may reopen it."),
    )
    due_soon_days = models.PositiveSmallIntegerField(
        _("due soon (working days)"),
        default=2,
        help_text=_("Cases due within this many working days are flagged as due soon in the queue."),
    )
    default_department = models.ForeignKey(
        "services.Department",
        verbose_name=_("default department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Receives requests whose service and category name no department."),
    )
    evidence_distance_m = models.PositiveIntegerField(
        _("after photo distance (metres)"),
        default=100,
        help_text=_(
            "An after photo taken further than this from the reported location is flagged "
            "“check this fix” on the case and in the queue."
        ),
    )

    base_form_class = CaseSettingsForm
    panels = [
        FieldPanel("reference_prefix"),
        FieldPanel("default_processing_days"),
        FieldPanel("reopen_days"),
        FieldPanel("due_soon_days"),
        FieldPanel("default_department"),
        FieldPanel("evidence_distance_m"),
    ]

    class Meta:
        db_table = "services_casesettings"  # the table it had before the area became its own app
        verbose_name = _("case queue settings")
        # A reference names its office: the tracking page sends it to the office's own host.
        constraints = [
            models.UniqueConstraint(
                Upper("reference_prefix"), name="case_settings_prefix_unique", violation_error_message=PREFIX_TAKEN
            )
        ]

    @classmethod
    def cached_for_site(cls, site):
        """The settings through the cache: the staff queue reads them on every page load and
        they change once in a blue moon (saving clears the cache)."""
        key = f"case-settings:{site.pk}"
        settings = cache.get(key)
        if settings is None:
            settings = cls.for_site(site)
            cache.set(key, settings, 3600)
        return settings

    def save(self, *args, **kwargs):
        if self._state.adding and (self.reference_prefix or DEFAULT_PREFIX).upper() == DEFAULT_PREFIX:
            # `for_site` creates the row on first use: a new office gets a prefix of its own.
            self.reference_prefix = free_prefix(self.site_id)
        super().save(*args, **kwargs)
        cache.delete(f"case-settings:{self.site_id}")

    def clean(self):
        super().clean()
        prefix = (self.reference_prefix or "").strip().upper()
        if not (2 <= len(prefix) <= 6 and prefix.isascii() and prefix.isalpha()):
            raise ValidationError({"reference_prefix": _("Use 2 to 6 Latin letters.")})
        others = CaseSettings.objects.exclude(pk=self.pk) if self.pk else CaseSettings.objects.all()
        if others.filter(reference_prefix__iexact=prefix).exists():
            raise ValidationError({"reference_prefix": PREFIX_TAKEN})
        self.reference_prefix = prefix


class OfficeClosure(BilingualMixin, models.Model):
    """A day the office declared closed (a local festival, an extra holiday): it does not count
    towards any deadline, on top of weekends and Thai public holidays."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="office_closures")
    date = models.DateField(_("date"), help_text=_("The office is closed all day."))
    reason = models.CharField(_("reason (Thai)"), max_length=200, help_text=_("e.g. วันหยุดประเพณีท้องถิ่น"))
    reason_en = models.CharField(_("reason (English)"), max_length=200, blank=True)

    class Meta:
        db_table = "services_officeclosure"  # the table it had before the area became its own app
        verbose_name = _("office closure")
        verbose_name_plural = _("office closures")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["site", "date"], name="office_closure_unique_day")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.tr('reason')}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(self.cache_key(self.site_id))

    def delete(self, *args, **kwargs):
        site_id = self.site_id
        result = super().delete(*args, **kwargs)
        cache.delete(self.cache_key(site_id))
        return result

    @staticmethod
    def cache_key(site_id):
        """Where services.cases.sla.closures_for keeps a site's closure dates; saving or
        deleting a closure clears it."""
        return f"case-closures:{site_id}"


class ReplyTemplate(BilingualMixin, models.Model):
    """A ready answer officers adapt for a public reply, so residents get clear, consistent words.
    Each office keeps its own (its officers see only those)."""

    on_public_pages = False  # staff's own settings: an edit changes no public page (portal.pagecache)

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        related_name="reply_templates",
        help_text=_("The office whose officers use this template."),
    )
    title = models.CharField(_("title"), max_length=120, help_text=_("What officers pick from, e.g. Team sent"))
    body = models.TextField(_("text (Thai)"), help_text=_("The reply the resident reads. Officers may edit it."))
    body_en = models.TextField(_("text (English)"), blank=True, help_text=_("For residents who filed in English."))

    panels = [FieldPanel("site"), FieldPanel("title"), FieldPanel("body"), FieldPanel("body_en")]

    class Meta:
        db_table = "services_replytemplate"  # the table it had before the area became its own app
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["title"]

    def __str__(self):
        return self.title


class CaseStatus(models.TextChoices):
    """Internal status names (what officers see). Residents see `PUBLIC_LABELS` instead."""

    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for the resident")
    RESOLVED = "resolved", _("Resolved")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")
    # With an outside agency (electricity, water, highways): not the office's time, so neither
    # open in the office's queue figures nor overdue (services.cases.workflow.refer).
    REFERRED = "referred", _("Passed to another agency")


# What a resident reads for each status: plain words, not the office's internal vocabulary.
PUBLIC_LABELS = {
    CaseStatus.RECEIVED: pgettext_lazy("resident status", "We have your request"),
    CaseStatus.ACCEPTED: pgettext_lazy("resident status", "An officer has taken your request"),
    CaseStatus.IN_PROGRESS: pgettext_lazy("resident status", "Work is under way"),
    CaseStatus.WAITING: pgettext_lazy("resident status", "We need something from you"),
    CaseStatus.RESOLVED: pgettext_lazy("resident status", "Done"),
    CaseStatus.REJECTED: pgettext_lazy("resident status", "We cannot act on this request"),
    CaseStatus.CLOSED: pgettext_lazy("resident status", "Closed"),
    CaseStatus.REFERRED: pgettext_lazy("resident status", "Passed to the agency responsible"),
}

OPEN_STATUSES = [CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING]
# Not fixed yet as a neighbour sees it: open, or passed to an outside agency (whose time is not
# the office's, so REFERRED is not in OPEN_STATUSES: never overdue, not in the backlog).
UNFINISHED_STATUSES = [*OPEN_STATUSES, CaseStatus.REFERRED]

# The grid of `Case.place_cell` (services.cases.nearby asks for the cells covering a box).
# Cells are 1/500 of a degree: 222 m north-south and about 210 m east-west in Thailand. The
# default "already reported" box (50 m each way, 100 m across) then touches at most 2 × 2 cells
# (under 20 ha around the point) where the latitude index read a whole stripe of the region; a
# town-sized map box (0.03°, 3.3 km) is 16 × 16 to 17 × 17 cells, a few hundred values in an IN
# list. Cells half this size would make a town box's list four times as long; twice this size,
# "near here" would read four times the cases it reads now to keep the same few.
CELLS_PER_DEGREE = 500
CELL_COLUMNS = 360 * CELLS_PER_DEGREE


def _cell_index(column, offset):
    # Decimal arithmetic on PostgreSQL; SQLite computes it in floating point, which can put a point
    # on a cell's edge into the neighbouring cell: nearby.cells widens every box by a
    # hair so both cells are asked for.
    return Floor((F(column) + Value(offset)) * Value(CELLS_PER_DEGREE))


# row × columns + column, rows counted from the south pole and columns from the antimeridian:
# cells of one row are consecutive numbers, so a stripe of latitude is one range of cells.
PLACE_CELL = Cast(
    _cell_index("latitude", 90) * Value(CELL_COLUMNS) + _cell_index("longitude", 180), models.BigIntegerField()
)

# What deciding that a case in a box is a public report reads (services.places.public).
PUBLIC_RULE_COLUMNS = [
    "id",
    "latitude",
    "longitude",
    "service",
    "status",
    "private_report",
    "duplicate_of",
    "resolved_at",
    "closed_at",
]

# The columns the staff queue filters on, carried in its indexes (see Case.Meta.indexes).
QUEUE_COLUMNS = ["department", "status", "assignee", "service", "channel", "priority"]


class RejectReason(models.TextChoices):
    NOT_OURS = "not_ours", _("Not our responsibility")
    DUPLICATE = "duplicate", _("Duplicate of another request")
    CANNOT_ACT = "cannot_act", _("We cannot act on it")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Channel(models.TextChoices):
    """How the request reached the office; mirrors forms_builder's Submission.Channel values."""

    WEB = "web", _("Online")
    COUNTER = "counter", _("At the counter")
    VOLUNTEER = "volunteer", _("Through a volunteer")
    PHONE = "phone", _("By phone")
    LINE = "line", _("By LINE chat")


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, departments=None):
        """Office and department scoping. Officers see their departments' queues (a department
        belongs to one office, so this never crosses offices); the permission "view all cases"
        sees every queue of the offices the person works for (`portal.offices.office_ids`), and
        superusers and platform administrators every office's.

        Filtering on department ids (not a join through the membership table) lets PostgreSQL
        answer from the (department, status, due_date) index; pass `departments` when they are
        already loaded to save the subquery.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm("cases.view_all_cases"):
            offices = office_ids(user)
            return self if offices is None else self.filter(site_id__in=sorted(offices))
        if departments is not None:
            return self.filter(department_id__in=[d.pk for d in departments])
        return self.filter(department_id__in=Department.objects.filter(members=user).values("pk"))

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status__in=OPEN_STATUSES, due_date__lt=today).exclude(status=CaseStatus.WAITING)

    def counted(self):
        """The cases every figure counts: a case merged into another (a second report of the same
        problem) is that case's, so it counts once, there. The one filter the dashboard, the
        monthly report, open data and the province table all apply."""
        return self.filter(duplicate_of__isnull=True)


class Case(models.Model):
    """One resident's request, from intake to closure.

    `version` is an optimistic lock: every change goes through `services.cases.workflow`, which only
    writes if the version the officer saw is still the current one, so two officers editing one
    case get a conflict message instead of silently overwriting each other.
    """

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    submission = models.OneToOneField(
        "forms_builder.Submission", on_delete=models.PROTECT, related_name="case", verbose_name=_("submission")
    )
    service = models.ForeignKey(
        "services.ServicePage",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    service_title = models.CharField(
        _("service title"), max_length=255, help_text=_("The service's name when the request was filed.")
    )
    service_title_en = models.CharField(_("service title (English)"), max_length=255, blank=True)
    department = models.ForeignKey(
        "services.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    contact_phone_last4 = models.CharField(
        _("last 4 digits of the phone"),
        max_length=4,
        blank=True,
        db_index=True,
        help_text=_("Lets staff find a case by phone quickly without copying the whole number."),
    )
    location_text = models.CharField(_("location"), max_length=500, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Computed by the database from the point (NULL without one), so no way of writing a case
    # (filing, an officer moving the pin, update(), the benchmarks' COPY) can leave it stale.
    place_cell = models.GeneratedField(
        expression=PLACE_CELL, output_field=models.BigIntegerField(_("place cell")), db_persist=True
    )
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        help_text=_("The community, village or zone the location lies in, matched when the request was filed."),
    )
    private_report = models.BooleanField(
        _("kept off the public map"),
        default=False,
        # Also the database's default: the benchmarks and query-plan tests write cases by COPY.
        db_default=False,
        help_text=_("The resident asked that this report not be shown in public, even for a public-place service."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        help_text=_(
            "The case this one was merged into: it is closed, counted once, and its resident follows that case."
        ),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    waiting_since = models.DateField(
        _("waiting since"), null=True, blank=True, help_text=_("The SLA clock is paused from this day.")
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reject_reason = models.CharField(_("rejection reason"), max_length=20, choices=RejectReason.choices, blank=True)
    public_reason = models.TextField(
        _("reason given to the resident"), blank=True, help_text=_("Shown on the tracking page.")
    )
    after_photo = models.FileField(
        _("after photo"), upload_to="cases/after/%Y/%m/", storage=get_private_storage, blank=True
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    # The three below also have database defaults: the benchmarks and query-plan tests write
    # cases by COPY without them.
    referred_to = models.CharField(
        _("passed to"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=_("The outside agency the case is with, while referred."),
    )
    fix_answer = models.CharField(
        _("resident's answer to “is it fixed?”"),
        max_length=3,
        choices=[("yes", _("Fixed")), ("no", _("Not fixed"))],
        blank=True,
        default="",
        db_default="",
    )
    fix_flagged = models.BooleanField(
        _("fix to check"),
        default=False,
        db_default=False,
        help_text=_("The latest after photo was flagged (services.cases.evidence): an officer should check the fix."),
    )
    fix_answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        db_table = "services_case"  # the table it had before the area became its own app
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["due_date", "id"]
        permissions = [("view_all_cases", _("Can see every department's cases"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="case_rating_1_to_5"
            ),
        ]
        # One index per queue filter and sort (services.cases.admin_views.filter_cases), each in the
        # queue's order (due date, id) so PostgreSQL walks it and stops after a page instead of
        # sorting every match. The queue pages over ids, so the INCLUDEd columns (PostgreSQL
        # only; ignored elsewhere) let the other filters be checked in the index too: any
        # combination of filters is an index-only walk, never a read of the table.
        # tests/services/test_case_queue_plans.py checks each filter with EXPLAIN.
        indexes = [
            # Default order for everyone; officers' own departments and the department filter.
            models.Index(fields=["due_date", "id"], name="case_due_id", include=QUEUE_COLUMNS),
            models.Index(fields=["department", "due_date", "id"], name="case_dept_due", include=QUEUE_COLUMNS[1:]),
            # Open, overdue and due soon: the cases staff work, a small part of the table.
            models.Index(
                fields=["due_date", "id"],
                name="case_open_due",
                include=QUEUE_COLUMNS,
                condition=Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["department", "due_date", "id"],
                name="case_open_dept_due",
                include=QUEUE_COLUMNS[1:],
                condition=Q(status__in=OPEN_STATUSES),
            ),
            # One office's queue (a "view all cases" officer, a platform administrator's office filter).
            models.Index(fields=["site", "due_date", "id"], name="case_site_due", include=QUEUE_COLUMNS),
            models.Index(
                fields=["site", "due_date", "id"],
                name="case_open_site_due",
                include=QUEUE_COLUMNS,
                condition=Q(status__in=OPEN_STATUSES),
            ),
            # A filter that picks few cases leads its own index.
            models.Index(fields=["status", "due_date", "id"], name="case_status_due", include=["department"]),
            models.Index(fields=["department", "status", "due_date", "id"], name="case_dept_status_due"),
            models.Index(
                fields=["assignee", "due_date", "id"], name="case_assignee_due", include=["department", "status"]
            ),
            models.Index(
                fields=["service", "due_date", "id"], name="case_service_due", include=["department", "status"]
            ),
            models.Index(
                fields=["channel", "due_date", "id"], name="case_channel_due", include=["department", "status"]
            ),
            models.Index(
                fields=["priority", "due_date", "id"], name="case_priority_due", include=["department", "status"]
            ),
            # Date ranges and "newest/oldest first".
            models.Index(
                fields=["submitted_at", "id"], name="case_submitted_cover", include=["due_date", *QUEUE_COLUMNS]
            ),
            models.Index(fields=["rating"], name="case_rating"),
            # "Fixes to check": a handful of cases, found without reading the rest.
            models.Index(fields=["due_date", "id"], name="case_fix_flagged", condition=Q(fix_flagged=True)),
            # Public reports in a map's box, and "already reported here" (same service, nearby):
            # the few grid cells covering the box (services.cases.nearby). A town box holds some
            # 10,000 cases of which a few hundred are public: with what the public rule reads
            # INCLUDEd, PostgreSQL picks those out of the index alone (an index-only scan) and
            # reads the table for the public ones only (services.places.public_cases_in_box).
            models.Index(fields=["site", "place_cell"], name="case_site_cell", include=PUBLIC_RULE_COLUMNS),
            # With the filing time last: the queue's "possible duplicates" (same service, the
            # page's cells, filed within 30 days) keeps the few cases of those weeks in the index
            # itself instead of reading every case ever filed in the cells from the table (at 1M
            # cases: 1.6 ms instead of 27 ms, 757 buffers instead of 2,190; bench.places).
            models.Index(fields=["service", "place_cell", "submitted_at"], name="case_service_cell"),
        ]

    def __str__(self):
        return self.reference

    @property
    def public_label(self):
        return PUBLIC_LABELS.get(self.status, self.get_status_display())

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def takes_replies(self):
        """The resident may still write to the office: open, or with an outside agency (the
        office still answers for the case while it is referred)."""
        return self.status in OPEN_STATUSES or self.status == CaseStatus.REFERRED

    def service_name(self):
        return self.service_title if is_thai() or not self.service_title_en else self.service_title_en

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return (
            self.status in OPEN_STATUSES
            and self.status != CaseStatus.WAITING
            and self.due_date is not None
            and self.due_date < today
        )

    def is_due_soon(self, calendar, due_soon_days=2, today=None):
        """Open, not overdue, and due within `due_soon_days` working days of the office's
        `calendar` (a services.cases.sla.WorkingCalendar)."""
        today = today or timezone.localdate()
        if self.is_overdue(today) or not self.is_open or self.status == CaseStatus.WAITING or not self.due_date:
            return False
        return calendar.working_days_between(today, self.due_date) <= due_soon_days

    def can_be_rated(self):
        # A merged case was closed because another report carries the work: there is nothing of
        # its own to rate (its resident follows the other report).
        return (
            self.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
            and self.rating is None
            and self.duplicate_of_id is None
        )

    def asks_if_fixed(self):
        """The resident is asked "Is it fixed?" once per resolution: while the case is resolved
        and they have not answered since (services.cases.workflow.confirm_fix)."""
        return (
            self.status == CaseStatus.RESOLVED
            and self.duplicate_of_id is None
            and (
                self.fix_answered_at is None
                or (self.resolved_at is not None and self.fix_answered_at < self.resolved_at)
            )
        )


class CaseEventQuerySet(models.QuerySet):
    """The timeline is a record: bulk updates are refused like single ones."""

    def update(self, **kwargs):
        raise TypeError("Case events are append-only.")

    def public(self):
        return self.filter(public=True)

    def for_resident(self):
        """What the verified resident reads: the public timeline plus the office's replies and
        their own messages, which anyone holding only the reference must not see."""
        return self.filter(Q(public=True) | Q(for_resident=True))


class CaseEvent(models.Model):
    """One line of a case's timeline. Append-only: what happened, who did it and what the
    resident was told can never be rewritten afterwards (an auditable complaint channel)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Request received")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        NOTE = "note", _("Internal note")
        REPLY = "reply", _("Reply to the resident")
        RESIDENT_REPLY = "resident_reply", _("Message from the resident")
        REOPENED = "reopened", _("Reopened by the resident")
        RATED = "rated", _("Rated by the resident")
        PRIORITY = "priority", _("Priority changed")
        LINK_REISSUED = "link_reissued", _("Tracking link re-issued")
        VERIFY_PAUSED = "verify_paused", _("Verification paused after wrong codes")
        # Merging (services.cases.workflow.merge): the duplicate's public line, the other case's
        # staff line, and their undoing on both.
        MERGED = "merged", _("Merged with another report of the same problem")
        DUPLICATE_ADDED = "duplicate_added", _("Another report was merged into this case")
        UNMERGED = "unmerged", _("No longer merged: handled on its own")
        # Stages from the service's guide (services.cases.stages).
        STAGE = "stage", _("Stage completed")
        APPROVED = "approved", _("Approved")
        SENT_BACK = "sent_back", _("Sent back for revision")
        DEFICIENCY = "deficiency", _("Record of missing or wrong documents")
        DOCUMENTS_RECEIVED = "documents_received", _("Documents received from the resident")
        DELAY_NOTICE = "delay_notice", _("Notice of delay (Licensing Facilitation Act)")
        # Outside agencies (services.cases.workflow.refer and what follows it).
        REFERRED = "referred", _("Passed to another agency")
        AGENCY_UPDATE = "agency_update", _("Update from the agency")
        AGENCY_DONE = "agency_done", _("Done by the agency")
        TAKEN_BACK = "taken_back", _("Taken back from the agency")
        # The resident's answer to "Is it fixed?" (services.cases.workflow.confirm_fix).
        FIX_CONFIRMED = "fix_confirmed", _("Confirmed fixed by the resident")
        FIX_DISPUTED = "fix_disputed", _("Resident says it is not fixed")
        # Issued documents (services.documents.issuing through workflow.document_event): the
        # resident reads these on their verified tracking page; drafts stay internal notes.
        DOCUMENT_ISSUED = "document_issued", _("Document issued")
        DOCUMENT_REVOKED = "document_revoked", _("Document revoked")
        DOCUMENT_REISSUED = "document_reissued", _("Document re-issued")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    public = models.BooleanField(
        default=False, help_text=_("Shown on the open tracking page, to anyone who has the reference.")
    )
    for_resident = models.BooleanField(
        default=False,
        help_text=_(
            "Shown to the resident once they have opened their tracking link or typed a code, even when not public."
        ),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        db_table = "services_caseevent"  # the table it had before the area became its own app
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "public", "created_at"], name="case_event_timeline")]

    def __str__(self):
        return f"{self.case_id} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Case events are append-only.")

    @property
    def public_label(self):
        if self.kind == self.Kind.STATUS and self.to_status:
            return PUBLIC_LABELS.get(self.to_status, "")
        return self.get_kind_display()


class CaseAccess(models.Model):
    """Who may open a case's personal details, kept apart from the case so that a guess never
    touches the case's optimistic lock (see `services.cases.access`).

    Holds only digests: the SHA-256 of the tracking link's secret (the link is shown once, on
    the receipt and the first message, and never stored) and a keyed digest of the current
    one-time code. The counters are per case, not per address, so a guesser spread over a
    thousand addresses still meets the same limit.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="access")
    link_hash = models.CharField(max_length=64, blank=True)
    link_issued_at = models.DateTimeField(null=True, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_tries = models.PositiveSmallIntegerField(default=0)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_sends = models.PositiveSmallIntegerField(default=0)
    code_sends_since = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    failures_since = models.DateTimeField(null=True, blank=True)
    paused_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tracking access")
        verbose_name_plural = _("tracking access")

    def __str__(self):
        return str(self.case_id)

    def is_paused(self, now=None):
        return self.paused_until is not None and self.paused_until > (now or timezone.now())


# --- stages, approvals and incomplete applications (issue 20; services.cases.stages) ----------


class ApprovalRoleKey(models.TextChoices):
    """Who may sign a stage off. A guide's step names one of these; each office says who holds
    it and what it calls it (`ApprovalRole`)."""

    HEAD_OF_DIVISION = "head_of_division", _("Head of division")
    DEPUTY_CLERK = "deputy_clerk", _("Deputy clerk")
    CLERK = "clerk", _("Clerk")
    MAYOR = "mayor", _("Mayor")


class ApprovalRole(models.Model):
    """One office's holders of an approval role: only they may approve or send back a stage that
    needs it, and only for their own office's cases. Offices name the role in their own words
    (a municipality's ปลัด, a subdistrict's ปลัด อบต.)."""

    on_public_pages = False  # staff's own settings: an edit changes no public page (portal.pagecache)

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        related_name="approval_roles",
        help_text=_("The office whose cases this role signs off."),
    )
    key = models.CharField(
        _("role"),
        max_length=20,
        choices=ApprovalRoleKey.choices,
        help_text=_("The role a guide's step names under “needs approval by”."),
    )
    name = models.CharField(
        _("title (Thai)"), max_length=120, blank=True, help_text=_("As the office calls it, e.g. ปลัดเทศบาล.")
    )
    name_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holders"),
        blank=True,
        related_name="approval_roles",
        help_text=_("The staff who may approve or send back stages needing this role, in this office."),
    )

    class Meta:
        verbose_name = _("approval role")
        verbose_name_plural = _("approval roles")
        ordering = ["site", "key"]
        constraints = [models.UniqueConstraint(fields=["site", "key"], name="approval_role_once_per_office")]

    def __str__(self):
        return self.title()

    def title(self):
        if not is_thai() and self.name_en:
            return self.name_en
        return self.name or str(ApprovalRoleKey(self.key).label)


class StageStatus(models.TextChoices):
    PENDING = "pending", _("To come")
    CURRENT = "current", _("Under way")
    AWAITING_APPROVAL = "awaiting", _("Awaiting approval")
    DONE = "done", _("Done")


class CaseStage(models.Model):
    """A step of the service's guide as it stood when the case was opened. Copied, not linked:
    editing the guide later never rewrites a case already running (the Licensing Facilitation
    Act promises the applicant the steps and times published when they applied)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("stage"), max_length=300)
    name_en = models.CharField(_("stage (English)"), max_length=300, blank=True)
    duration_days = models.PositiveSmallIntegerField(_("duration (working days)"), default=0)
    responsible = models.CharField(_("responsible unit"), max_length=120, blank=True)
    approval_role = models.CharField(_("needs approval by"), max_length=20, choices=ApprovalRoleKey.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=StageStatus.choices, default=StageStatus.PENDING)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expected_date = models.DateField(_("expected"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("case stage")
        verbose_name_plural = _("case stages")
        ordering = ["case", "order"]
        constraints = [models.UniqueConstraint(fields=["case", "order"], name="case_stage_order_unique")]
        # The approvers' list: stages awaiting a role, oldest first.
        indexes = [models.Index(fields=["status", "approval_role", "started_at"], name="case_stage_awaiting")]

    def __str__(self):
        return f"{self.case_id} {self.order}. {self.name}"

    def title(self):
        return self.name_en if not is_thai() and self.name_en else self.name


class DeficiencyRecord(models.Model):
    """The written record of what an incomplete application lacks (Licensing Facilitation Act
    B.E. 2558, section 8): which of the guide's documents are missing or wrong, with the
    officer's note. The case waits for the resident (its clock paused) until they upload them."""

    class Problem(models.TextChoices):
        MISSING = "missing", _("Missing")
        WRONG = "wrong", _("Wrong or incomplete")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deficiencies")
    items = models.JSONField(_("documents"), default=list, help_text=_('[{"name": …, "problem": "missing"}]'))
    note = models.TextField(_("note to the resident"), blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("documents received"), null=True, blank=True)

    class Meta:
        verbose_name = _("record of missing documents")
        verbose_name_plural = _("records of missing documents")
        ordering = ["case", "created_at", "id"]

    def __str__(self):
        return f"{self.case_id} {self.created_at:%Y-%m-%d}"

    def problem_label(self, item):
        return self.Problem(item.get("problem", "missing")).label


class DelayNotice(models.Model):
    """One Licensing Facilitation Act delay notice sent to a resident: one per case per 7 days
    past the published time (`period` 0 is the first week over). The unique constraint makes
    the daily task safe to run twice, or twice at once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="delay_notices")
    period = models.PositiveSmallIntegerField()
    sent_on = models.DateField(default=timezone.localdate)
    days_over = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("delay notice")
        verbose_name_plural = _("delay notices")
        constraints = [models.UniqueConstraint(fields=["case", "period"], name="delay_notice_once_per_week")]
        indexes = [models.Index(fields=["sent_on"], name="delay_notice_sent_on")]

    def __str__(self):
        return f"{self.case_id} {self.sent_on}"


# --- photo evidence (issue 21; services.cases.evidence) ----------------------------------------


class PhotoFlag(models.TextChoices):
    """Why an after photo needs a second look ("check this fix")."""

    BEFORE_FILING = "before_filing", _("Taken before the request was filed")
    FAR_AWAY = "far_away", _("Taken far from the reported location")
    NO_CAPTURE_DATA = "no_capture_data", _("No capture data (time or position missing)")
    REPEAT = "repeat", _("The same file as an earlier photo")


class CasePhoto(models.Model):
    """What a photo was before its metadata was stripped: the SHA-256 of the original bytes,
    when, where and with what it was taken, who uploaded it and when.

    Stored files are cleaned of EXIF (a resident's position and phone must never leak), so
    without this record nobody could later tell a real after photo from last year's picture
    or an old one sent again (the Traffy "fake fix"). Flags are computed once, at upload, from
    these facts (`services.cases.evidence`), and shown on the case and in the queue.
    """

    class Role(models.TextChoices):
        RESIDENT = "resident", _("Resident's photo")
        BEFORE = "before", _("Before the work")
        AFTER = "after", _("After the work")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    file = models.FileField(_("photo"), upload_to="cases/photos/%Y/%m/", storage=get_private_storage, max_length=255)
    sha256 = models.CharField(_("SHA-256 of the original"), max_length=64, db_index=True)
    captured_at = models.DateTimeField(_("taken (camera clock)"), null=True, blank=True)
    device = models.CharField(_("camera"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude (camera)"), null=True, blank=True)
    longitude = models.FloatField(_("longitude (camera)"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty for a resident's photo."),
    )
    flags = models.JSONField(_("flags"), default=list, blank=True)
    # The case's reference point when it was checked, with the distance: a pin moved later does
    # not silently change what the check found.
    distance_m = models.FloatField(_("distance from the report (metres)"), null=True, blank=True)

    class Meta:
        verbose_name = _("case photo")
        verbose_name_plural = _("case photos")
        ordering = ["case", "uploaded_at", "id"]
        indexes = [models.Index(fields=["case", "role"], name="case_photo_role")]

    def __str__(self):
        return f"{self.case_id} {self.role} {self.sha256[:12]}"

    @property
    def flagged(self):
        return bool(self.flags)

    def flag_labels(self):
        """The reasons, in the reader's language."""
        return [PhotoFlag(code).label for code in self.flags if code in PhotoFlag.values]
