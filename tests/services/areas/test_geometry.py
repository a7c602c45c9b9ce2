"""What an office may upload or draw as an area, and where a point lies (services/areas/geometry.py)."""

import json
import math
import time

import pytest
from django.utils import translation

from services.areas import geometry
from tests.services.areas.support import MARKET, RIVERSIDE


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def square(lon, lat, size=0.01):
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def polygon(*rings):
    return {"type": "Polygon", "coordinates": list(rings)}


def refusal(data):
    with pytest.raises(geometry.GeometryError) as error:
        geometry.clean_shape(data if isinstance(data, dict) else geometry.loads(data))
    return str(error.value)


def test_a_polygon_a_feature_and_a_multipolygon_are_accepted():
    assert geometry.clean_shape(RIVERSIDE)["type"] == "Polygon"
    assert geometry.clean_shape({"type": "Feature", "properties": {}, "geometry": RIVERSIDE}) == RIVERSIDE
    assert geometry.clean_shape(MARKET)["type"] == "MultiPolygon"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{not json", "not valid JSON"),
        ('{"type": "Polygon", "coordinates": [[[NaN, 18], [99, 18], [99, 19], [NaN, 18]]]}', "NaN"),
        ('{"type": "Polygon", "coordinates": [[[Infinity, 18], [99, 18], [99, 19], [98, 18]]]}', "Infinity"),
        ('{"type": "Point", "coordinates": [98.9, 18.7]}', "not Point"),
        ('{"type": "LineString", "coordinates": [[98.9, 18.7], [98.91, 18.7]]}', "not LineString"),
        (
            '{"type": "Polygon", "coordinates": [[["98.9", 18.7], [98.91, 18.7], [98.91, 18.71], ["98.9", 18.7]]]}',
            "number",
        ),
        ("[1, 2]", "Polygon or MultiPolygon"),
    ],
)
def test_what_is_not_an_area_is_refused_with_a_reason(text, says):
    assert says in refusal(text)


def test_coordinates_beyond_the_globe_are_refused():
    assert "Latitude 91.0" in refusal(polygon([[98.9, 91], [98.91, 91], [98.91, 90.5], [98.9, 91]]))
    assert "Longitude 181.0" in refusal(polygon([[181, 18], [180.5, 18], [180.5, 18.1], [181, 18]]))


def test_open_and_short_rings_are_refused():
    assert "end where it starts" in refusal(polygon([[98.9, 18.7], [98.91, 18.7], [98.91, 18.71], [98.9, 18.71]]))
    assert "at least 4 positions" in refusal(polygon([[98.9, 18.7], [98.91, 18.7], [98.9, 18.7]]))
    assert "3 different corners" in refusal(polygon([[98.9, 18.7], [98.91, 18.7], [98.91, 18.7], [98.9, 18.7]]))


def test_a_self_intersecting_ring_is_refused_and_says_where():
    bow_tie = [[98.90, 18.70], [98.91, 18.71], [98.91, 18.70], [98.90, 18.71], [98.90, 18.70]]
    assert "crosses or touches itself" in refusal(polygon(bow_tie))


def test_a_ring_touching_itself_at_a_corner_and_a_hole_crossing_the_boundary_are_refused():
    pinched = [[0.0, 0.0], [0.02, 0.0], [0.01, 0.01], [0.02, 0.02], [0.0, 0.02], [0.01, 0.01], [0.0, 0.0]]
    assert "crosses or touches itself" in refusal(polygon(pinched))
    assert "crosses or touches itself" in refusal(polygon(square(98.9, 18.7), square(98.905, 18.705)))
    assert "outside its outer boundary" in refusal(polygon(square(98.9, 18.7), square(98.95, 18.75, 0.001)))


def test_huge_and_overdetailed_shapes_are_refused():
    assert "more than 1.0 degree" in refusal(polygon(square(98.0, 18.0, size=1.5)))
    world = [[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]
    assert "more than" in refusal(polygon(world))
    ring = [[98.9 + i * 1e-6, 18.7] for i in range(10_001)] + [[98.9, 18.71], [98.9, 18.7]]
    assert "at most 10,000" in refusal(polygon(ring))


def test_a_file_over_2_mb_is_refused_before_parsing():
    with pytest.raises(geometry.GeometryError, match="larger than 2 MB"):
        geometry.loads(b" " * (geometry.MAX_FILE_BYTES + 1))


def test_a_detailed_valid_boundary_is_accepted():
    # A circle of 5,000 points: the grid keeps the self-intersection check quick.
    ring = [
        [98.95 + 0.01 * math.cos(2 * math.pi * i / 5000), 18.78 + 0.01 * math.sin(2 * math.pi * i / 5000)]
        for i in range(5000)
    ]
    ring.append(ring[0])
    started = time.perf_counter()
    assert len(geometry.clean_shape(polygon(ring))["coordinates"][0]) == 5001
    assert time.perf_counter() - started < 5  # seconds: an editor's save, not a stalled worker


def test_a_point_is_in_the_polygon_but_not_in_its_hole_and_in_either_part_of_a_multipolygon():
    assert geometry.contains(RIVERSIDE, 98.961, 18.781)
    assert not geometry.contains(RIVERSIDE, 98.965, 18.785)  # the park
    assert not geometry.contains(RIVERSIDE, 98.975, 18.785)
    assert geometry.contains(MARKET, 98.975, 18.785) and geometry.contains(MARKET, 99.005, 18.805)
    assert not geometry.contains(MARKET, 98.99, 18.795)


def test_features_are_named_by_name_or_thai_property():
    data = json.loads(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"ชื่อ": " ชุมชน  ริมน้ำ "}, "geometry": RIVERSIDE},
                    {"type": "Feature", "properties": {"name": "Market"}, "geometry": MARKET},
                    {"type": "Feature", "properties": None, "geometry": MARKET},
                ],
            }
        )
    )
    assert [name for name, _feature in geometry.features_of(data)] == ["ชุมชน ริมน้ำ", "Market", None]
