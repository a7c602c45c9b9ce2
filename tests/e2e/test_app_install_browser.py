"""Issue 22, items 3 and 4 in a real Chromium: the portal installs to a phone's home screen
(Chromium's own installability check), its service worker shows the office's phone when the
network is gone and keeps no personal page; the reading options work and stay accessible; the
"listen" button appears only where the browser has a voice for the page's language."""

import json

import pytest

from services.cases.demo import showcase_reference
from tests.browser import CHROMIUM_ARGS, VIEWPORTS, assert_accessible, chromium_path

pytestmark = pytest.mark.browser

DEMO_PHONE = "0 5312 3456"
GUIDE = "/{language}/services/building-permit/"


def controlled(page):
    """Wait until the service worker is active and controls the page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_the_manifest_passes_chromiums_installability_check(live_site, browser, tmp_path):
    # A profile of its own: Chromium never offers to install from an incognito window, and
    # Playwright's ordinary contexts are incognito ("in-incognito" would be the only error).
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile",
        executable_path=chromium_path(),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=VIEWPORTS["phone"],
        locale="th-TH",
    )
    try:
        page = context.new_page()
        page.goto(f"{live_site}/th/")
        controlled(page)
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"].endswith("/th/manifest.webmanifest")
        assert not manifest.get("errors"), manifest.get("errors")
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
    finally:
        context.close()


def test_offline_after_a_first_visit_shows_how_to_reach_the_office(live_site, make_page):
    page = make_page(VIEWPORTS["phone"])
    page.goto(f"{live_site}/th/")
    controlled(page)
    page.context.set_offline(True)
    page.goto(f"{live_site}/th/news/")  # never visited: not kept, so the offline page answers
    assert page.get_by_role("heading", level=1).inner_text() == "เปิดหน้านี้ไม่ได้ในขณะนี้"
    phone = page.get_by_role("link", name=DEMO_PHONE)
    assert phone.get_attribute("href") == "tel:053123456"
    # Its stylesheet was kept too: the header is the office's green, not unstyled.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") == "rgb(11, 93, 59)"
    )
    assert_accessible(page)
    page.goto(f"{live_site}/en/services/")
    assert page.get_by_role("heading", level=1).inner_text() == "The page cannot be opened right now"
    assert page.get_by_role("link", name=DEMO_PHONE).is_visible()
    page.context.set_offline(False)
    page.goto(f"{live_site}/en/services/")
    assert page.get_by_role("heading", level=1).inner_text() != "The page cannot be opened right now"


def test_personal_pages_are_never_kept_by_the_service_worker(live_site, make_page):
    page = make_page(VIEWPORTS["phone"])
    page.goto(f"{live_site}/th/")
    controlled(page)
    reference = showcase_reference("in_progress")
    for path in (f"/t/{reference}", "/th/track/", "/f/complaint-form", "/th/accounts/login/", "/admin/login/"):
        page.goto(f"{live_site}{path}")
    kept = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
            }
            return urls;
        }"""
    )
    offline_pages = [f"/{code}/offline/" for code in ("th", "en", "my", "km", "lo")]
    assert sorted(kept) == sorted([*offline_pages, "/static/css/portal.css"]), kept
    # Offline, the tracking page is not there to be read: only the offline page is.
    page.context.set_offline(True)
    page.goto(f"{live_site}/t/{reference}")
    assert page.get_by_role("heading", level=1).inner_text() == "เปิดหน้านี้ไม่ได้ในขณะนี้"
    assert reference not in page.content()


def test_the_site_works_without_javascript(live_site, make_page):
    page = make_page(VIEWPORTS["phone"], javascript=False)
    page.goto(f"{live_site}/th/")
    assert page.locator('link[rel="manifest"]').count() == 1
    page.get_by_text("ตัวเลือกการอ่าน").click()
    with page.expect_navigation():
        page.get_by_role("button", name="ตัวอักษรใหญ่ขึ้น").click()
    assert page.url == f"{live_site}/th/"
    assert page.locator("html").get_attribute("class") == "text-large"
    assert page.locator("[data-listen]").count() == 0  # only on guides and tracking


READING_MODES = ["size-large", "contrast-high", "size-large.contrast-high"]


@pytest.mark.parametrize("mode", READING_MODES)
@pytest.mark.parametrize("language", ["th", "en"])
def test_pages_are_accessible_in_each_reading_mode(live_site, make_page, mode, language):
    page = make_page(VIEWPORTS["phone"])
    page.context.add_cookies([{"name": "reading", "value": mode, "url": live_site}])
    reference = showcase_reference("in_progress")
    for path in (f"/{language}/", GUIDE.format(language=language), f"/{language}/offline/", f"/t/{reference}"):
        page.goto(f"{live_site}{path}")
        for css in ("text-large" if "size-large" in mode else None, "contrast-high" if "contrast" in mode else None):
            if css:
                assert css in page.locator("html").get_attribute("class")
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"], path
        assert_accessible(page)


def test_larger_text_at_320_px_and_200_percent_never_scrolls_sideways(live_site, make_page):
    page = make_page({"width": 320, "height": 640})
    page.context.add_cookies([{"name": "reading", "value": "size-large.contrast-high", "url": live_site}])
    reference = showcase_reference("in_progress")
    for path in ("/th/", GUIDE.format(language="th"), "/th/offline/", f"/t/{reference}", "/en/"):
        page.goto(f"{live_site}{path}")
        if page.locator("details.reading-options").count():  # not on the offline page
            page.locator("details.reading-options").evaluate("details => details.open = true")
        # Text at 200% of the usual size, on top of the larger text option.
        page.evaluate("document.documentElement.style.fontSize = '225%'")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width}px wide at 200% text"


VOICES = """
    (voices) => {
        window.__spoken = [];
        Object.defineProperty(window.speechSynthesis, "getVoices", { value: () => voices, configurable: true });
        Object.defineProperty(window.speechSynthesis, "speak", {
            value: (utterance) => window.__spoken.push({ text: utterance.text, lang: utterance.lang }),
            configurable: true,
        });
    }
"""


def with_voices(page, voices):
    page.add_init_script(f"({VOICES})({json.dumps(voices)})")


def test_listen_is_hidden_when_the_browser_has_no_voice_for_the_language(live_site, make_page):
    page = make_page(VIEWPORTS["phone"])
    with_voices(page, [{"lang": "en-US", "name": "English", "default": True}])
    page.goto(f"{live_site}{GUIDE.format(language='th')}")
    page.wait_for_load_state("load")
    assert page.locator("[data-listen]").count() == 1
    assert page.locator(".listen-button").is_hidden()
    assert_accessible(page)


@pytest.mark.parametrize(
    ("language", "label", "voice"), [("th", "ฟังหน้านี้", "th-TH"), ("en", "Listen to this page", "en_GB")]
)
def test_listen_reads_the_guide_aloud_in_its_language(live_site, make_page, language, label, voice):
    page = make_page(VIEWPORTS["phone"])
    with_voices(page, [{"lang": "fr-FR", "name": "French"}, {"lang": voice, "name": "Reader"}])
    page.goto(f"{live_site}{GUIDE.format(language=language)}")
    button = page.get_by_role("button", name=label)
    button.wait_for(state="visible")
    assert_accessible(page)
    button.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken, "nothing was spoken"
    assert all(item["lang"] == voice for item in spoken)
    heading = page.get_by_role("heading", level=1).inner_text().strip()
    assert spoken[0]["text"] == heading  # the main content, from its heading on (not the button)
    assert any(len(item["text"]) > 40 for item in spoken)  # the guide's text, not only headings
    toggle = page.locator(".listen-button")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert toggle.inner_text() != label  # now "stop"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false" and toggle.inner_text() == label


def test_listen_is_offered_on_the_tracking_page(live_site, make_page):
    page = make_page(VIEWPORTS["phone"])
    with_voices(page, [{"lang": "th-TH", "name": "Thai"}])
    page.goto(f"{live_site}/t/{showcase_reference('in_progress')}")
    button = page.get_by_role("button", name="ฟังหน้านี้")
    button.wait_for(state="visible")
    button.click()
    assert page.evaluate("window.__spoken.length") > 0


def test_listen_stays_hidden_without_javascript(live_site, make_page):
    page = make_page(VIEWPORTS["phone"], javascript=False)
    page.goto(f"{live_site}{GUIDE.format(language='en')}")
    assert page.locator("[data-listen]").count() == 1
    assert page.locator(".listen-button").is_hidden()
