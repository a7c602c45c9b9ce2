"""The language switch on /t/<REFERENCE> (issue 14, item 3).

The tracking page sits outside the language prefix (receipts' QR codes lead there), so it
followed only the browser's Accept-Language, and its "English"/"ไทย" links pointed to itself.
The switch now posts to Django's set_language, which keeps the choice in the language cookie.
"""

import pytest

from services.cases.demo import showcase_reference
from tests.browser import VIEWPORTS, assert_accessible
from tests.services.cases.support import make_world, submit


@pytest.mark.django_db
def test_switching_to_thai_on_the_tracking_page_sticks_and_en_track_stays_english(client, home_th):
    world = make_world(home_th)
    case, _ = submit(world["form"])
    track = f"/t/{case.reference}"
    english = client.get(track, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "We have your request" in english
    # The "ไทย" switch is a button posting to set_language, coming back to this page.
    assert 'action="/i18n/setlang/"' in english and f'name="next" value="{track}"' in english
    assert 'name="language" value="th"' in english

    response = client.post("/i18n/setlang/", {"language": "th", "next": track}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == track
    for _reload in range(2):
        thai = client.get(track, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "ได้รับเรื่องของคุณแล้ว" in thai and '<html lang="th">' in thai
    # The prefixed page keeps its own language whatever the cookie says.
    assert '<html lang="en">' in client.get("/en/track/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.browser
def test_grandmother_with_an_english_phone_gets_thai_on_the_tracking_page(live_site, make_page):
    reference = showcase_reference("in_progress")
    page = make_page(VIEWPORTS["phone"], locale="en-US")  # JavaScript only for axe
    page.goto(f"{live_site}/t/{reference}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Your request" in page.inner_text("h1")

    page.get_by_role("button", name="ไทย").click()
    page.wait_for_load_state()
    assert page.url == f"{live_site}/t/{reference}"
    assert page.locator("html").get_attribute("lang") == "th"
    assert "เรื่องของคุณ" in page.inner_text("h1")
    page.reload()
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.get_by_role("button", name="English").is_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]

    page.goto(f"{live_site}/en/track/")
    assert page.locator("html").get_attribute("lang") == "en"
    # And back: the English switch on the tracking page works the same way.
    page.goto(f"{live_site}/t/{reference}")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
