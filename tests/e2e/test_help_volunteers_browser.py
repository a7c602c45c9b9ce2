"""Issue 22, item 2 on a 320-pixel phone without JavaScript: from an e-form's "Need help?" box a
resident follows "Find a volunteer in your community" to the demo's volunteers by community, and
calls one (a tel: link). The volunteer who withdrew is not there; the Burmese page names the
communities in English. axe finds nothing serious, and nothing is wider than the screen."""

import pytest

from tests.browser import assert_accessible

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], page.url


def test_from_the_forms_help_box_to_a_volunteer_of_the_community(live_site, make_page):
    page = make_page(NARROW, javascript=False)
    page.goto(f"{live_site}/f/complaint-form")
    box = page.locator("aside.need-help")
    box.get_by_role("link", name="หาอาสาสมัครในชุมชนของคุณ").click()
    assert page.get_by_role("heading", level=1).inner_text() == "อาสาสมัครแต่ละชุมชน"
    riverside = page.get_by_role("region", name="ชุมชนริมน้ำ")
    assert "ป้าสมศรี ใจดี (อสม.)" in riverside.inner_text()
    assert riverside.get_by_role("link", name="086-000-0102").get_attribute("href") == "tel:0860000102"
    assert "นางสาวเก่ง ขยันดี" not in page.content()  # withdrew: never shown
    fits(page)
    assert_accessible(page)

    page.goto(f"{live_site}/my/help/volunteers/")
    assert page.get_by_role("region", name="Rim Nam Community").is_visible()
    fits(page)
    assert_accessible(page)
