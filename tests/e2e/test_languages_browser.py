"""Issue 22, "Done when": a migrant worker files the complaint e-form in Burmese on a phone, then
follows it in Khmer, with no serious or critical axe violation on the way. Each page is in its
language (the `lang` attribute, the script of its words) and draws the script with the portal's
own Noto font, linked on that language's pages only."""

import re

import pytest

from tests.browser import VIEWPORTS, assert_accessible
from tests.e2e.test_forms_browser import PHOTO, Phone

pytestmark = pytest.mark.browser

MYANMAR = re.compile("[\u1000-\u109f]")
KHMER = re.compile("[\u1780-\u17ff]")
THAI = re.compile("[\u0e00-\u0e7f]")


def in_script(page, script, family):
    """The page's language, that most of its main text is in `script`, and that the browser drew
    it with the self-hosted `family` (loaded, not a system font of the same name)."""
    main = page.inner_text("main")
    letters = [ch for ch in main if ch.isalpha()]
    share = sum(1 for ch in letters if script.match(ch)) / max(len(letters), 1)
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate(
        """family => [...document.fonts].some(f => f.family.replace(/"/g, "") === family && f.status === "loaded")""",
        family,
    )
    return page.evaluate("document.documentElement.lang"), share, loaded


def test_a_complaint_filed_in_burmese_and_followed_in_khmer(live_site, make_page):
    page = make_page(VIEWPORTS["phone"], javascript=False, locale="my-MM")
    auditor = make_page(VIEWPORTS["phone"], javascript=True, locale="my-MM")
    page.goto(f"{live_site}/my/")
    page.locator('.lang-switch [lang="my"]').first.wait_for()
    # The form itself, not a page in Burmese saying it is not there (the translated parents'
    # child counts once made this a 404, which passed the language checks below).
    assert page.goto(f"{live_site}/my/forms/complaint-form/").status == 200
    language, share, loaded = in_script(page, MYANMAR, "Noto Sans Myanmar")
    assert (language, loaded) == ("my", True)
    assert share > 0.5, page.inner_text("main")
    # The answers to choose from are in Burmese too (an option's translation is found by its id).
    main = page.inner_text("main")
    assert "လမ်း သို့မဟုတ် လူသွားလမ်း ပျက်စီး" in main and "ถนน ทางเท้าชำรุด" not in main, main
    assert page.locator('link[href*="fonts-my.css"]').count() == 1
    assert page.locator('link[href*="fonts-km.css"]').count() == 0

    phone = Phone(page, "complaint-form", auditor)
    phone.fill("what", category="road", details="ဘုန်းကြီးကျောင်းရှေ့ လမ်းပေါ်တွင် တွင်းကြီး ရှိသည်")
    phone.upload("what", "photos", PHOTO)
    phone.next()
    assert MYANMAR.search(page.get_by_role("heading", level=1).inner_text())
    phone.fill("where", location__text="ဘုန်းကြီးကျောင်းရှေ့ ဆိုး 3")
    phone.next()
    phone.fill("who", full_name="မောင်မောင်", phone="0812345678", consent="on")
    phone.next()
    # The answers to check, in Burmese, as typed.
    assert "မောင်မောင်" in page.inner_text("main") and "photo.jpg" in page.inner_text("main")
    assert page.evaluate("document.documentElement.lang") == "my"
    phone.next()
    reference = page.locator(".fb-reference").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9][A-Z0-9/-]{3,}", reference), reference
    language, share, loaded = in_script(page, MYANMAR, "Noto Sans Myanmar")
    assert (language, loaded) == ("my", True) and share > 0.5, page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    phone.audit()

    # Another phone, set to Thai: the Khmer tracking box, then the case page in Khmer by the
    # switcher (a form post: /t/<REF> has no language prefix), without JavaScript.
    other = make_page(VIEWPORTS["phone"], javascript=False, locale="th-TH")
    other.goto(f"{live_site}/km/track/")
    assert other.evaluate("document.documentElement.lang") == "km"
    other.locator('input[name="ref"]').fill(reference)
    with other.expect_navigation():
        other.locator('input[name="ref"]').press("Enter")
    assert f"/t/{reference}" in other.url
    with other.expect_navigation():
        other.locator('.lang-switch button[lang="km"]').click()
    assert f"/t/{reference}" in other.url
    main = other.inner_text("main")
    assert reference in main
    assert other.evaluate("document.documentElement.lang") == "km"
    khmer = [ch for ch in main if KHMER.match(ch)]
    assert len(khmer) > 20 and not THAI.search(other.locator("h1").inner_text()), main
    assert other.locator('link[href*="fonts-km.css"]').count() == 1
    assert other.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", other.content(), flags=re.S)
    auditor.set_content(html.replace("<head>", f'<head><base href="{other.url}">', 1), wait_until="load")
    assert_accessible(auditor)
