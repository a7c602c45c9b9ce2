"""A volunteer on a 360 px phone (issue 14, item 6): signs in on the public site, reads the
requests she filed (one reference per line, the resident's name shown), and signs out with the
button in the header (the logout URL takes a POST, so a link could not do it)."""

import pytest

from tests.browser import VIEWPORTS, assert_accessible


@pytest.mark.browser
def test_volunteer_on_a_phone_reads_her_list_and_signs_out(live_site, make_page):
    page = make_page(VIEWPORTS["phone"])
    page.goto(f"{live_site}/th/accounts/login/")
    page.fill("#id_username", "volunteer")
    page.fill("#id_password", "portal-demo-2569")
    with page.expect_navigation():
        page.locator('main button[type="submit"]').click()
    page.goto(f"{live_site}/th/accounts/my-cases/")
    rows = page.locator("table.my-cases tbody tr")
    assert rows.count() > 0
    # Each reference on one line, the resident's name shown, nothing wider than the phone.
    ref = rows.first.locator("a.ref")
    line = float(ref.evaluate("a => parseFloat(getComputedStyle(a).lineHeight)"))
    assert ref.bounding_box()["height"] < line * 1.5
    assert rows.first.locator('td[data-label="ยื่นแทน"]').inner_text().strip() not in ("", "–")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    assert_accessible(page)

    sign_out = page.get_by_role("button", name="ออกจากระบบ")
    assert sign_out.is_visible()
    with page.expect_navigation():
        sign_out.click()
    assert page.get_by_role("button", name="ออกจากระบบ").count() == 0
    page.goto(f"{live_site}/th/accounts/my-cases/")
    assert "/accounts/login/" in page.url
