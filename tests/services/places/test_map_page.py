"""The map page's first paint and first markers (issue 18): the list of reports is the page and
paints with the site's CSS alone, written into the page (no second round trip), and nothing of
the map shares the phone's link with it: Leaflet and its cluster plugin (most of what the page
weighs) are neither linked nor preloaded in the head, but fetched by the map's small deferred
script. Until Leaflet runs, the server's drawing of the map's first view shows the reports
(services.places.first_view). Only the reports of the map's first view are preloaded, at the
very address the map asks for first. bench/places.py measures it in a throttled Chromium; this
checks the page says so."""

import base64
import hashlib
import re
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from portal.security import public_policy
from services.places import first_view, views
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
    response = client.get("/th/reports/")
    html = response.content.decode()
    head = html[: html.index("</head>")]
    # The site's CSS is in the page, allowed by its hash alone: no stylesheet to fetch first.
    assert not re.findall(r'<link rel="stylesheet"', head)
    [css] = re.findall(r"<style>(.*?)</style>", head, re.S)
    assert ".report-list" in css and ".site-header" in css
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    policy = response["Content-Security-Policy"]
    assert f"'sha256-{digest}'" in policy and "'unsafe-inline'" not in policy
    # Its fonts keep working from inside the page: their addresses are absolute.
    fonts = re.findall(r'url\("([^"]+)"\)', css)
    assert fonts and all(address.startswith("/static/") for address in fonts), fonts
    assert all(finders.find(address.removeprefix(settings.STATIC_URL)) for address in fonts), fonts
    # No Leaflet in the head at all, not even preloaded: a preload shares the link with the page.
    tags = head.replace(css, "")  # the CSS styles Leaflet's popups, once Leaflet is there
    assert "leaflet" not in tags.lower() and "MarkerCluster" not in tags
    preloads = re.findall(r'<link rel="preload"[^>]*>', head)
    assert len(preloads) == 1 and 'as="fetch"' in preloads[0] and "reports.geojson" in preloads[0], preloads
    # The one script is small and deferred; it names Leaflet's files for after the paint.
    scripts = re.findall(r"<script [^>]*>", head)
    assert len(scripts) == 1 and " defer" in scripts[0] and "reports_map" in scripts[0], scripts
    _html, _head, box = head_and_map(client, "/th/reports/")
    assert [name for name in box["data-scripts"].split() if "leaflet" in name.lower()] and box["data-css"]


def test_other_pages_link_the_stylesheet_and_allow_no_inline_style(client, places):
    response = client.get("/th/reports/BSR-69-0-0/")  # not found: the site's ordinary page
    html = response.content.decode()
    assert '<link rel="stylesheet" href="/static/css/portal' in html and "<style>" not in html
    assert response["Content-Security-Policy"] == public_policy()


def drawn_reports(html):
    """{'clusters': [count, …], 'pins': n, 'view': …} of the server's drawing of the first view."""
    [svg] = re.findall(r"<svg class=\"reports-map-first\".*?</svg>", html, re.S)
    return {
        "clusters": [int(n) for n in re.findall(r"<text [^>]*>(\d+)</text>", svg)],
        "pins": len(re.findall(r'<path class="first-view-pin"', svg)),
        "tiles": re.findall(r'<image data-href="([^"]+)"', svg),
        "title": re.search(r"<title [^>]*>([^<]+)</title>", svg).group(1),
    }


def test_the_first_view_is_drawn_in_the_page_where_leaflet_will_draw_it(client, places):
    """Reports near each other are one numbered group, a lone one a pin; every report of the
    first box is drawn (the same reports the preloaded GeoJSON names), and the map opens at the
    drawing's centre and zoom."""
    near = [report(places, latitude=Decimal(f"18.7000{n}"), longitude=Decimal("98.90000")) for n in range(4)]
    alone = report(places, latitude=Decimal("18.72000"), longitude=Decimal("98.93000"))
    html, _head, box = head_and_map(client, "/th/reports/")
    drawn = drawn_reports(html)
    assert drawn["clusters"] == [len(near)] and drawn["pins"] == 1
    assert "5" in drawn["title"]  # "5 reports", the drawing's name for screen readers
    features = client.get(box["data-first"]).json()["features"]
    assert {f["properties"]["ref"] for f in features} == {c.reference for c in [*near, alone]}
    latitude, longitude, zoom = box["data-view"].split(",")
    assert 18.70 < float(latitude) < 18.72 and 98.90 < float(longitude) < 98.93 and int(zoom) <= 16
    # The tiles under it, named as Leaflet names them, for the script to fetch after the paint.
    assert drawn["tiles"] and all(
        re.fullmatch(rf"https://tile\.openstreetmap\.org/{zoom}/\d+/\d+\.png", t) for t in drawn["tiles"]
    )
    assert not re.search(r"\shref=", html.split("<svg", 1)[1].split("</svg>")[0])  # no tile fetched before the paint


def test_no_reports_no_drawing(client, places):
    html, _head, box = head_and_map(client, "/th/reports/")
    assert '<svg class="reports-map-first"' not in html and "data-view" not in box


def test_the_projection_is_leaflets():
    # Leaflet's L.CRS.EPSG3857: the world is 256 px at zoom 0, (0, 0) in its middle.
    assert first_view.world_pixel(0, 0, 0) == pytest.approx((128, 128))
    x, y = first_view.world_pixel(18.7883, 98.9853, 14)
    assert (int(x // 256), int(y // 256)) == (12696, 7321)  # OpenStreetMap's tile of Chiang Mai at z14
    assert first_view.unproject(x, y, 14) == pytest.approx((18.7883, 98.9853))
    # A pole's latitude is clamped like Leaflet's, never a math error.
    assert first_view.world_pixel(90, 0, 1)[1] == pytest.approx(0, abs=1e-6)


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


def test_a_filter_left_out_is_left_out_of_the_maps_addresses_too(client, places):
    """A value the page drops (an unknown status) must not reach the GeoJSON, which refuses it."""
    near = report(places)
    _html, _head, box = head_and_map(client, "/th/reports/", status="nonsense", service=str(places["light"].pk))
    assert "nonsense" not in box["data-first"] and f"service={places['light'].pk}" in box["data-first"]
    answer = client.get(box["data-first"])
    assert answer.status_code == 200 and [f["properties"]["ref"] for f in answer.json()["features"]] == [near.reference]
