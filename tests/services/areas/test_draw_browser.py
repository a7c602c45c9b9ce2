"""Drawing an area in the admin (issue 18 §5), in the machine's Chromium against the demo:
the map draws the boundary into the GeoJSON field, the area saves, and the form passes axe.
Without JavaScript the same form is the GeoJSON textarea alone (tests/services/areas/test_admin.py
saves one through it)."""

import pytest

from tests.browser import VIEWPORTS, assert_accessible, staff_sign_in

pytestmark = pytest.mark.browser


def test_an_administrator_draws_a_community_on_the_map_and_saves_it(live_site, make_page):
    page = make_page(VIEWPORTS["desktop"], locale="en-GB")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    staff_sign_in(page, live_site, "admin", then="/admin/snippets/areas/area/add/")
    box = page.locator("[data-area-map]")
    box.wait_for(state="visible")
    assert_accessible(page)
    page.locator("[data-area-action=new]").click()
    bounds = box.bounding_box()
    for dx, dy in ((0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7)):
        page.mouse.click(bounds["x"] + bounds["width"] * dx, bounds["y"] + bounds["height"] * dy)
    shape = page.locator("textarea.area-shape").input_value()
    assert '"type":"Polygon"' in shape and shape.count("[") == 7  # 4 corners, closed: 5 positions
    page.locator("#id_name").fill("ชุมชนที่วาดเอง")
    page.locator("#id_kind").select_option("village")
    page.locator("#id_site").select_option(index=1)
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert "ชุมชนที่วาดเอง" in page.content()
    assert not errors
