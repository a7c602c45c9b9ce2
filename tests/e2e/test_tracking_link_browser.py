"""Issue 16: a resident on a phone files a request, opens the tracking link from the confirmation
page and sees their own answers without typing anything (the secret leaves the address bar);
on another phone, without the link, they ask for a one-time code and are told where it went."""

import re
from urllib.parse import urlsplit

import pytest

from tests.browser import VIEWPORTS, assert_accessible
from tests.e2e.test_forms_browser import Phone, finish

pytestmark = pytest.mark.browser


def test_the_confirmation_pages_link_opens_the_request_and_a_code_can_be_asked_for(live_site, make_page):
    page = make_page(VIEWPORTS["phone"], javascript=True, locale="th-TH")
    page.goto(f"{live_site}/f/streetlight-repair-form")
    phone = Phone(page, "streetlight-repair-form", None)
    phone.fill("light", problem="off", pole_number="B-77", location__text="หน้าบ้านเลขที่ 77 ซอยลิงก์")
    phone.next()
    phone.fill("who", full_name="สมศรี ใจดี", phone="0812345678", email="somsri.link@example.com", consent="on")
    phone.next()
    reference = finish(phone, "th", True)

    # The link (and its QR code) carry the office's BASE_URL; the test server listens elsewhere.
    href = page.locator(f'a[href*="/t/{reference}/"]').get_attribute("href")
    path = urlsplit(href).path
    assert re.fullmatch(rf"/t/{reference}/[A-Za-z0-9_-]{{22}}", path), href
    page.goto(f"{live_site}{path}")
    assert page.url == f"{live_site}/t/{reference}#your-request"  # the secret is not kept in the address bar
    assert "หน้าบ้านเลขที่ 77 ซอยลิงก์" in page.inner_text("main")
    assert_accessible(page)

    other = make_page(VIEWPORTS["phone"], javascript=True, locale="th-TH")
    other.goto(f"{live_site}/t/{reference}")
    assert "หน้าบ้านเลขที่ 77 ซอยลิงก์" not in other.inner_text("main")
    other.get_by_label("อีเมล", exact=True).check()
    with other.expect_navigation():
        other.get_by_role("button", name="ส่งรหัสให้ฉัน").click()
    assert "s***@example.com" in other.inner_text("main")
    assert other.get_by_label("รหัส 6 หลักที่เราส่งให้คุณ").is_visible()
    assert other.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    assert_accessible(other)
