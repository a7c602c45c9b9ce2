"""The map page's first paint and first markers (issue 18): the list of reports is the page and
paints with the site's CSS alone, and nothing of the map shares the phone's link with those
stylesheets: Leaflet and its cluster plugin (most of what the page weighs) are neither linked
nor preloaded in the head, but fetched by the map's small deferred script once the stylesheets
are in. Only the reports of the map's first view are preloaded, at the very address the map asks
for first, so the server's answer overlaps the stylesheets' download. bench/places.py measures
it in a throttled Chromium; this checks the page says so."""

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
    _html, head, box = head_and_map(client, "/th/reports/")
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', head)
    assert stylesheets and not [href for href in stylesheets if "leaflet" in href.lower() or "Marker" in href]
    # No Leaflet in the head at all, not even preloaded: a preload shares the link with the CSS.
    assert "leaflet" not in head.lower() and "MarkerCluster" not in head
    preloads = [tag for tag in re.findall(r'<link rel="preload"[^>]*>', head) if 'as="font"' not in tag]
    assert len(preloads) == 1 and 'as="fetch"' in preloads[0] and "reports.geojson" in preloads[0], preloads
    # The one script is small and deferred; it names Leaflet's files for after the paint.
    scripts = re.findall(r"<script [^>]*>", head)
    assert len(scripts) == 1 and " defer" in scripts[0] and "reports_map" in scripts[0], scripts
    assert [name for name in box["data-scripts"].split() if "leaflet" in name.lower()] and box["data-css"]


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
