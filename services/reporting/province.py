"""The province dashboard's figures: every office of a province side by side.

One row per office that is not archived: requests received in the period, resolved, median and
90th-percentile days to resolve, the share resolved on time, the mean satisfaction rating and the
open backlog now. The definitions are the office dashboard's (``services.reporting.stats``), over
a period of the last ``months`` calendar months (the current month included).

An office with fewer than ``MIN_RESOLVED`` resolved requests in the period shows "not enough
data" instead of its median, 90th percentile, on-time share and satisfaction: with a handful of
cases those numbers say more about chance than about the office. Its counts (received, backlog)
are plain counts and are shown. A case merged into another counts once, as that case
(``CaseQuerySet.counted``, as on the office dashboard).

The figures of every office of the province come from two queries whatever the number of
offices: one aggregate grouped by office (counts, on-time, mean rating, backlog) and one list of
(office, submitted, resolved) of the period's resolved requests for the medians and percentiles,
which SQLite cannot compute in SQL. They are kept in the cache for ``CACHE_SECONDS`` per
province, period and day, not renewed at every case event: a province's offices file requests
all day long, and a province figure a few minutes old is fine.
"""

import datetime
import hashlib
import statistics
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from portal.models import Office
from portal.offices import office_label
from services.cases.models import OPEN_STATUSES, Case
from services.cases.sla import local_date
from services.reporting import stats

# Fewer resolved requests than this in the period: "not enough data" instead of the statistics.
MIN_RESOLVED = 10
# How long a province's figures are kept (the page says when they were computed).
CACHE_SECONDS = 10 * 60
PERIODS = (3, 6, 12, 24)
DEFAULT_MONTHS = 12
# The columns a visitor may sort by; statistics withheld for lack of data sort last either way.
SORT_KEYS = ("office", "received", "median_days", "p90_days", "within_sla_pct", "satisfaction", "backlog")
WITHHELD = ("median_days", "p90_days", "within_sla_pct", "satisfaction")


def provinces():
    """(province, number of offices) for every province with an office that is not archived."""
    return list(
        Office.objects.filter(archived_at__isnull=True)
        .exclude(province="")
        .values_list("province")
        .annotate(offices=Count("pk"))
        .order_by("province")
    )


def _cache_key(province, months, today):
    digest = hashlib.sha256(province.encode()).hexdigest()[:24]
    return f"province:{digest}:{months}:{today.isoformat()}"


def figures(province, months=DEFAULT_MONTHS, today=None, refresh=False):
    """The province's table (see `compute`) from the cache when it is there; None when the
    province has no office."""
    today = today or timezone.localdate()
    key = _cache_key(province, months, today)
    result = None if refresh else cache.get(key)
    if result is None:
        result = compute(province, months, today)
        cache.set(key, result, CACHE_SECONDS)
    return result


def compute(province, months=DEFAULT_MONTHS, today=None):
    """The figures as plain JSON-safe data: {"province", "months", "start", "end",
    "generated_at", "offices": [row, …]} or None when no office is in the province."""
    today = today or timezone.localdate()
    if "\x00" in province:
        return None  # no province has a NUL byte, and PostgreSQL refuses one in a query
    offices = list(
        Office.objects.filter(province=province, archived_at__isnull=True)
        .select_related("site")
        .order_by("site__site_name", "site__hostname")
    )
    if not offices:
        return None
    ids = [office.site_id for office in offices]
    start = stats.window(today, months)[0]
    start_dt = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    local = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    submitted = Q(submitted_at__gte=start_dt)
    resolved = Q(resolved_at__gte=start_dt)
    counts = {
        row["site_id"]: row
        for row in Case.objects.counted()
        .filter(site_id__in=ids)
        .filter(submitted | resolved | Q(status__in=OPEN_STATUSES))
        .values("site_id")
        .annotate(
            received=Count("pk", filter=submitted),
            resolved=Count("pk", filter=resolved),
            on_time=Count("pk", filter=resolved & Q(due_date__gte=TruncDate("resolved_at", tzinfo=local))),
            satisfaction=Avg("rating", filter=resolved),
            ratings=Count("rating", filter=resolved),
            backlog=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        )
        .order_by()
    }
    days = defaultdict(list)
    for site_id, submitted_at, resolved_at in (
        Case.objects.counted()
        .filter(site_id__in=ids, resolved_at__gte=start_dt)
        .values_list("site_id", "submitted_at", "resolved_at")
        .order_by()
    ):
        days[site_id].append((local_date(resolved_at) - local_date(submitted_at)).days)
    rows = [_row(office, counts.get(office.site_id, {}), days[office.site_id]) for office in offices]
    return {
        "province": province,
        "months": months,
        "start": start.isoformat(),
        "end": today.isoformat(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "min_resolved": MIN_RESOLVED,
        "offices": rows,
    }


def _row(office, count, days):
    resolved = count.get("resolved", 0)
    enough = resolved >= MIN_RESOLVED
    ratings = count.get("ratings", 0)
    satisfaction = count.get("satisfaction")
    site = office.site
    return {
        "site_id": office.site_id,
        "office": office_label(site),
        "host": site.hostname,
        "root_url": site.root_url,
        "received": count.get("received", 0),
        "resolved": resolved,
        "enough_data": enough,
        "median_days": stats._round(statistics.median(days)) if enough and days else None,
        "p90_days": stats._round(stats.percentile(days, 90)) if enough and days else None,
        "within_sla_pct": stats._round(100 * count["on_time"] / resolved) if enough else None,
        # Under 3 ratings the mean is withheld, as on the office dashboard: one resident's
        # rating must not be readable off a published number.
        "satisfaction": stats._round(satisfaction, 2) if enough and satisfaction is not None and ratings >= 3 else None,
        "ratings": ratings,
        "backlog": count.get("backlog", 0),
    }


def parse_sort(value):
    """("column", descending) from ?sort=column or ?sort=-column; the office name otherwise."""
    value = (value or "").strip()
    descending = value.startswith("-")
    column = value.lstrip("-")
    if column not in SORT_KEYS:
        return "office", False
    return column, descending


def sort_rows(rows, column, descending):
    """Rows sorted by a column; a statistic withheld (not enough data, or no value) sorts last
    in either direction, then by office name."""
    if column == "office":
        return sorted(rows, key=lambda r: r["office"].casefold(), reverse=descending)
    present = [r for r in rows if r[column] is not None]
    missing = [r for r in rows if r[column] is None]
    present.sort(key=lambda r: r["office"].casefold())
    present.sort(key=lambda r: r[column], reverse=descending)
    missing.sort(key=lambda r: r["office"].casefold())
    return present + missing
