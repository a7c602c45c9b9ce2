"""Issue 19's "continue with LINE", in Chromium on a 320 px phone: a resident opens the
streetlight form, chooses "Continue with LINE", signs in on LINE's page (the fake LINE
platform's authorize page, which consents at once and sends them back with a code and the
state), is back on the step they left with "Updates will go to LINE as <name>", sends the form,
and the stored submission carries the LINE user LINE verified. No serious or critical axe
violation before and after; nothing wider than the phone.

The server under test is a copy of the demo (gunicorn) with its LINE Login settings pointed at
the fake platform, which this test runs."""

import sqlite3

import pytest

from tests.browser import assert_accessible, demo_server
from tests.e2e.test_forms_browser import Phone, finish
from tests.line_platform import LOGIN_CHANNEL_ID, LOGIN_SECRET, LinePlatform, user_id

pytestmark = pytest.mark.browser

PHONE_320 = {"width": 320, "height": 640}


@pytest.fixture(scope="module")
def line_site(tmp_path_factory, demo_snapshot, live_site):
    """(base URL, fake LINE platform, database): a gunicorn on a copy of the demo whose LINE
    Login goes to the fake platform. Asks for `live_site` (the shared server of every browser
    test) because that is what makes the demo snapshot keep a whole database to copy."""
    platform = LinePlatform()
    try:
        with demo_server(
            tmp_path_factory.mktemp("line_site"),
            demo_snapshot,
            LINE_API_URL=platform.url,
            LINE_LOGIN_CHANNEL_ID=LOGIN_CHANNEL_ID,
            LINE_LOGIN_CHANNEL_SECRET=LOGIN_SECRET,
            LINE_LOGIN_AUTHORIZE_URL=f"{platform.url}/oauth2/v2.1/authorize",
        ) as (url, database):
            yield url, platform, database
    finally:
        platform.close()


def line_user_of(database, reference):
    """The stored submission's LINE user (read from the site's database, SQLite or PostgreSQL)."""
    sql = "SELECT line_user_id FROM forms_builder_submission WHERE reference = {}"
    if database.config is None:
        with sqlite3.connect(database.url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql.format("?"), [reference]).fetchone()[0]
    import psycopg

    config = database.config
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"],
        dbname=database.name,
    ) as conn:
        return conn.execute(sql.format("%s"), [reference]).fetchone()[0]


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_320["width"]


def test_continue_with_line_on_a_phone_sends_the_forms_updates_to_line(line_site, make_page):
    site, platform, database = line_site
    platform.authorize_as = (user_id(319), "สมศรี ไลน์")
    page = make_page(PHONE_320, javascript=True, locale="th-TH")
    page.goto(f"{site}/f/streetlight-repair-form")
    offer = page.get_by_role("link", name="ดำเนินการต่อด้วย LINE — รับความคืบหน้าทาง LINE")
    assert offer.is_visible()
    assert "ไม่บังคับ" in page.locator(".fb-line").inner_text()
    fits(page)
    assert_accessible(page)
    step_url = page.url

    with page.expect_navigation():
        offer.click()

    assert page.url.startswith(step_url.split("?")[0]) and "?step=" in page.url  # back on the form's step
    assert "ความคืบหน้าจะส่งไปที่ LINE ของ สมศรี ไลน์" in page.locator(".fb-line").inner_text()
    assert page.get_by_role("button", name="เลิกใช้ LINE").is_visible()
    fits(page)
    assert_accessible(page)

    phone = Phone(page, "streetlight-repair-form", None)
    phone.fill("light", problem="off", pole_number="L-319", location__text="หน้าบ้านเลขที่ 319 ซอยไลน์")
    phone.next()
    phone.fill("who", full_name="สมศรี ใจดี", phone="0812345319", consent="on")
    phone.next()
    assert "ความคืบหน้าจะส่งไปที่ LINE ของ สมศรี ไลน์" in page.locator(".fb-line").inner_text()
    fits(page)
    reference = finish(phone, "th", True)

    assert line_user_of(database, reference) == user_id(319)
    verify = [r for r in platform.requests if r["path"] == "/oauth2/v2.1/verify"]
    assert len(verify) == 1 and verify[0]["form"]["client_id"] == LOGIN_CHANNEL_ID
