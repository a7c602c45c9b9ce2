"""GeoJSON polygons in plain Python: reading what an office uploads or draws, refusing what is
not a usable area, and testing whether a point lies in one.

No GIS library: an office's areas are a few hundred small polygons, and a point is tested only
against the few whose bounding box holds it (services.areas.matching), so a ray-casting test in
Python is fast enough and the default install stays free of native dependencies.

Every refusal is a `GeometryError` whose message tells the editor what to fix, in the language of
the request (the messages are translated).
"""

import json
import math
from collections import defaultdict

from django.utils.translation import gettext as _

# Caps, chosen for a municipality's communities and zones: a village boundary traced from a map
# has tens to hundreds of points; 10,000 allows a detailed shoreline without letting one upload
# stall the server. One degree is about 110 km: larger than any Thai municipality or อบต., so a
# larger box is a mistake (a swapped coordinate, a province-wide file).
MAX_VERTICES = 10_000
MAX_SPAN_DEGREES = 1.0
MAX_FILE_BYTES = 2 * 1024 * 1024
# The self-intersection check compares segments that share a grid cell; a shape made so that
# millions of pairs share cells is refused instead of checked (it is no real boundary).
MAX_PAIR_CHECKS = 3_000_000


class GeometryError(ValueError):
    """A shape that cannot be an area; `str(error)` is the message for the editor."""


def loads(text):
    """JSON from `text`, refusing NaN and Infinity (Python's json accepts them; GeoJSON does not)."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise GeometryError(too_large_message())
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise GeometryError(_("The file is not UTF-8 text: save it as GeoJSON (UTF-8).")) from error
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise GeometryError(too_large_message())

    def refuse_constant(name):
        raise GeometryError(
            _("The file contains %(value)s, which is not a number: give real coordinates.") % {"value": name}
        )

    try:
        return json.loads(text, parse_constant=refuse_constant)
    except GeometryError:
        raise
    except (ValueError, RecursionError) as error:
        raise GeometryError(
            _("This is not valid JSON (GeoJSON): %(problem)s") % {"problem": str(error)[:120]}
        ) from error


def too_large_message():
    return _("The file is larger than %(size)s MB: split it or simplify the shapes.") % {
        "size": MAX_FILE_BYTES // (1024 * 1024)
    }


def geometry_of(data):
    """The Polygon or MultiPolygon in `data` (a geometry, or a Feature holding one)."""
    if not isinstance(data, dict):
        raise GeometryError(_("Expected a GeoJSON object with a Polygon or MultiPolygon."))
    if data.get("type") == "Feature":
        data = data.get("geometry")
        if not isinstance(data, dict):
            raise GeometryError(_("The feature has no geometry."))
    kind = data.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise GeometryError(
            _("An area must be a Polygon or MultiPolygon, not %(kind)s.") % {"kind": str(kind or _("nothing"))[:40]}
        )
    return data


def clean_shape(data):
    """The shape as stored: {"type": "MultiPolygon"|"Polygon", "coordinates": …} with every
    coordinate a float pair, after every check. Raises GeometryError."""
    geometry = geometry_of(data)
    coordinates = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        polygons = [coordinates]
    else:
        if not isinstance(coordinates, list) or not coordinates:
            raise GeometryError(_("The MultiPolygon has no polygons."))
        polygons = coordinates
    cleaned = [_clean_polygon(polygon) for polygon in polygons]
    vertices = sum(len(ring) - 1 for polygon in cleaned for ring in polygon)
    if vertices > MAX_VERTICES:
        raise GeometryError(
            _("The shape has %(count)s points; at most %(limit)s are allowed. Simplify it.")
            % {"count": f"{vertices:,}", "limit": f"{MAX_VERTICES:,}"}
        )
    box = bbox(cleaned)
    if box[2] - box[0] > MAX_SPAN_DEGREES or box[3] - box[1] > MAX_SPAN_DEGREES:
        raise GeometryError(
            _(
                "The shape spans more than %(limit)s degree (about 110 km): far larger than an office's area. "
                "Check that longitude comes before latitude."
            )
            % {"limit": MAX_SPAN_DEGREES}
        )
    for polygon in cleaned:
        _check_simple(polygon)
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": cleaned[0]}
    return {"type": "MultiPolygon", "coordinates": cleaned}


def _clean_polygon(polygon):
    if not isinstance(polygon, list) or not polygon:
        raise GeometryError(_("A polygon needs at least one ring of coordinates."))
    return [_clean_ring(ring) for ring in polygon]


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GeometryError(_("Each coordinate must be a number, not %(value)s.") % {"value": repr(value)[:40]})
    value = float(value)
    if not math.isfinite(value):
        raise GeometryError(
            _("The file contains %(value)s, which is not a number: give real coordinates.") % {"value": value}
        )
    return value


def _clean_ring(ring):
    if not isinstance(ring, list):
        raise GeometryError(_("A ring must be a list of [longitude, latitude] positions."))
    points = []
    for position in ring:
        if not isinstance(position, list) or len(position) not in (2, 3):
            raise GeometryError(_("Each position must be [longitude, latitude]."))
        lon, lat = _number(position[0]), _number(position[1])
        if not -90 <= lat <= 90:
            raise GeometryError(_("Latitude %(value)s is outside −90 to 90.") % {"value": lat})
        if not -180 <= lon <= 180:
            raise GeometryError(_("Longitude %(value)s is outside −180 to 180.") % {"value": lon})
        points.append((lon, lat))
    if len(points) < 4:
        raise GeometryError(_("A ring needs at least 4 positions (3 corners and the first repeated at the end)."))
    if points[0] != points[-1]:
        raise GeometryError(_("A ring must end where it starts (repeat the first position at the end)."))
    if len(set(points)) < 3:
        raise GeometryError(_("A ring needs at least 3 different corners."))
    return [[lon, lat] for lon, lat in points]


def polygons_of(shape):
    """The list of polygons (each a list of rings) of a stored shape."""
    if shape.get("type") == "Polygon":
        return [shape["coordinates"]]
    return shape.get("coordinates") or []


def bbox(polygons):
    """(min lon, min lat, max lon, max lat) of the polygons' outer rings."""
    lons = [p[0] for polygon in polygons for p in polygon[0]]
    lats = [p[1] for polygon in polygons for p in polygon[0]]
    return min(lons), min(lats), max(lons), max(lats)


# -- Self-intersection --------------------------------------------------------------------------


def _orientation(a, b, c):
    value = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return 0 if value == 0 else (1 if value > 0 else -1)


def _on_segment(a, b, p):
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def segments_touch(a, b, c, d):
    """True when segment a-b and segment c-d share any point (crossing, touching or overlapping)."""
    o1, o2, o3, o4 = _orientation(a, b, c), _orientation(a, b, d), _orientation(c, d, a), _orientation(c, d, b)
    if o1 != o2 and o3 != o4:
        return True
    return (
        (o1 == 0 and _on_segment(a, b, c))
        or (o2 == 0 and _on_segment(a, b, d))
        or (o3 == 0 and _on_segment(c, d, a))
        or (o4 == 0 and _on_segment(c, d, b))
    )


def _check_simple(polygon):
    """Refuse a polygon whose rings cross or touch themselves or each other, or whose holes lie
    outside it. Segments are bucketed in a grid so only neighbours are compared."""
    segments = []  # (ring index, position in ring, ring length, a, b)
    for r, ring in enumerate(polygon):
        count = len(ring) - 1
        for i in range(count):
            a, b = tuple(ring[i]), tuple(ring[i + 1])
            if a == b:
                continue  # a repeated point adds no edge
            segments.append((r, i, count, a, b))
    lons = [s[3][0] for s in segments] + [s[4][0] for s in segments]
    lats = [s[3][1] for s in segments] + [s[4][1] for s in segments]
    x0, y0 = min(lons), min(lats)
    size = max(1, int(math.sqrt(len(segments))))
    width = (max(lons) - x0) / size or 1.0
    height = (max(lats) - y0) / size or 1.0
    cells = defaultdict(list)
    entries = 0
    for index, (_r, _i, _n, a, b) in enumerate(segments):
        cx0 = min(int((min(a[0], b[0]) - x0) / width), size - 1)
        cx1 = min(int((max(a[0], b[0]) - x0) / width), size - 1)
        cy0 = min(int((min(a[1], b[1]) - y0) / height), size - 1)
        cy1 = min(int((max(a[1], b[1]) - y0) / height), size - 1)
        entries += (cx1 - cx0 + 1) * (cy1 - cy0 + 1)
        if entries > MAX_PAIR_CHECKS:
            raise GeometryError(_("The shape is too complex to check: simplify it."))
        for cx in range(cx0, cx1 + 1):
            for cy in range(cy0, cy1 + 1):
                cells[(cx, cy)].append(index)
    checked = set()
    budget = MAX_PAIR_CHECKS
    for members in cells.values():
        for x in range(len(members)):
            first = segments[members[x]]
            for y in range(x + 1, len(members)):
                second = segments[members[y]]
                pair = (members[x], members[y])
                if pair in checked:
                    continue
                checked.add(pair)
                budget -= 1
                if budget < 0:
                    raise GeometryError(_("The shape is too complex to check: simplify it."))
                if first[0] == second[0] and _adjacent(first[1], second[1], first[2]):
                    continue  # neighbours in one ring share their common corner, nothing more
                if segments_touch(first[3], first[4], second[3], second[4]):
                    raise GeometryError(
                        _("The boundary crosses or touches itself near longitude %(lon)s, latitude %(lat)s.")
                        % {"lon": f"{first[3][0]:.6f}", "lat": f"{first[3][1]:.6f}"}
                    )
    outer = polygon[0]
    for hole in polygon[1:]:
        if not in_ring(hole[0][0], hole[0][1], outer):
            raise GeometryError(_("A hole of the polygon lies outside its outer boundary."))


def _adjacent(i, j, count):
    return abs(i - j) == 1 or abs(i - j) == count - 1


# -- Point in polygon ---------------------------------------------------------------------------


def in_ring(lon, lat, ring):
    """Ray casting: True when (lon, lat) is inside `ring` (a point on the edge may go either way)."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(shape, lon, lat):
    """True when the point lies in one of the shape's polygons and in none of that polygon's holes."""
    for polygon in polygons_of(shape):
        if in_ring(lon, lat, polygon[0]) and not any(in_ring(lon, lat, hole) for hole in polygon[1:]):
            return True
    return False


def features_of(data):
    """[(name or None, geometry dict), …] of an uploaded FeatureCollection, Feature or geometry."""
    if not isinstance(data, dict):
        raise GeometryError(_("Expected a GeoJSON FeatureCollection, Feature or Polygon."))
    if data.get("type") == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            raise GeometryError(_("The FeatureCollection has no features."))
    else:
        features = [data]
    return [(_property(feature, NAME_PROPERTIES), feature) for feature in features]


def english_name_of(feature):
    """The English name a feature's properties give, or "" (the area then shows its Thai name)."""
    return _property(feature, ENGLISH_NAME_PROPERTIES) or ""


def _property(feature, keys):
    """The first of `keys` the feature's properties fill in, on one line, or None."""
    properties = feature.get("properties") if isinstance(feature, dict) else None
    if isinstance(properties, dict):
        for key in keys:
            value = properties.get(key)
            if isinstance(value, str | int) and str(value).strip():
                return " ".join(str(value).split())[:200]
    return None


# The property an area's name is read from, in this order (Thai GIS files often use ชื่อ).
NAME_PROPERTIES = ("name", "ชื่อ", "NAME", "Name", "name_th", "ชื่อชุมชน", "title")
# Its English name, when the file has one (OpenStreetMap exports write name:en).
ENGLISH_NAME_PROPERTIES = ("name_en", "name:en", "NAME_EN", "Name_EN", "ชื่อภาษาอังกฤษ")
