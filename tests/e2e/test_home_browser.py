import pytest

from tests.browser import VIEWPORTS, assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_home_page_is_accessible_at_phone_and_desktop_width(live_site, make_page, language, size):
    page = make_page(VIEWPORTS[size])
    page.goto(f"{live_site}/{language}/")
    assert page.locator("html").get_attribute("lang") == language
    # Nothing wider than the screen: a 360 px phone never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[size]["width"]
    assert_accessible(page)


def test_language_switcher_and_skip_link_work_by_keyboard(live_site, make_page):
    page = make_page(javascript=False)
    page.goto(f"{live_site}/th/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.get_by_role("link", name="English").click()
    assert page.url.endswith("/en/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ban Suan Rim Nam Subdistrict Municipality"
