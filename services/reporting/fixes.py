"""Proof of fixes and outside agencies, per department (issue 21): fixes confirmed by residents,
fixes they disputed, after photos flagged "check this fix", and cases referred to outside
agencies (counted apart: not the office's time) with the agencies' median days from referral to
their "done" or the office taking the case back.

Totals only, never a person: the public dashboard (`DASHBOARD_SECTIONS_HOOK`, the last 12
months) and the monthly report (`monthly.SECTIONS_HOOK`, the month, in Thai) show the same
table. Here in reporting, not in cases, because reporting sits above cases (import-linter):
the case room records the events and photos, this room counts them.
"""

import datetime
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from services.cases.models import CaseEvent, CasePhoto, CaseStatus
from services.models.departments import Department
from services.reporting import stats
from services.reporting.monthly import Section, month_end

K = CaseEvent.Kind


def _bounds(start, end):
    """Aware datetimes for the dates [start, end] in the office's time zone."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tz),
    )


def department_table(site, start, end):
    """[(department, confirmed, disputed, flagged, referred, median agency days)] for the dates
    [start, end]; departments with nothing to show are left out. Two queries (the events, the
    after photos), three with something to show (the departments' names)."""
    since, until = _bounds(start, end)
    counts = defaultdict(lambda: {"confirmed": 0, "disputed": 0, "flagged": 0, "referred": 0})
    names = {K.FIX_CONFIRMED: "confirmed", K.FIX_DISPUTED: "disputed", K.REFERRED: "referred"}
    events = (
        CaseEvent.objects.filter(case__site=site, case__duplicate_of__isnull=True, created_at__gte=since)
        .filter(
            Q(kind__in=[K.FIX_CONFIRMED, K.FIX_DISPUTED, K.REFERRED, K.AGENCY_DONE, K.TAKEN_BACK])
            | Q(kind=K.STATUS, from_status=CaseStatus.REFERRED)
        )
        .values_list("case_id", "case__department_id", "kind", "created_at")
        .order_by("case_id", "created_at", "id")
    )
    # A referral's length: from the REFERRED line to what ended it (the agency's "done", the
    # office taking it back, a status change out of "referred"); one still running has none yet.
    days, referred_at = defaultdict(list), {}
    for case_id, department_id, kind, at in events:
        if kind == K.REFERRED:
            referred_at[case_id] = at if at < until else None
        elif kind in (K.AGENCY_DONE, K.TAKEN_BACK, K.STATUS):
            began = referred_at.pop(case_id, None)
            if began is not None:
                days[department_id].append((at - began).total_seconds() / 86400)
        if kind in names and at < until:
            counts[department_id][names[kind]] += 1
    photos = CasePhoto.objects.filter(
        case__site=site, role=CasePhoto.Role.AFTER, uploaded_at__gte=since, uploaded_at__lt=until
    ).values_list("case__department_id", "flags")
    for department_id, flags in photos:
        if flags:
            counts[department_id]["flagged"] += 1
    ids = [pk for pk in counts if pk]
    departments = {d.pk: d for d in Department.objects.filter(site=site, pk__in=ids)} if ids else {}
    rows = []
    for department_id, row in counts.items():
        median = stats.median(days.get(department_id, []))
        rows.append(
            (departments.get(department_id), row["confirmed"], row["disputed"], row["flagged"], row["referred"], median)
        )
    rows.sort(key=lambda row: (row[0] is None, str(row[0] or "")))
    return rows


def _days(value):
    return "–" if value is None else f"{value:.1f}"


def _name(department):
    if department is None:
        return _("(no department)")
    return department.tr("name")


def header():
    return [
        _("Department"),
        _("Fixes confirmed by residents"),
        _("Fixes disputed"),
        _("Fixes flagged"),
        _("Referred to other agencies"),
        _("Half done by agencies within (days)"),
    ]


def sections(site, start, end):
    rows = department_table(site, start, end)
    if not rows:
        return []
    return [
        Section(
            title=_("Fixes and referrals by department"),
            header=header(),
            rows=[
                [_name(d), confirmed, disputed, flagged, referred, _days(median)]
                for d, confirmed, disputed, flagged, referred, median in rows
            ],
            widths=(50, 30, 26, 26, 30, 28),
        )
    ]


def dashboard_sections(site, today=None):
    """The public dashboard's table: the last 12 months, in the visitor's language."""
    today = today or timezone.localdate()
    # Cached as the dashboard's own figures are (a change to any case starts a new generation).
    key = stats._key(f"fixes-site{site.pk}-{translation.get_language()}", today)
    found = cache.get(key)
    if found is None:
        found = sections(site, stats.add_months(stats.month_start(today), -11), today)
        cache.set(key, found, stats.CACHE_TTL)
    return found


def monthly_sections(site, month):
    """The monthly report's table, in Thai (the report's language)."""
    with translation.override("th"):
        return sections(site, stats.month_start(month), month_end(month))
