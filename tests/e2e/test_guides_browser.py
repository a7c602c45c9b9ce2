"""Browser journey: home → category → guide → download a blank form, in Thai and in English,
by keyboard-free clicks on what a resident sees, with axe checks on each page."""

import pytest

from tests.browser import VIEWPORTS, assert_accessible

pytestmark = pytest.mark.browser

JOURNEY = {
    "th": {
        "catalogue": "บริการประชาชน",
        "category": "ก่อสร้างและที่ดิน",
        "guide": "ขออนุญาตก่อสร้างอาคาร",
        "documents": "เอกสารที่ต้องใช้",
    },
    "en": {
        "catalogue": "Services",
        "category": "Building and land",
        "guide": "Building, alteration or demolition permit",
        "documents": "Documents to bring",
    },
}


@pytest.mark.parametrize("language", ["th", "en"])
def test_home_to_category_to_guide_to_downloaded_form(live_site, make_page, language):
    words = JOURNEY[language]
    page = make_page(VIEWPORTS["phone"])
    page.goto(f"{live_site}/{language}/")
    page.get_by_role("navigation", name="เมนูหลัก" if language == "th" else "Main menu").get_by_role(
        "link", name=words["catalogue"]
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name=words["category"]).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == words["category"]
    assert_accessible(page)
    page.get_by_role("link", name=words["guide"]).first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(words["guide"])
    assert page.get_by_role("heading", name=words["documents"]).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    assert_accessible(page)
    link = page.locator("#forms-heading + .form-list a.form-link").first
    assert link.get_attribute("download") is not None  # the browser saves it instead of leaving the guide
    response = page.request.get(live_site + link.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF-")
    assert response.headers["content-type"] == "application/pdf"


@pytest.mark.parametrize("language", ["th", "en"])
def test_search_news_and_library_pages_are_accessible(live_site, make_page, language):
    page = make_page(VIEWPORTS["desktop"])
    query = "ขยะ" if language == "th" else "garbage"
    page.goto(f"{live_site}/{language}/search/?q={query}")
    assert page.locator(".result").count() >= 1
    assert_accessible(page)
    page.goto(f"{live_site}/{language}/news/")
    page.locator(".news-list a").first.click()
    assert_accessible(page)
    page.goto(f"{live_site}/{language}/downloads/?category=taxes")
    assert page.locator(".library-table tbody tr").count() >= 2
    assert_accessible(page)
