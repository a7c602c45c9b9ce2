"""Cases near a point: "already reported here" for residents and "possible duplicates" for
officers ask the same question, so one function answers both.

No GIS extension (the default install is SQLite): the database narrows to a latitude/longitude
box around the point on the (service, latitude, longitude) index, and the few cases in the box
are measured exactly here, on the great circle.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from services.cases.models import OPEN_STATUSES, Case

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE_LATITUDE = 111_320.0
# A box reaching past a pole or across the antimeridian would need two boxes; Thailand is far
# from both, and points this close to them are refused by the coordinate checks anyway.
MAX_ABS_LATITUDE = 85.0


@dataclass(frozen=True)
class Nearby:
    case: Case
    metres: float


def distance_m(lat1, lng1, lat2, lng2):
    """Metres between two points on the earth (haversine; well under a metre off at town scale)."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi = phi2 - phi1
    dlmb = math.radians(float(lng2) - float(lng1))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def box(latitude, longitude, metres):
    """(south, west, north, east) of a square holding every point within `metres`, as Decimals
    comparable with the case's stored coordinates."""
    lat = float(latitude)
    dlat = metres / METRES_PER_DEGREE_LATITUDE
    dlng = metres / (METRES_PER_DEGREE_LATITUDE * max(math.cos(math.radians(lat)), 0.01))
    q = Decimal("0.000001")
    return tuple(
        Decimal(value).quantize(q)
        for value in (lat - dlat, float(longitude) - dlng, lat + dlat, float(longitude) + dlng)
    )


def nearby_cases(service_id, latitude, longitude, metres, *, days=None, open_only=False, exclude=None, limit=20):
    """Cases of the service within `metres` of the point, nearest first: open ones only with
    `open_only`, filed in the last `days` when given, never `exclude` (a case id) nor a case
    already merged into another. Returns `Nearby` rows (case and distance)."""
    if latitude is None or longitude is None or service_id is None or abs(float(latitude)) > MAX_ABS_LATITUDE:
        return []
    south, west, north, east = box(latitude, longitude, metres)
    cases = Case.objects.filter(
        service_id=service_id,
        latitude__range=(south, north),
        longitude__range=(west, east),
        duplicate_of__isnull=True,
    )
    if open_only:
        cases = cases.filter(status__in=OPEN_STATUSES)
    if days is not None:
        cases = cases.filter(submitted_at__gte=timezone.now() - datetime.timedelta(days=days))
    if exclude is not None:
        cases = cases.exclude(pk=exclude)
    found = []
    for case in cases.select_related("site")[:500]:
        metres_away = distance_m(latitude, longitude, case.latitude, case.longitude)
        if metres_away <= metres:
            found.append(Nearby(case, metres_away))
    found.sort(key=lambda near: (near.metres, near.case.pk))
    return found[:limit]


# "Possible duplicates" for officers: filed within this many days of each other (either way).
DUPLICATE_DAYS = 30
DEFAULT_RADIUS_M = 50
# More rows than this in one page's boxes means a crowd of reports on one spot: the nearest of
# them are enough to show a flag or a short list.
DUPLICATE_ROWS_CAP = 2000
# What the flag and the case page's list show of each possible duplicate.
DUPLICATE_COLUMNS = ("pk", "reference", "status", "service_id", "latitude", "longitude", "submitted_at", "site_id")


def possible_duplicates(cases, candidates=None, *, days=DUPLICATE_DAYS):
    """{case id: [Nearby, nearest first]} for those of `cases` that have a point: the other
    unmerged cases of the same service within the service's "already reported" radius and
    filed within `days` of it, taken from `candidates` (a Case queryset, e.g. the officer's
    visible cases; every case by default).

    One query whatever the number of cases (the staff queue asks for a whole page): one box per
    case, each on the (service, latitude, longitude) index, then the exact distance and date
    here. The rows found are light `Case` objects holding `DUPLICATE_COLUMNS` only. A case's
    radius is read from its `nearby_radius` attribute when the caller annotated it (the queue
    does, in the query that loads the page), else from its service.
    """
    candidates = Case.objects.all() if candidates is None else candidates
    placed = [
        c
        for c in cases
        if c.latitude is not None
        and c.longitude is not None
        and c.service_id is not None
        and c.duplicate_of_id is None
        and abs(float(c.latitude)) <= MAX_ABS_LATITUDE
    ]
    if not placed:
        return {}
    span = datetime.timedelta(days=days)
    radius = {c.pk: _radius(c) for c in placed}
    candidates = candidates.filter(duplicate_of__isnull=True).select_related(None).order_by()
    boxes = []
    for c in placed:
        south, west, north, east = box(c.latitude, c.longitude, radius[c.pk])
        boxes.append(
            candidates.filter(
                service_id=c.service_id,
                latitude__range=(south, north),
                longitude__range=(west, east),
                submitted_at__range=(c.submitted_at - span, c.submitted_at + span),
            ).values_list(*DUPLICATE_COLUMNS)
        )
    # A UNION ALL of one box per case, not one WHERE of OR-ed boxes: SQLite read the whole
    # table for the OR (1.6 s for a page of 100 among 100,000 cases), each box alone is a walk
    # of the (service, latitude, longitude) index.
    union = boxes[0].union(*boxes[1:], all=True) if len(boxes) > 1 else boxes[0]
    rows, seen = [], set()
    for values in union[:DUPLICATE_ROWS_CAP]:
        if values[0] not in seen:
            seen.add(values[0])
            rows.append(Case(**dict(zip(DUPLICATE_COLUMNS, values, strict=True))))
    found = {}
    for c in placed:
        near = []
        for other in rows:
            if other.pk == c.pk or other.service_id != c.service_id:
                continue
            if abs(other.submitted_at - c.submitted_at) > span:
                continue
            metres_away = distance_m(c.latitude, c.longitude, other.latitude, other.longitude)
            if metres_away <= radius[c.pk]:
                near.append(Nearby(other, metres_away))
        if near:
            near.sort(key=lambda n: (n.metres, n.case.pk))
            found[c.pk] = near
    return found


def _radius(case):
    annotated = getattr(case, "nearby_radius", None)
    if annotated is not None:
        return annotated
    service = case.service if case.service_id else None
    return getattr(service, "nearby_radius", None) or DEFAULT_RADIUS_M
