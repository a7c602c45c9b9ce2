"""Cases near a point: "already reported here" for residents and "possible duplicates" for
officers ask the same question, so one function answers both.

No GIS extension (the default install is SQLite): the database narrows to the few grid cells
(`Case.place_cell`) covering a box around the point on the (service, place_cell, submitted_at)
index, then to the box itself, and the few cases in it are measured exactly here, on the great
circle. The public map's box (services.places) asks for its cells the same way, on (site,
place_cell).
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from services.cases.models import CELL_COLUMNS, CELLS_PER_DEGREE, UNFINISHED_STATUSES, Case

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE_LATITUDE = 111_320.0
# A box reaching past a pole or across the antimeridian would need two boxes; Thailand is far
# from both, and points this close to them are refused by the coordinate checks anyway.
MAX_ABS_LATITUDE = 85.0
# A box of more cells than this (wider than about 4 km, 19 × 19 cells) asks for its stripe of
# latitude as one range of cells instead: a list that long costs more to send and plan than
# the stripe costs to read, and such a box holds a good part of an office's cases anyway.
MAX_CELLS = 400
# Widening of a box before its cells are counted, in degrees (a tenth of the stored precision):
# SQLite computes a point's cell in floating point, which may put a point lying exactly on a
# cell's edge in the cell beside it; the widened box asks for both.
CELL_EDGE = 1e-7


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


def _row_and_column(latitude, longitude):
    """The grid row and column of a point, the way the database numbers `Case.place_cell`."""
    return (
        math.floor((float(latitude) + 90) * CELLS_PER_DEGREE),
        math.floor((float(longitude) + 180) * CELLS_PER_DEGREE),
    )


def cells(south, west, north, east):
    """The `Case.place_cell` numbers of the cells the box touches, as a list, or as (first,
    last) of its stripe of latitude when it touches more than `MAX_CELLS`."""
    first_row, first_column = _row_and_column(float(south) - CELL_EDGE, float(west) - CELL_EDGE)
    last_row, last_column = _row_and_column(float(north) + CELL_EDGE, float(east) + CELL_EDGE)
    if (last_row - first_row + 1) * (last_column - first_column + 1) > MAX_CELLS:
        return (first_row * CELL_COLUMNS + first_column, last_row * CELL_COLUMNS + last_column)
    return [
        row * CELL_COLUMNS + column
        for row in range(first_row, last_row + 1)
        for column in range(first_column, last_column + 1)
    ]


def in_box(south, west, north, east):
    """A filter on cases whose point lies in the box (edges included): the cells first, which
    the (site | service, place_cell) indexes find, then the exact box."""
    covering = cells(south, west, north, east)
    by_cell = Q(place_cell__in=covering) if isinstance(covering, list) else Q(place_cell__range=covering)
    return by_cell & Q(latitude__range=(south, north), longitude__range=(west, east))


def nearby_cases(service_id, latitude, longitude, metres, *, days=None, open_only=False, exclude=None, limit=20):
    """Cases of the service within `metres` of the point, nearest first: open ones only with
    `open_only`, filed in the last `days` when given, never `exclude` (a case id) nor a case
    already merged into another. Returns `Nearby` rows (case and distance)."""
    if latitude is None or longitude is None or service_id is None or abs(float(latitude)) > MAX_ABS_LATITUDE:
        return []
    south, west, north, east = box(latitude, longitude, metres)
    cases = Case.objects.filter(in_box(south, west, north, east), service_id=service_id, duplicate_of__isnull=True)
    if open_only:
        cases = cases.filter(status__in=UNFINISHED_STATUSES)  # a referred pole is still down
    if days is not None:
        cases = cases.filter(submitted_at__gte=timezone.now() - datetime.timedelta(days=days))
    if exclude is not None:
        cases = cases.exclude(pk=exclude)
    found = []
    # Unordered: the case list's default order (due date) made SQLite walk the service's
    # (service, due_date) index instead of the few cells; the distance sorts them below.
    for case in cases.select_related("site").order_by()[:500]:
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
SERVICE, LATITUDE, LONGITUDE, SUBMITTED = (
    DUPLICATE_COLUMNS.index(name) for name in ("service_id", "latitude", "longitude", "submitted_at")
)


def possible_duplicates(cases, candidates=None, *, days=DUPLICATE_DAYS):
    """{case id: [Nearby, nearest first]} for those of `cases` that have a point: the other
    unmerged cases of the same service within the service's "already reported" radius and
    filed within `days` of it, taken from `candidates` (a Case queryset, e.g. the officer's
    visible cases; every case by default).

    One query whatever the number of cases (the staff queue asks for a whole page): the few
    cells around each case and the weeks around its filing on the (service, place_cell,
    submitted_at) index, then the exact distance and date here. The rows found are light `Case`
    objects holding `DUPLICATE_COLUMNS` only. A case's radius is read from its `nearby_radius`
    attribute when the caller annotated it (the queue does, in the query that loads the page),
    else from its service.
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
    # Each case's radius, box and cells, worked out once (the query and the matching use them).
    around = {}
    for c in placed:
        radius = _radius(c)
        edges = box(c.latitude, c.longitude, radius)
        around[c.pk] = (radius, edges, cells(*edges))
    candidates = candidates.filter(duplicate_of__isnull=True).select_related(None).order_by()
    # One branch per service on the page, asking for the cells around each of its cases (a
    # hundred boxes of 2 × 2 cells, ten services or so): a branch per case cost more to build
    # and plan than to run (1.5 s of Django and the planner for 0.1 s of index reads, at 1M
    # cases on a busy 2-core machine).
    # The few cases in those cells that are outside a box or too far in time are left out here.
    pieces = {}
    for c in placed:
        covering = around[c.pk][2]
        piece = pieces.setdefault(c.service_id, [set(), [], c.submitted_at, c.submitted_at])
        if isinstance(covering, list):
            piece[0].update(covering)
        else:  # a radius of kilometres
            piece[1].append(Q(place_cell__range=covering))
        piece[2:] = [min(piece[2], c.submitted_at), max(piece[3], c.submitted_at)]
    branches = []
    for service_id, (lists, ranges, earliest, latest) in pieces.items():
        by_cell = Q(place_cell__in=sorted(lists)) if lists else Q(pk__in=[])
        for stripe in ranges:
            by_cell |= stripe
        branches.append(
            candidates.filter(
                by_cell, service_id=service_id, submitted_at__range=(earliest - span, latest + span)
            ).values_list(*DUPLICATE_COLUMNS)
        )
    # A UNION ALL of one branch per service, not one WHERE of OR-ed services: SQLite read the
    # whole table for an OR (1.6 s for a page of 100 among 100,000 cases), each branch alone is
    # a few probes of the (service, place_cell, submitted_at) index.
    union = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    # The rows found, by service and by the cell their point lies in (counted here, as
    # `cells` counts a box's), so each case looks at the few rows of its own cells, not at every
    # row of its service (a page's hundred cases × a few hundred rows was most of its time).
    by_service, by_cell = {}, {}
    for values in union[:DUPLICATE_ROWS_CAP]:
        row, column = _row_and_column(values[LATITUDE], values[LONGITUDE])
        by_service.setdefault(values[SERVICE], []).append(values)
        by_cell.setdefault((values[SERVICE], row * CELL_COLUMNS + column), []).append(values)
    found, made = {}, {}
    for c in placed:
        radius, (south, west, north, east), covering = around[c.pk]
        if isinstance(covering, list):
            rows = [values for cell in covering for values in by_cell.get((c.service_id, cell), ())]
        else:
            rows = by_service.get(c.service_id, ())
        near = []
        for values in rows:
            pk, latitude, longitude, submitted_at = values[0], values[LATITUDE], values[LONGITUDE], values[SUBMITTED]
            if pk == c.pk or abs(submitted_at - c.submitted_at) > span:
                continue
            if not (south <= latitude <= north and west <= longitude <= east):
                continue
            metres_away = distance_m(c.latitude, c.longitude, latitude, longitude)
            if metres_away <= radius:
                if pk not in made:
                    made[pk] = Case(**dict(zip(DUPLICATE_COLUMNS, values, strict=True)))
                near.append(Nearby(made[pk], metres_away))
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
