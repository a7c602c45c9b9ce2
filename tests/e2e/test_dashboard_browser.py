"""The public dashboard in a real browser, on the demo municipality's year of cases: readable at
320px without JavaScript, charts with their tables, one service picked with the form, axe clean."""

import pytest

from tests.browser import VIEWPORTS, assert_accessible

pytestmark = pytest.mark.browser


def test_dashboard_on_a_small_phone_without_javascript(live_site, make_page):
    page = make_page({"width": 320, "height": 640}, javascript=False)
    page.goto(f"{live_site}/th/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "ผลการให้บริการ"
    assert int(page.locator('[data-figure="received"]').inner_text()) > 0
    assert page.locator("svg.chart").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # The numbers behind a chart open without JavaScript.
    page.locator("main details summary").first.click()  # the header has the reading options
    assert page.locator("table caption").first.is_visible()
    page.get_by_label("เลือกดูเฉพาะบริการ").select_option(label="แจ้งซ่อมไฟฟ้าสาธารณะ")
    page.get_by_role("button", name="แสดง").click()
    assert "service=streetlight-repair" in page.url
    assert "แจ้งซ่อมไฟฟ้าสาธารณะ" in page.locator("#summary").inner_text()
    # axe needs JavaScript in the page it checks (it hangs on this page without it).
    checked = make_page({"width": 320, "height": 640})
    checked.goto(page.url)
    assert_accessible(checked)


def test_dashboard_in_english_on_desktop_and_open_data(live_site, make_page):
    page = make_page(VIEWPORTS["desktop"])
    page.goto(f"{live_site}/en/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "How fast we handle requests"
    assert_accessible(page)
    page.get_by_role("link", name="What each column means (data dictionary)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Open data: what each column means"
    assert_accessible(page)
