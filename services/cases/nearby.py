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
