"""The grid cell every case with a point carries (`Case.place_cell`), which "already reported
here", "possible duplicates" and the public map's box ask the database for (issue 18, item 6):
the database keeps it right however the point is written, a case on a cell's edge is found from
either side, and each of the three questions is answered from the cell indexes, not by reading
a stripe of latitude (checked with the database's own query plan, on SQLite and PostgreSQL)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services.cases import nearby
from services.cases.models import Case
from tests.factories import CaseFactory, GuidePageFactory, ServicePageFactory, services_index

pytestmark = pytest.mark.django_db

# A crossing of cell edges: (18.79 + 90) × 500 and (98.986 + 180) × 500 are whole numbers.
EDGE_LAT, EDGE_LNG = Decimal("18.790000"), Decimal("98.986000")
MICRO = Decimal("0.000001")


@pytest.fixture
def light(home_th):
    return GuidePageFactory(parent=services_index(home_th), slug="streetlight")


def found_near(light, latitude, longitude, metres=50):
    return [n.case for n in nearby.nearby_cases(light.pk, latitude, longitude, metres)]


def test_a_case_is_found_where_its_point_is_now_however_the_point_was_written(light):
    case = CaseFactory(service=light, latitude=EDGE_LAT, longitude=EDGE_LNG)
    assert found_near(light, EDGE_LAT, EDGE_LNG) == [case]

    # An officer moves the pin 2 km north: found there, no longer at the old place.
    case.latitude = EDGE_LAT + Decimal("0.018")
    case.save()
    assert found_near(light, EDGE_LAT, EDGE_LNG) == []
    assert found_near(light, EDGE_LAT + Decimal("0.018"), EDGE_LNG) == [case]

    # Written around the model (update(), as a data fix or the benchmarks' COPY would).
    Case.objects.filter(pk=case.pk).update(latitude=EDGE_LAT, longitude=EDGE_LNG + Decimal("0.01"))
    assert found_near(light, EDGE_LAT, EDGE_LNG + Decimal("0.01")) == [case]

    # No point, no cell: never found near anything.
    Case.objects.filter(pk=case.pk).update(latitude=None, longitude=None)
    case.refresh_from_db()
    assert case.place_cell is None
    assert Case.objects.filter(nearby.in_box(-90, -180, 90, 180)).count() == 0


@pytest.mark.parametrize(
    ("north", "east"),
    [(0, 0), (-1, 0), (0, -1), (-1, -1), (1, 1)],
    ids=["on-the-crossing", "just-south", "just-west", "just-south-west", "just-north-east"],
)
def test_a_case_on_or_beside_a_cells_edge_is_found_from_every_side(light, north, east):
    case = CaseFactory(service=light, latitude=EDGE_LAT + north * MICRO, longitude=EDGE_LNG + east * MICRO)
    # 20 m away in each direction: the search box reaches over the edge from the other cell.
    for d_lat, d_lng in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
        where = (EDGE_LAT + d_lat * Decimal("0.00013"), EDGE_LNG + d_lng * Decimal("0.00013"))
        assert found_near(light, *where) == [case], where
    # A box whose edge is the cell's edge itself holds the case on it, not the one beside it.
    inside = Case.objects.filter(nearby.in_box(EDGE_LAT, EDGE_LNG, EDGE_LAT + 1 * MICRO, EDGE_LNG + 1 * MICRO))
    assert list(inside) == ([case] if north >= 0 and east >= 0 else [])


def test_a_box_of_more_cells_than_a_list_asks_for_its_stripe_and_finds_the_same(light):
    town = (EDGE_LAT, EDGE_LNG, EDGE_LAT + Decimal("0.03"), EDGE_LNG + Decimal("0.03"))
    region = (EDGE_LAT, EDGE_LNG, EDGE_LAT + Decimal("0.3"), EDGE_LNG + Decimal("0.3"))
    assert isinstance(nearby.cells(*town), list) and len(nearby.cells(*town)) <= nearby.MAX_CELLS
    assert isinstance(nearby.cells(*region), tuple)  # (first, last): the stripe
    corners = [
        CaseFactory(service=light, latitude=lat, longitude=lng)
        for lat in (EDGE_LAT, EDGE_LAT + Decimal("0.03"))
        for lng in (EDGE_LNG, EDGE_LNG + Decimal("0.03"))
    ]
    beyond = [
        CaseFactory(service=light, latitude=EDGE_LAT - MICRO, longitude=EDGE_LNG),
        CaseFactory(service=light, latitude=EDGE_LAT, longitude=EDGE_LNG + Decimal("0.3") + MICRO),
        CaseFactory(service=light, latitude=EDGE_LAT + Decimal("0.01"), longitude=EDGE_LNG - Decimal("0.01")),
    ]
    assert set(Case.objects.filter(nearby.in_box(*town))) == set(corners)
    assert set(Case.objects.filter(nearby.in_box(*region))) == set(corners)
    assert not set(beyond) & set(Case.objects.filter(nearby.in_box(*region)))


def test_a_queue_pages_possible_duplicates_in_one_query(light, home_th, django_assert_num_queries):
    road = GuidePageFactory(parent=services_index(home_th), slug="road")
    first = CaseFactory(service=light, latitude=EDGE_LAT, longitude=EDGE_LNG)
    second = CaseFactory(service=light, latitude=EDGE_LAT - 20 * MICRO, longitude=EDGE_LNG - 20 * MICRO)  # 3 m
    CaseFactory(service=road, latitude=EDGE_LAT, longitude=EDGE_LNG)  # another service
    CaseFactory(service=light, latitude=EDGE_LAT + Decimal("0.001"), longitude=EDGE_LNG)  # 111 m
    CaseFactory(  # the same spot, but filed months earlier
        service=light, latitude=EDGE_LAT, longitude=EDGE_LNG, submitted_at=timezone.now() - datetime.timedelta(days=90)
    )
    alone = CaseFactory(service=light, latitude=EDGE_LAT + Decimal("0.01"), longitude=EDGE_LNG)
    page = list(Case.objects.filter(pk__in=[first.pk, second.pk, alone.pk]).select_related("service"))
    with django_assert_num_queries(1):
        found = nearby.possible_duplicates(page)
    assert {pk: [n.case.pk for n in near] for pk, near in found.items()} == {
        first.pk: [second.pk],
        second.pk: [first.pk],
    }


def plan(sql):
    """The database's plan for a captured query, as one string."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test's handful of rows is cheaper to read whole; the plan wanted is a big table's.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(" ".join(map(str, row)) for row in cursor.fetchall())


def case_queries(captured):
    return [q["sql"] for q in captured.captured_queries if 'FROM "services_case"' in q["sql"]]


def test_near_here_and_possible_duplicates_read_the_service_cell_index(light):
    case = CaseFactory(service=light, latitude=EDGE_LAT, longitude=EDGE_LNG)
    with CaptureQueriesContext(connection) as captured:
        found_near(light, EDGE_LAT, EDGE_LNG)
        nearby.possible_duplicates([case])
    [near_here, duplicates] = case_queries(captured)
    assert "case_service_cell" in plan(near_here)
    assert plan(duplicates).count("case_service_cell") >= 1


def test_the_public_maps_box_reads_the_office_cell_index(client, home_th, site):
    service = ServicePageFactory(
        parent=services_index(home_th), slug="streetlight-repair", public_place=True, publish=True
    )
    CaseFactory(service=service, latitude=EDGE_LAT, longitude=EDGE_LNG)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/th/reports.geojson", {"bbox": "98.976,18.79,99.006,18.82"})
    assert len(response.json()["features"]) == 1
    [query] = [sql for sql in case_queries(captured) if "place_cell" in sql]
    assert "case_site_cell" in plan(query)
