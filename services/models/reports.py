"""What the performance reporting keeps: the monthly reports executives download, the keys
partners use to file requests through the Open311 API, and the anonymous page-view counts.

None of these rows holds personal data: reports are aggregates, API keys are stored only as a
hash, and page views are counted per section and month (no IP, no cookie, no user).
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models.signals import post_migrate, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forms_builder.storage import get_private_storage


class MonthlyReport(models.Model):
    """One month's figures for the executives, as a PDF and a CSV built by a scheduled task.

    Files live in private storage (they are internal until published) and are downloaded
    through a staff-only view. Building a month twice replaces its files (one row per month).
    """

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="monthly_reports")
    month = models.DateField(_("month"), help_text=_("The first day of the month the report covers."))
    pdf = models.FileField(_("PDF"), storage=get_private_storage, upload_to="reports/%Y/", blank=True)
    csv = models.FileField(_("CSV"), storage=get_private_storage, upload_to="reports/%Y/", blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, help_text=_("Why a file could not be built."))
    created_at = models.DateTimeField(_("built"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["site", "month"], name="monthly_report_one_per_month")]

    def __str__(self):
        return f"{self.month:%Y-%m}"


def hash_key(raw):
    """API keys are 32 random bytes: a plain SHA-256 is enough (no dictionary to guess from),
    and it lets a request find its key with one indexed lookup."""
    return hashlib.sha256(raw.encode()).hexdigest()


class Open311Key(models.Model):
    """A key a partner (a LINE bot, a call-centre tool) uses to file requests through the
    Open311 API. Issued by staff in the admin; only its hash is stored, so the key is shown
    once, when it is issued."""

    name = models.CharField(_("name"), max_length=120, help_text=_("Who uses this key, e.g. LINE OA of the office"))
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True, help_text=_("Untick to revoke the key at once."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    requests_filed = models.PositiveIntegerField(_("requests filed"), default=0)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, name, user=None):
        """Create a key; returns (key row, the raw key to show once)."""
        raw = secrets.token_urlsafe(32)
        key = cls.objects.create(name=name, prefix=raw[:8], key_hash=hash_key(raw), created_by=user)
        return key, raw

    @classmethod
    def lookup(cls, raw):
        """The active key for `raw`, or None."""
        if not raw or len(raw) > 200:
            return None
        return cls.objects.filter(key_hash=hash_key(raw), active=True).first()


class PageViewCount(models.Model):
    """Page views per site section and month, for the monthly usage statistics.

    Counted by `portal.usage.UsageMiddleware` in the cache and flushed here by a task: no IP
    address, cookie, session or user is ever recorded, only a section name and a number.
    """

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    section = models.CharField(_("section"), max_length=40)
    views = models.PositiveIntegerField(_("page views"), default=0)

    class Meta:
        verbose_name = _("page views")
        verbose_name_plural = _("page views")
        ordering = ["-month", "-views"]
        constraints = [models.UniqueConstraint(fields=["month", "section"], name="page_views_one_per_section_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.section}: {self.views}"


def _case_event_saved(sender, instance, created, **kwargs):
    """Every change that moves a figure (a new case, a status change, a rating, a reopening)
    appends a CaseEvent, so that is where the dashboard's cached figures are invalidated."""
    if created:
        from services.stats import figures_changed

        figures_changed(instance.kind)


def _schedule_tasks(sender, using="default", **kwargs):
    """After `migrate`, create this room's django-q2 schedules (idempotent) once their table exists."""
    from django.db import connections

    if sender.name == "services" and "django_q_schedule" in connections[using].introspection.table_names():
        from services.tasks_reports import ensure_schedules

        ensure_schedules()


post_save.connect(_case_event_saved, sender="services.CaseEvent", dispatch_uid="stats_case_event_saved")
post_migrate.connect(_schedule_tasks, dispatch_uid="reports_schedules")
