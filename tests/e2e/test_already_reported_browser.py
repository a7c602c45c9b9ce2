"""Issue 18's "done when", in Chromium on a 320 px phone without JavaScript: a resident reports a
dark streetlight; a neighbour files the streetlight form at the same spot, is shown "already
reported here" (axe: no serious or critical violation), follows the existing report instead of
filing a new one, and when the works officer marks it fixed through the case page, the
neighbour's "fixed" e-mail arrives by real SMTP with an unfollow link that works.

The server under test is the browser tests' own (a copy of the demo, gunicorn), with e-mail sent
by SMTP to a server this test runs (the browser tests' shared server keeps e-mail in memory).
"""

import re
import sqlite3
import time
from urllib.parse import urlsplit

import pytest

from tests.browser import assert_accessible, mail_demo_server, staff_sign_in

pytestmark = pytest.mark.browser

PHONE_320 = {"width": 320, "height": 640}
# A spot of the demo town with no demo report near it (the demo's reports lie within its communities).
LAT, LNG = "18.701000", "98.901000"
NEIGHBOUR = "neighbour.follow@example.com"


@pytest.fixture(scope="module")
def mail_site(tmp_path_factory, demo_snapshot, live_site):
    """(base URL, SMTP server, database): a gunicorn on a copy of the demo that sends its e-mail
    by SMTP to a server of this test. Asks for `live_site` (the shared server of every browser
    test) because that is what makes the demo snapshot keep a whole database to copy."""
    with mail_demo_server(tmp_path_factory.mktemp("mail_site"), demo_snapshot) as (url, database, smtp):
        yield url, smtp, database


def cases_at(database, lat):
    """How many cases the site holds at the spot (read from its database, SQLite or PostgreSQL)."""
    if database.config is None:
        path = database.url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT COUNT(*) FROM services_case WHERE latitude = ?", [lat]).fetchone()[0]
    import psycopg

    config = database.config
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"],
        dbname=database.name,
    ) as conn:
        return conn.execute("SELECT COUNT(*) FROM services_case WHERE latitude = %s", [lat]).fetchone()[0]


def pin_the_light(page, site):
    page.goto(f"{site}/th/forms/streetlight-repair-form/")
    page.locator('[name$="-problem"][value="off"]').check()
    page.locator('[name$="-location__text"]').fill("เสาไฟหน้าศาลาประชาคม")
    page.locator("details.fb-coords summary").click()
    page.locator('[name$="-location__lat"]').fill(LAT)
    page.locator('[name$="-location__lng"]').fill(LNG)
    with page.expect_navigation():
        page.locator("button.fb-primary").click()


def file_first_report(page, site):
    pin_the_light(page, site)
    page.locator('[name$="-full_name"]').fill("บุญมี แจ้งก่อน")
    page.locator('[name$="-phone"]').fill("0817770001")
    page.locator('[name$="-consent"]').check()
    page.locator("button.fb-primary").click()
    page.locator("button.fb-primary").click()  # check your answers → send
    return page.locator(".fb-reference").inner_text().strip()


def assert_accessible_without_javascript(page, make_page, site):
    """axe needs JavaScript, and these pages are used without it: the page's HTML as served, with
    its stylesheets, in a JavaScript page of the same 320 px width."""
    checker = make_page(PHONE_320)
    checker.set_content(page.content().replace("<head>", f'<head><base href="{site}/">', 1), wait_until="load")
    assert_accessible(checker)


def wait_for_mail(smtp, address, subject, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        found = [m for m in smtp.messages if address in m["to"] and m["subject"] == subject]
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no e-mail {subject!r} to {address}: {[(m['to'], m['subject']) for m in smtp.messages]}")


def test_follow_the_light_already_reported_and_hear_it_fixed(mail_site, make_page):
    site, smtp, database = mail_site
    reference = file_first_report(make_page(PHONE_320, javascript=False), site)
    assert cases_at(database, LAT) == 1

    # The neighbour, on a small phone without JavaScript, pins the same light.
    neighbour = make_page(PHONE_320, javascript=False)
    pin_the_light(neighbour, site)
    assert neighbour.locator("h1").inner_text() == "มีผู้แจ้งเรื่องนี้ไว้แล้วหรือไม่"
    card = neighbour.locator(".already-reported-list li").first
    assert reference in card.inner_text() and "ห่างจากหมุดของท่านประมาณ 1 ม." in card.inner_text()
    assert "บุญมี" not in neighbour.content() and "0817770001" not in neighbour.content()
    assert neighbour.evaluate("document.documentElement.scrollWidth") <= PHONE_320["width"]
    assert_accessible_without_javascript(neighbour, make_page, site)

    neighbour.get_by_label("อีเมลหรือเบอร์มือถือ").fill(NEIGHBOUR)
    neighbour.locator('input[name="consent"]').check()
    with neighbour.expect_navigation():
        neighbour.get_by_role("button", name="แจ้งความคืบหน้าให้ฉันทราบ").click()
    assert "ท่านติดตามเรื่องนี้แล้ว" in neighbour.locator("h1").inner_text()
    assert "2 คนแจ้งเรื่องนี้" in neighbour.content()
    assert_accessible_without_javascript(neighbour, make_page, site)
    with neighbour.expect_navigation():
        neighbour.get_by_role("link", name=f"ดูเรื่อง {reference}").click()
    assert urlsplit(neighbour.url).path == f"/th/reports/{reference}/"
    assert cases_at(database, LAT) == 1  # followed, not filed again

    # The works officer takes the case and marks it fixed through the case page.
    officer = make_page({"width": 1280, "height": 900})
    staff_sign_in(officer, site, "officer.works", then="/admin/cases/")
    officer.goto(f"{site}/admin/cases/?q={reference}&status=")
    with officer.expect_navigation():
        officer.get_by_role("link", name=reference).click()
    for status in ("accepted", "resolved"):
        officer.select_option("#id_status", status)
        with officer.expect_navigation():
            officer.get_by_role("button", name="เปลี่ยนสถานะ").click()

    fixed = wait_for_mail(smtp, NEIGHBOUR, f"เรื่องที่ท่านติดตาม {reference}: แก้ไขเรียบร้อยแล้ว")
    assert f"/th/reports/{reference}/" in fixed["text"]
    link = re.search(r"https?://\S+/reports/unfollow/\S+/", fixed["text"]).group(0)
    neighbour.goto(site + urlsplit(link).path)
    with neighbour.expect_navigation():
        neighbour.get_by_role("button", name="เลิกติดตาม").click()
    assert neighbour.locator("h1").inner_text() == "ท่านไม่ได้ติดตามเรื่องนี้แล้ว"
