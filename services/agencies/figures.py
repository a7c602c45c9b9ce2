"""Referred cases per agency, for the public dashboard and the monthly report.

Reporting sits above this room (services.reporting imports areas, never the reverse), so these
functions return plain tables — (title, header, rows) — and reporting's side wraps them in its
`monthly.Section` for DASHBOARD_SECTIONS_HOOK and SECTIONS_HOOK. Totals per agency only, never a
case or a person.

"The agency's own time" is calendar days from the referral to the agency's "done", the median
over the referrals done in the period: the office's SLA clock is stopped meanwhile, so the
office's figures leave it out and these say whose time it was.
"""

import datetime
import statistics

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from services.agencies.models import Referral
from services.cases.models import CaseStatus


def _bounds(first_day, last_day):
    """Aware datetimes [start, end) in the site's time zone for whole days."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def months_back(month, count):
    """The first day of the month `count` months before `month` (a first day)."""
    index = month.year * 12 + month.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month):
    return months_back(month, -1) - datetime.timedelta(days=1)


def median_days(pairs):
    """Median calendar days (one decimal) of (referred_at, done_at) pairs, or None."""
    days = [(done - referred).total_seconds() / 86400 for referred, done in pairs if done and referred]
    return round(statistics.median(days), 1) if days else None


def _referral_rows(site, first_day, last_day):
    """(agency name, referred_at, done_at, open now) of the office's referrals made or done in
    the days, or open now: one query serving every period inside the days."""
    start, end = _bounds(first_day, last_day)
    is_open = Q(done_at__isnull=True, ended_at__isnull=True, case__status=CaseStatus.REFERRED)
    rows = Referral.objects.filter(case__site=site).filter(
        Q(referred_at__gte=start, referred_at__lt=end) | Q(done_at__gte=start, done_at__lt=end) | is_open
    )
    return [
        (name, referred_at, done_at, bool(open_now))
        for name, referred_at, done_at, open_now in rows.annotate(
            open_now=ExpressionWrapper(is_open, output_field=BooleanField())
        ).values_list("agency_name", "referred_at", "done_at", "open_now")
    ]


def agency_figures(site, first_day, last_day, rows=None):
    """{agency name: {"referred", "done", "median_days", "open"}} for one office: referrals made
    in the days, of those days' "done"s the median agency time, and the referrals still open
    now. One query, or none when given `rows` of `_referral_rows` over a longer span."""
    start, end = _bounds(first_day, last_day)
    rows = _referral_rows(site, first_day, last_day) if rows is None else rows
    referred, done, open_now = {}, {}, {}
    for name, referred_at, done_at, is_open in rows:
        if start <= referred_at < end:
            referred[name] = referred.get(name, 0) + 1
        if done_at is not None and start <= done_at < end:
            done.setdefault(name, []).append((referred_at, done_at))
        if is_open:
            open_now[name] = open_now.get(name, 0) + 1
    names = sorted(set(referred) | set(open_now) | set(done))
    return {
        name: {
            "referred": referred.get(name, 0),
            "done": len(done.get(name, [])),
            "median_days": median_days(done.get(name, [])),
            "open": open_now.get(name, 0),
        }
        for name in names
    }


def dashboard_table(site, today=None):
    """(title, header, rows) in the active language: per agency, cases referred this month and
    in the last 12 months, the agency's median days to done (12 months), open referrals now.
    For DASHBOARD_SECTIONS_HOOK: `Section(*dashboard_table(site))`."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    rows = _referral_rows(site, months_back(month, 11), today)
    this_month = agency_figures(site, month, today, rows)
    year = agency_figures(site, months_back(month, 11), today, rows)
    header = [
        _("Agency"),
        _("Referred this month"),
        _("Referred in 12 months"),
        _("Half done by the agency within (days)"),
        _("Still with the agency"),
    ]
    rows = [
        [name, this_month.get(name, {}).get("referred", 0), row["referred"], row["median_days"], row["open"]]
        for name, row in year.items()
    ]
    return _("Cases passed to outside agencies"), header, rows


def monthly_table(site, month):
    """(title, header, rows) in Thai for the month's report (SECTIONS_HOOK): per agency, cases
    referred in the month, done in the month, the median agency days of those, and open at the
    time of the report. `Section(*monthly_table(site, month))`."""
    figures = agency_figures(site, month, month_end(month))
    with translation.override("th"):
        header = [
            _("Agency"),
            _("Referred"),
            _("Done by the agency"),
            _("Half done by the agency within (days)"),
            _("Open"),
        ]
        title = _("Cases passed to outside agencies")
    rows = [[name, row["referred"], row["done"], row["median_days"], row["open"]] for name, row in figures.items()]
    return title, header, rows
