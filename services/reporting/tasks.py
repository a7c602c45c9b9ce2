"""Background work of the performance reporting (django-q2), scheduled by portal/schedules.py.

Every task is safe to run twice: refreshing recomputes the same figures, a month's report
replaces its own files (one row per site and month), and flushing page views moves each counted
view from the cache to the database exactly once (the cache counter is decremented by what was
moved).
"""

import datetime
import logging

from django.utils import timezone
from wagtail.models import Site

from services.reporting.models import MonthlyReport
from services.reporting.monthly import build_report
from services.reporting.stats import add_months, month_start, public_figures
from services.reporting.usage import flush

logger = logging.getLogger(__name__)


def refresh_dashboard(site_id=None):
    """Recompute the public figures into the cache, so visitors never wait for them."""
    sites = Site.objects.filter(pk=site_id) if site_id else Site.objects.all()
    for site in sites:
        public_figures(site, refresh=True)


def flush_usage():
    """Move the page-view counts from the cache into PageViewCount (see services/reporting/usage.py)."""
    return flush()


def build_monthly_report(site_id, month_iso):
    """Build (or rebuild) one site's report for the month starting `month_iso` (YYYY-MM-01)."""
    site = Site.objects.get(pk=site_id)
    return build_report(site, datetime.date.fromisoformat(month_iso)).pk


def build_last_month_reports():
    """Daily: build last month's report for every site that does not have it yet."""
    month = add_months(month_start(timezone.localdate()), -1)
    built = []
    for site in Site.objects.all():
        if not MonthlyReport.objects.filter(site=site, month=month).exists():
            built.append(build_monthly_report(site.pk, month.isoformat()))
    return built
