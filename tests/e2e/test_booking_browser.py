"""Issue 23's "done when" for queue booking, in Chromium on a phone: a resident books a visit
(without JavaScript, on a 320 px screen, typing the phone in Thai digits), gets a reference, a
queue number and a QR, then moves the booking to another day from its own link; every page
passes axe (no serious or critical violation) and nothing is wider than the screen.

The server is a copy of the demo (gunicorn) of this test's own, with one counter and one service
booked by visit added to its database before the browser opens it.
"""

import os
import subprocess
import sys

import pytest

from tests.browser import ROOT, VIEWPORTS, assert_accessible, demo_server, staff_sign_in

pytestmark = pytest.mark.browser

PHONE_320 = {"width": 320, "height": 640}
SETUP = """
from wagtail.models import Locale, Site
from services.booking.models import BookableService, BookingSettings, Counter
from services.models import ServicePage
site = Site.objects.get(is_default_site=True)
settings = BookingSettings.for_site(site)
settings.open_weekdays = "0123456"
settings.save()
counter = Counter.objects.create(site=site, name="ช่อง 2 งานทะเบียนราษฎร", name_en="Counter 2, civil registration", letter="B")
service = ServicePage.objects.live().descendant_of(site.root_page).filter(locale=Locale.objects.get(language_code="th")).first()
BookableService.objects.create(service=service, counter=counter, note="บัตรประชาชนตัวจริง")
print(service.title)
"""


@pytest.fixture(scope="module")
def booking_site(tmp_path_factory, demo_snapshot, live_site):
    """(base URL, the booked service's title): a copy of the demo with a service booked by visit.
    Asks for `live_site` because that makes the demo snapshot keep a whole database to copy."""
    with demo_server(tmp_path_factory.mktemp("booking_site"), demo_snapshot) as (url, database):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "DATABASE_URL": database.url}
        done = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", SETUP],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        yield url, done.stdout.strip().splitlines()[-1]


def fits(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_resident_books_and_moves_a_visit_on_a_phone(booking_site, make_page):
    base, title = booking_site
    # Without JavaScript: every step is a link or a form.
    page = make_page(PHONE_320, javascript=False)
    page.goto(f"{base}/th/booking/")
    page.get_by_role("link", name=title).click()
    assert "จองคิว" in page.inner_text("h1")
    assert fits(page, PHONE_320["width"])
    days = page.locator(".booking-days a")
    days.nth(1).click()  # tomorrow or later: today's slots may have passed
    page.locator('input[name="slot"]').first.check()
    page.fill("#id_name", "สมศรี ใจดี")
    page.fill("#id_phone", "๐๘๑ ๒๓๔ ๕๖๗๘")  # Thai digits
    with page.expect_navigation():
        page.get_by_role("button", name="จองเวลานี้").click()
    text = page.inner_text("main")
    assert "การจองของท่าน" in text and "B-001" in text
    reference = page.locator("h1 .case-ref").inner_text()
    assert reference.startswith("Q") and len(reference) == 8
    assert page.locator('.booking-qr svg[role="img"]').count() == 1
    assert fits(page, PHONE_320["width"])
    booked_at = page.locator("dl.case-summary").inner_text()
    manage_url = page.url

    # Move it to another day, from the booking's own link.
    page.locator(".booking-days a").nth(2).click()
    page.locator('input[name="slot"]').nth(1).check()
    with page.expect_navigation():
        page.get_by_role("button", name="ย้ายการจอง").click()
    assert "ย้ายการจองแล้ว" in page.inner_text("main")
    assert page.locator("h1 .case-ref").inner_text() == reference
    assert page.locator("dl.case-summary").inner_text() != booked_at

    # The same pages with JavaScript, for axe, on the suite's phone and at 320 px.
    for viewport in (VIEWPORTS["phone"], PHONE_320):
        checked = make_page(viewport)
        for path in ("/th/booking/", manage_url.removeprefix(base), "/en/booking/"):
            checked.goto(f"{base}{path}")
            assert fits(checked, viewport["width"]), path
            assert_accessible(checked)
        checked.goto(f"{base}/th/booking/")
        checked.get_by_role("link", name=title).click()
        assert_accessible(checked)


def test_counter_staff_run_the_queue_on_a_phone(booking_site, make_page):
    """The day list reads on a phone: mark a walk-in's ticket printed into the same queue, served."""
    base, _title = booking_site
    officer = make_page(VIEWPORTS["phone"])
    staff_sign_in(officer, base, "admin", then="/admin/booking/")
    assert "ช่อง 2 งานทะเบียนราษฎร" in officer.inner_text("body")
    # The demo's own counters come first (ช่อง 1 is A): this test's civil registration counter (B).
    counter = officer.locator("#id_counter option", has_text="ช่อง 2 งานทะเบียนราษฎร").get_attribute("value")
    officer.select_option("#id_counter", value=counter)
    with officer.expect_navigation():
        officer.get_by_role("button", name="แสดง", exact=True).click()
    with officer.expect_navigation():
        officer.get_by_role("button", name="พิมพ์บัตรคิว").click()
    number = officer.locator(".booking-number").inner_text()
    assert number.startswith("B-")
    assert officer.locator('svg[role="img"]').count() == 1
    assert fits(officer, VIEWPORTS["phone"]["width"])
    assert_accessible(officer)
    officer.get_by_role("link", name="กลับไปที่คิวของช่องบริการ").click()
    card = officer.locator(".booking-card", has_text=number)
    with officer.expect_navigation():
        card.get_by_role("button", name="รับบริการแล้ว").click()
    assert "รับบริการแล้ว" in officer.locator(".booking-card", has_text=number).inner_text()
    assert fits(officer, VIEWPORTS["phone"]["width"])
