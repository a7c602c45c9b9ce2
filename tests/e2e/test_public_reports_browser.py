"""The demo's public reports in Chromium at 320 px (issue 18): with JavaScript the map draws the
reports of the visible box as numbered clusters and the list stays below it; without JavaScript
the same reports are a paged list with text locations and working filters; both pass axe with no
serious or critical violation, in Thai and in English."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 640}
# Elements of the page's main part that reach past the right edge of the screen.
WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_map_clusters_the_reports_and_passes_axe(live_site, make_page, language):
    page = make_page(NARROW)
    with page.expect_response(re.compile(r"/reports\.geojson\?")) as answer:
        page.goto(f"{live_site}/{language}/reports/")
    data = answer.value.json()
    assert answer.value.status == 200 and len(data["features"]) > 10
    assert page.locator("#reports-map").is_visible()
    # Near reports are drawn as numbered clusters whose numbers add up to what was loaded.
    page.wait_for_selector(".report-cluster")
    counts = [int(text) for text in page.locator(".report-cluster span").all_inner_texts()]
    singles = page.locator(".leaflet-marker-icon:not(.report-cluster)").count()
    assert counts and sum(counts) + singles == len(data["features"])
    # The server's drawing of the first view is gone once Leaflet's markers are in.
    assert page.locator("[data-first-view]").count() == 0
    # Each group's number sits in the middle of its circle.
    for icon in page.locator(".report-cluster").all():
        circle, number = icon.bounding_box(), icon.locator("span").bounding_box()
        assert abs((circle["x"] + circle["width"] / 2) - (number["x"] + number["width"] / 2)) <= 2
        assert abs((circle["y"] + circle["height"] / 2) - (number["y"] + number["height"] / 2)) <= 3
    # The list is still there, below the map, with the same reports' pages.
    assert page.locator(".report-list li").count() >= 1
    first = page.locator(".report-list li h3 a").first.get_attribute("href")
    assert re.fullmatch(rf"/{language}/reports/[A-Z]+-\d+-[0-9A-Z]+-[0-9A-Z]/", first)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert_accessible(page)
    # Opening a cluster zooms in: fewer reports in view, never an error.
    page.locator(".report-cluster").first.click()
    page.wait_for_timeout(800)
    assert page.locator("[data-reports-map-status]").inner_text() in (
        "",
        page.locator("[data-reports-map-status]").get_attribute("data-capped"),
    )
    # A report's popup (built when opened) names its service and links to its page.
    singles = page.locator(".leaflet-marker-icon:not(.report-cluster)")
    for _ in range(8):
        if singles.count():
            break
        page.locator(".report-cluster").first.click()
        page.wait_for_timeout(800)
    singles.first.click()
    link = page.locator(".leaflet-popup-content a")
    link.wait_for()
    assert re.fullmatch(rf"/{language}/reports/[A-Z]+-\d+-[0-9A-Z]+-[0-9A-Z]/", link.get_attribute("href"))
    assert page.locator(".leaflet-popup-content strong").inner_text().strip()


def test_before_leaflet_arrives_the_server_drawn_first_view_shows_the_reports(live_site, make_page):
    """On a slow link Leaflet comes a second later, or never (blocked, offline): the map's first
    view, drawn by the server into the page, shows the reports' groups meanwhile, styled by the
    CSS the page carries itself (its Content-Security-Policy allows it by hash)."""
    page = make_page(NARROW)
    page.route(re.compile(r"leaflet", re.I), lambda route: route.abort())
    with page.expect_response(re.compile(r"/reports\.geojson\?")) as answer:
        page.goto(f"{live_site}/th/reports/")
    features = answer.value.json()["features"]
    drawing = page.locator("[data-first-view]")
    expect(drawing).to_be_visible()
    # At its own pixel size, as Leaflet will draw the same view, not shrunk to the phone's width.
    assert drawing.bounding_box()["width"] == pytest.approx(float(drawing.get_attribute("width")), abs=0.5)
    counts = [int(n) for n in drawing.locator(".first-view-cluster text").all_text_contents()]
    pins = drawing.locator(".first-view-pin").count()
    assert counts and 0 < sum(counts) + pins <= len(features)
    # The inline CSS applied: the header is the site's green, the numbers white on green.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") == "rgb(11, 93, 59)"
    )
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.first-view-cluster circle')).fill")
        == "rgb(11, 93, 59)"
    )
    # The drawing's tiles were given their addresses by the script, after the first paint.
    assert all(drawing.locator("image").evaluate_all("tiles => tiles.map(t => t.getAttribute('href'))"))
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert_accessible(page)


def test_without_javascript_the_list_is_paged_and_filtered(live_site, make_page):
    page = make_page(NARROW, javascript=False)
    page.goto(f"{live_site}/th/reports/")
    assert not page.locator("#reports-map").is_visible()  # the map section stays hidden
    cards = page.locator(".report-list li")
    assert cards.count() == 20
    text = page.locator(".report-list").inner_text()
    assert "สถานที่" in text and re.search(r"25\d\d", text)  # text locations, Buddhist-Era years
    assert page.locator(".pagination a[rel=next]").count() == 1
    page.select_option("#report-status", "resolved")
    with page.expect_navigation():
        page.locator(".report-filters button[type=submit]").click()
    assert "status=resolved" in page.url
    statuses = page.locator(".report-list .report-status").all_inner_texts()
    assert statuses and set(statuses) == {statuses[0]}
    # A report's own page: its public timeline, no name or phone.
    page.locator(".report-list li h3 a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text()
    assert page.locator(".report-timeline li").count() >= 1
    assert not re.search(r"0[689]\d{8}", page.locator("main").inner_text())  # no phone number
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    # axe needs JavaScript in the page it checks (it hangs without it): the same filtered list
    # and report page, checked in a page that runs it.
    checked = make_page(NARROW)
    for url in (f"{live_site}/th/reports/?status=resolved&page=2", page.url):
        checked.goto(url)
        assert_accessible(checked)


def test_large_text_keeps_the_list_inside_the_screen(live_site, make_page):
    page = make_page(NARROW, javascript=False)
    page.goto(f"{live_site}/en/reports/")
    # Through the CSSOM: the page's Content-Security-Policy refuses an injected <style>.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    wider = page.evaluate(WIDER_THAN_THE_SCREEN)
    assert not wider, wider
    assert page.locator(".report-list li").first.is_visible()
