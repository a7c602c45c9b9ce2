"""The performance figures: how many requests came in, how many were resolved, how fast, how
often within the promised time, how satisfied residents were, and what is still open.

Definitions (also published on the data dictionary page, so anyone can recompute them):

- the window is the last 12 calendar months, the current month included (it is partial);
- *received* counts cases by the month they were submitted;
- *resolved* counts cases by the month they were resolved (``resolved_at``; a resolved case
  that was later closed still counts; rejected cases are not resolved);
- *days to resolve* are calendar days from the submission date to the resolution date (local
  time); the *median* is the middle value (mean of the two middle ones), the *90th percentile*
  the nearest-rank value (the smallest value at least 90% of cases do not exceed);
- *within SLA* is the share of resolved cases resolved on or before their due date;
- *satisfaction* is the mean rating (1–5) of the resolved cases that were rated;
- *backlog* is the number of cases open now (received, accepted, in progress, waiting);
- a case an officer merged into another (a second report of the same problem) counts once, as
  the case it was merged into: it is left out of every figure (``CaseQuerySet.counted``).

Everything is computed from one query over the window's cases and kept in the Django cache
under the page cache's "cases" version, which every figure-changing CaseEvent renews (see
``figures_changed``); a scheduled task
(``services.reporting.tasks.refresh_dashboard``) warms it so visitors rarely pay for a miss.
"""

import datetime
import math
import statistics

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from portal import pagecache
from services.cases.models import OPEN_STATUSES, Case
from services.cases.sla import local_date

MONTHS = 12
CACHE_TTL = 6 * 3600
# Events after which some figure may differ.
CHANGING_EVENTS = {"created", "status", "rated", "reopened", "merged", "unmerged"}


def month_start(day):
    return day.replace(day=1)


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def window(today=None, months=MONTHS):
    """The first days of the window's months, oldest first."""
    today = today or timezone.localdate()
    last = month_start(today)
    return [add_months(last, -i) for i in range(months - 1, -1, -1)]


def median(values):
    return statistics.median(values) if values else None


def percentile(values, pct):
    """Nearest-rank percentile: the smallest value at least `pct`% of values do not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(pct / 100 * len(ordered)), 1)
    return ordered[rank - 1]


class Bucket:
    """Running figures for one group (everything, a service, a department) and period."""

    __slots__ = ("received", "resolved", "days", "within_sla", "ratings", "backlog")

    def __init__(self):
        self.received = 0
        self.resolved = 0
        self.days = []
        self.within_sla = 0
        self.ratings = []
        self.backlog = 0

    def as_dict(self):
        return {
            "received": self.received,
            "resolved": self.resolved,
            "median_days": _round(median(self.days)),
            "p90_days": _round(percentile(self.days, 90)),
            "within_sla_pct": _round(100 * self.within_sla / self.resolved) if self.resolved else None,
            "satisfaction": _round(statistics.fmean(self.ratings), 2) if self.ratings else None,
            "ratings": len(self.ratings),
            "backlog": self.backlog,
        }


def _round(value, digits=1):
    return None if value is None else round(float(value), digits)


def _rows(queryset, start):
    """One query: the cases that count towards any figure in the window (submitted or resolved
    in it) plus every open case (the backlog), with only the columns the figures need."""
    start_dt = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    return (
        queryset.counted()
        .filter(Q(submitted_at__gte=start_dt) | Q(resolved_at__gte=start_dt) | Q(status__in=OPEN_STATUSES))
        .values_list(
            "service__slug",
            "service_title",
            "service_title_en",
            "department_id",
            "department__name",
            "department__name_en",
            "status",
            "submitted_at",
            "resolved_at",
            "due_date",
            "rating",
        )
    )


def compute(queryset=None, today=None, months=MONTHS):
    """The figures as plain JSON-safe data (what is cached, rendered and published)."""
    today = today or timezone.localdate()
    queryset = Case.objects.all() if queryset is None else queryset
    month_list = window(today, months)
    start = month_list[0]
    keys = [m.isoformat()[:7] for m in month_list]
    in_window = set(keys)

    overall, overall_months = Bucket(), {k: Bucket() for k in keys}
    services, service_months, service_names = {}, {}, {}
    departments, department_names = {}, {}

    def groups(service_key, department_key):
        if service_key not in services:
            services[service_key] = Bucket()
            service_months[service_key] = {k: Bucket() for k in keys}
        if department_key not in departments:
            departments[department_key] = Bucket()
        return [
            (overall, overall_months),
            (services[service_key], service_months[service_key]),
            (departments[department_key], None),
        ]

    for (
        service_slug,
        title,
        title_en,
        department_id,
        dept_name,
        dept_name_en,
        status,
        submitted_at,
        resolved_at,
        due_date,
        rating,
    ) in _rows(queryset, start):
        service_key = service_slug or f"t:{title}"
        service_names.setdefault(service_key, {"th": title, "en": title_en or title})
        department_key = department_id or 0
        department_names.setdefault(department_key, {"th": dept_name or "", "en": dept_name_en or dept_name or ""})
        submitted = local_date(submitted_at)
        submitted_key = submitted.isoformat()[:7]
        for total, by_month in groups(service_key, department_key):
            if status in OPEN_STATUSES:
                total.backlog += 1
            if submitted_key in in_window:
                total.received += 1
                if by_month is not None:
                    by_month[submitted_key].received += 1
            if resolved_at is None:
                continue
            resolved = local_date(resolved_at)
            resolved_key = resolved.isoformat()[:7]
            if resolved_key not in in_window:
                continue
            targets = [total] + ([by_month[resolved_key]] if by_month is not None else [])
            days = (resolved - submitted).days
            for bucket in targets:
                bucket.resolved += 1
                bucket.days.append(days)
                if due_date is not None and resolved <= due_date:
                    bucket.within_sla += 1
                if rating is not None:
                    bucket.ratings.append(rating)

    def service_entry(key):
        return {
            "key": key,
            "name": service_names[key],
            **services[key].as_dict(),
            "months": [{"month": k, **service_months[key][k].as_dict()} for k in keys],
        }

    return {
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "today": today.isoformat(),
        "months": keys,
        "overall": {**overall.as_dict(), "months": [{"month": k, **overall_months[k].as_dict()} for k in keys]},
        "services": sorted((service_entry(k) for k in services), key=lambda s: (-s["received"], s["name"]["th"])),
        "departments": sorted(
            ({"id": k, "name": department_names[k], **departments[k].as_dict()} for k in departments),
            key=lambda d: (-d["received"], d["name"]["th"]),
        ),
    }


def figures_changed(kind=None):
    """Invalidate every cached set of figures and the public dashboard page kept for anonymous
    visitors: both are keyed by the page cache's "cases" version, renewed now and on commit."""
    if kind is not None and kind not in CHANGING_EVENTS:
        return
    pagecache.invalidate(pagecache.CASES)


def case_event_saved(sender, instance, created, **kwargs):
    """post_save of CaseEvent: every change that moves a figure (a new case, a status change, a
    rating, a reopening) appends a CaseEvent, so that is where cached figures are invalidated."""
    if created:
        figures_changed(instance.kind)


def _key(scope, today):
    return f"stats:{pagecache.version(pagecache.CASES)}:{scope}:{today.isoformat()}"


def public_figures(site=None, today=None, refresh=False):
    """The public dashboard's figures for a site (every site's cases when site is None), from
    the cache when they are there. The date is part of the key: "today" moves the window and
    the backlog's meaning at midnight."""
    today = today or timezone.localdate()
    key = _key(f"site{site.pk if site else 'all'}", today)
    figures = None if refresh else cache.get(key)
    if figures is None:
        queryset = Case.objects.filter(site=site) if site is not None else Case.objects.all()
        figures = compute(queryset, today)
        cache.set(key, figures, CACHE_TTL)
    return figures
