"""Background work of the performance reporting (django-q2). Named apart from services/tasks.py,
which belongs to the notifications.

Every task is safe to run twice: refreshing recomputes the same figures, a month's report
replaces its own files (one row per site and month), and flushing page views moves each counted
view from the cache to the database exactly once (the cache counter is decremented by what was
moved).

Schedules are created by `ensure_schedules`, called after every `migrate` (a post_migrate
receiver in services/models/reports.py) and idempotent: it creates or updates rows by name.
"""

import datetime
import logging

from django.utils import timezone

logger = logging.getLogger(__name__)

SCHEDULES = {
    # name: (function, schedule type, minutes for MINUTES)
    "dashboard-refresh": ("services.tasks_reports.refresh_dashboard", "I", 15),
    "usage-flush": ("services.tasks_reports.flush_usage", "I", 10),
    "monthly-report": ("services.tasks_reports.build_last_month_reports", "D", None),
}


def ensure_schedules():
    """Create or update this room's django-q2 schedules (by name, so running it again changes
    nothing). The monthly report runs daily and builds last month's report only if missing."""
    from django_q.models import Schedule

    for name, (func, kind, minutes) in SCHEDULES.items():
        defaults = {"func": func, "schedule_type": kind, "repeats": -1}
        if minutes:
            defaults["minutes"] = minutes
        obj, created = Schedule.objects.get_or_create(name=name, defaults=defaults)
        if not created and (obj.func != func or obj.schedule_type != kind or (minutes and obj.minutes != minutes)):
            Schedule.objects.filter(pk=obj.pk).update(**defaults)


def refresh_dashboard(site_id=None):
    """Recompute the public figures into the cache, so visitors never wait for them."""
    from wagtail.models import Site

    from services.stats import public_figures

    sites = Site.objects.filter(pk=site_id) if site_id else Site.objects.all()
    for site in sites:
        public_figures(site, refresh=True)


def flush_usage():
    """Move the page-view counts from the cache into PageViewCount (see portal/usage.py)."""
    from portal.usage import flush

    return flush()


def build_monthly_report(site_id, month_iso):
    """Build (or rebuild) one site's report for the month starting `month_iso` (YYYY-MM-01)."""
    from wagtail.models import Site

    from services.reports import build_report

    site = Site.objects.get(pk=site_id)
    return build_report(site, datetime.date.fromisoformat(month_iso)).pk


def build_last_month_reports():
    """Daily: build last month's report for every site that does not have it yet."""
    from wagtail.models import Site

    from services.models.reports import MonthlyReport
    from services.stats import add_months, month_start

    month = add_months(month_start(timezone.localdate()), -1)
    built = []
    for site in Site.objects.all():
        if not MonthlyReport.objects.filter(site=site, month=month).exists():
            built.append(build_monthly_report(site.pk, month.isoformat()))
    return built
