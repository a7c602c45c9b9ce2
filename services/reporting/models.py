"""What the performance reporting keeps: the monthly reports executives download and the
anonymous page-view counts.

None of these rows holds personal data: reports are aggregates, and page views are counted per
section and month (no IP, no cookie, no user).
"""

from django.db import models
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
        db_table = "services_monthlyreport"  # the table it had before the area became its own app
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["site", "month"], name="monthly_report_one_per_month")]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class PageViewCount(models.Model):
    """Page views per office, site section and month, for the monthly usage statistics.

    Counted by `services.reporting.usage.UsageMiddleware` in the cache and flushed here by a task: no IP
    address, cookie, session or user is ever recorded, only an office, a section name and a number.
    """

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="page_view_counts", verbose_name=_("office")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    section = models.CharField(_("section"), max_length=40)
    views = models.PositiveIntegerField(_("page views"), default=0)

    class Meta:
        db_table = "services_pageviewcount"  # the table it had before the area became its own app
        verbose_name = _("page views")
        verbose_name_plural = _("page views")
        ordering = ["-month", "-views"]
        constraints = [
            models.UniqueConstraint(fields=["site", "month", "section"], name="page_views_one_per_office_section_month")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.section}: {self.views}"
