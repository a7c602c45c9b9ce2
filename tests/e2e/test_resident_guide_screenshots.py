"""The resident's guide "How to use the online services" (issue 22, item 2) shows screenshots this
test takes: a resident on a 360 px phone finds a service, fills the complaint form step by step,
attaches a photo, saves and resumes with the code, sends, and tracks the request, in Thai and
in English, with the "Need help?" box on every step and no serious or critical axe violation.

Each screenshot is saved where the guide serves it from (static/help/guide/<language>/<name>.png,
committed so a fresh checkout shows them). What changes from run to run (the reference, the QR
code, the resume code, today's dates) is replaced by fixed sample text, or covered, before the
picture is taken; an image is then overwritten only when it differs from the committed one by
more than `CHANGED` of its pixels (by more than `TOLERANCE` in a colour channel, which absorbs
font anti-aliasing), so a run on an unchanged site leaves the tree clean and a changed screen
replaces its picture in the same run.
"""

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import expect

from services.help.views import SCREENSHOTS
from tests.browser import ROOT, VIEWPORTS, assert_accessible
from tests.e2e.test_forms_browser import PHOTO, Phone

pytestmark = pytest.mark.browser

GUIDE_DIR = ROOT / "static" / "help" / "guide"
CHANGED = 0.005  # half a per cent of the pixels
TOLERANCE = 48
# Fixed stand-ins for what differs on every run.
SAMPLE = {
    "th": {"reference": "BSR-2569-A7K3Q", "code": "K7P2MX", "date": "2 ธันวาคม 2569", "time": "2 ธ.ค. 2569 09:30 น."},
    "en": {"reference": "BSR-2569-A7K3Q", "code": "K7P2MX", "date": "2 December 2026", "time": "2 Dec 2026 09:30"},
}
PINS = {"th": {"x": 120, "y": 90}, "en": {"x": 250, "y": 170}}
WORDS = {
    "th": {
        "catalogue": "บริการประชาชน",
        "need_help": "ต้องการความช่วยเหลือ?",
        "guide": "วิธีใช้บริการออนไลน์",
        "continue": "กรอกแบบฟอร์มต่อ",
    },
    "en": {
        "catalogue": "Services",
        "need_help": "Need help?",
        "guide": "How to use the online services",
        "continue": "Continue my form",
    },
}


def pixels_changed(old_png, new_png):
    """The share of pixels that differ by more than TOLERANCE (1.0 when the sizes differ)."""
    old = Image.open(io.BytesIO(old_png)).convert("RGB")
    new = Image.open(io.BytesIO(new_png)).convert("RGB")
    if old.size != new.size:
        return 1.0
    diff = ImageChops.difference(old, new).convert("L").point(lambda value: 255 if value > TOLERANCE else 0)
    return diff.histogram()[255] / (new.size[0] * new.size[1])


def keep(png, path: Path):
    """Write `png` to `path` unless the committed picture already shows the same screen.
    Returns True when it was written."""
    # Fewer colours: a phone screenshot of text stays sharp at a third of the size. Compared
    # after the same reduction, so the committed picture is measured against its like.
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    if path.exists() and pixels_changed(path.read_bytes(), buffer.getvalue()) <= CHANGED:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return True


def steady(page, language):
    """Replace what changes on every run with fixed sample text."""
    sample = SAMPLE[language]
    page.evaluate(
        """(sample) => {
          const set = (selector, text) => document.querySelectorAll(selector).forEach(el => { el.textContent = text; });
          set('.fb-reference, .case-ref', sample.reference);
          set('.fb-code', sample.code);
          set('.fb-resume-link', location.origin + '/d/' + sample.code);
          set('time', sample.time);
          // Only the dates (a dd with a year in it): the service's name sits in a dd too.
          document.querySelectorAll('.case-summary dd:not(:has(*))').forEach(el => {
            if (/(25|20)[0-9][0-9]/.test(el.textContent)) el.textContent = sample.date;
          });
        }""",
        sample,
    )


def shoot(page, language, name, *, focus=None, cover=()):
    """A phone-screen picture of the page, scrolled to `focus`, with `cover` painted over."""
    assert name in SCREENSHOTS
    steady(page, language)
    if focus is not None:
        page.locator(focus).first.evaluate("el => el.scrollIntoView({block: 'start'})")
    else:
        page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("document.fonts.ready")
    masks = [page.locator(selector) for selector in cover]
    png = page.screenshot(animations="disabled", caret="hide", mask=masks, mask_color="#d5d9dd")
    return keep(png, GUIDE_DIR / language / f"{name}.png")


def assert_help_box(page, language):
    help_box = page.locator("aside.need-help")
    # Waits: "Continue" returns once the next page starts loading, not when it has loaded.
    expect(help_box.get_by_role("heading", name=WORDS[language]["need_help"])).to_be_visible()
    assert help_box.locator('a[href^="tel:"]').count() >= 1
    box = help_box.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS["phone"]["width"]


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_guides_screenshots_are_the_journey_it_describes(live_site, make_page, language):
    locale = {"th": "th-TH", "en": "en-GB"}[language]
    page = make_page(VIEWPORTS["phone"], locale=locale)
    written = []

    # Find a service.
    page.goto(f"{live_site}/{language}/")
    menu = page.get_by_role("navigation", name="เมนูหลัก" if language == "th" else "Main menu")
    menu.get_by_role("link", name=WORDS[language]["catalogue"]).click()
    assert_accessible(page)
    written.append(shoot(page, language, "find"))

    # The complaint form, step by step, with the help box on each step.
    page.goto(f"{live_site}/f/complaint-form")
    assert page.url.endswith(f"/{language}/forms/complaint-form/")
    phone = Phone(page, "complaint-form", None)
    assert_help_box(page, language)
    phone.fill("what", category="road", details="ถนนเป็นหลุมลึกหน้าวัด" if language == "th" else "A deep pothole")
    written.append(shoot(page, language, "form"))
    phone.upload("what", "photos", PHOTO)
    written.append(shoot(page, language, "upload", focus='[name$="-photos__upload"]'))
    phone.next()
    assert_help_box(page, language)
    box = page.locator("[data-fb-map]")
    box.wait_for(state="visible")
    # Each language pins its own spot: a pin within 50 m of the other run's complaint would
    # open "Already reported here?" (services.places) instead of the next step.
    box.click(position=PINS[language])
    phone.next()
    if page.locator(".already-reported-list").count():
        # Another browser test of this run reported near the pin: go on with this form.
        with page.expect_navigation():
            page.get_by_role("link", name=WORDS[language]["continue"]).click()
    assert_help_box(page, language)

    # Save and come back with the code.
    page.locator('button[name="wizard_save"]').click()
    code = page.locator(".fb-code").inner_text().strip()
    assert_accessible(page)
    written.append(shoot(page, language, "save"))
    # On another phone, as the guide says: this one's session would open the form where it
    # was left (step 3), and "Continue a form you saved" is offered on the first step only.
    page = make_page(VIEWPORTS["phone"], locale=locale)
    phone.page = page
    page.goto(f"{live_site}/{language}/forms/complaint-form/")
    page.locator("details.fb-resume summary").click()
    page.locator("#fb-resume-code").fill(code)
    page.locator("details.fb-resume button").click()
    phone.fill("who", full_name="สมศรี ใจดี", phone="0812345678", consent="on")
    phone.next()
    assert_help_box(page, language)
    phone.next()

    # The tracking number, then the tracking page.
    reference = page.locator(".fb-reference").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9][A-Z0-9/-]{3,}", reference)
    assert_accessible(page)
    written.append(shoot(page, language, "sent", cover=[".fb-qr"]))
    page.goto(f"{live_site}/t/{reference}")
    assert_help_box(page, language)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    assert_accessible(page)
    written.append(shoot(page, language, "track"))

    # The guide shows the pictures just taken, and is reached from the footer.
    page.goto(f"{live_site}/{language}/")
    page.locator("footer").get_by_role("link", name=WORDS[language]["guide"]).click()
    assert page.get_by_role("heading", level=1).inner_text() == WORDS[language]["guide"]
    for name in SCREENSHOTS:
        image = page.locator(f'img.guide-shot[src$="/help/guide/{language}/{name}.png"]')
        image.scroll_into_view_if_needed()
        assert image.evaluate("img => img.complete && img.naturalWidth") == VIEWPORTS["phone"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    assert_accessible(page)
    print(f"guide screenshots ({language}) rewritten: {sum(written)} of {len(written)}")  # noqa: T201


def test_an_unchanged_screen_is_not_rewritten(tmp_path):
    """The tree stays clean: a picture that differs only by anti-aliasing noise is kept."""
    image = Image.new("RGB", (360, 740), "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path = tmp_path / "shot.png"
    assert keep(buffer.getvalue(), path)
    before = path.read_bytes()
    noisy = image.copy()
    noisy.putpixel((10, 10), (200, 200, 200))  # one pixel: far under CHANGED
    buffer = io.BytesIO()
    noisy.save(buffer, format="PNG")
    assert not keep(buffer.getvalue(), path)
    assert path.read_bytes() == before
    changed = Image.new("RGB", (360, 740), "black")
    buffer = io.BytesIO()
    changed.save(buffer, format="PNG")
    assert keep(buffer.getvalue(), path)
