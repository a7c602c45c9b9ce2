"""The map page's first paint and first markers (issue 18): the list of reports is the page and
paints with the site's CSS alone; the map's files are fetched at once without holding it up
(Leaflet's scripts and CSS preloaded, and added by the map's small deferred script after
the first paint), and the reports of the map's
first view are preloaded by the page at the very address the map asks for first, so they arrive
with Leaflet instead of a round trip after it. bench/places.py measures it in a throttled
Chromium; this checks the page says so."""

import re
from decimal import Decimal
from html import unescape

import pytest

from services.places import views
from tests.services.places import test_public_reports as public

places = public.places  # the public-report tests' world (a public-place service, a community)
report = public.report

pytestmark = pytest.mark.django_db


def head_and_map(client, url, **query):
    html = client.get(url, query).content.decode()
    head = html[: html.index("</head>")]
    [box] = re.findall(r'<div id="reports-map"[^>]*>', html)
    return html, head, {name: unescape(value) for name, value in re.findall(r'(data-[\w-]+)="([^"]*)"', box)}


def test_nothing_of_the_map_holds_up_the_lists_first_paint(client, places):
    report(places)
    _html, head, _box = head_and_map(client, "/th/reports/")
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', head)
    assert stylesheets and not [href for href in stylesheets if "leaflet" in href.lower() or "Marker" in href]
    assert (
        len(re.findall(r'<link rel="preload" href="[^"]*(?:leaflet|MarkerCluster)[^"]*\.css" as="style">', head)) == 2
    )
    # Leaflet's scripts are preloaded, and run by the one small deferred script after the paint.
    scripts = re.findall(r"<script [^>]*>", head)
    assert len(scripts) == 1 and " defer" in scripts[0] and "reports_map" in scripts[0], scripts
    assert len(re.findall(r'<link rel="preload" href="[^"]*leaflet[^"]*\.js" as="script">', head)) == 2


def test_the_maps_first_reports_are_preloaded_at_the_address_the_map_asks_first(client, places):
    near = report(places)
    other = report(places, service=places["permit"])  # not a public place: never on the map
    _html, head, box = head_and_map(client, "/th/reports/", service=str(places["light"].pk), page="1")
    [preloaded] = re.findall(r'<link rel="preload" href="([^"]+)" as="fetch" crossorigin="anonymous">', head)
    preloaded = unescape(preloaded)
    assert preloaded == box["data-first"]
    assert f"service={places['light'].pk}" in preloaded and "page=" not in preloaded  # the filters, not the page number
    assert box["data-first-bbox"] in preloaded.replace("%2C", ",")
    features = client.get(preloaded).json()["features"]
    assert [f["properties"]["ref"] for f in features] == [near.reference] and other.reference not in preloaded


def test_reports_across_a_wide_area_open_on_a_phone_sized_box_where_most_of_them_are(client, places):
    """One report far from the rest must not open the map on the empty land between them: the
    first box sits on the reports' median point, and the preloaded reports are the cluster's."""
    cluster = [report(places, latitude=Decimal(f"18.70{n}000"), longitude=Decimal(f"98.90{n}000")) for n in range(3)]
    far = report(places, latitude=Decimal("18.900000"), longitude=Decimal("99.100000"))
    _html, _head, box = head_and_map(client, "/th/reports/")
    west, south, east, north = (float(n) for n in box["data-first-bbox"].split(","))
    assert east - west == pytest.approx(2 * views.FIRST_HALF_SPAN) == north - south
    assert (west + east) / 2 == pytest.approx(98.902) and (south + north) / 2 == pytest.approx(18.702)  # the median
    refs = {f["properties"]["ref"] for f in client.get(box["data-first"]).json()["features"]}
    assert refs == {case.reference for case in cluster} and far.reference not in refs


def test_no_reports_no_preload(client, places):
    _html, head, box = head_and_map(client, "/th/reports/")
    assert 'as="fetch"' not in head and "data-first" not in box
