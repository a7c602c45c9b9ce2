"""The household fee journey in Chromium on a 360 px phone, in Thai (issue 14, item 9): from the
home page's tile to the bill with its PromptPay QR; the bill's link opened in a second browser
asks for the account again in Thai and then shows the same bill; the garbage guide's button
leads to the same page."""

import re

import pytest

from tests.browser import VIEWPORTS, assert_accessible

pytestmark = pytest.mark.browser

PHONE = VIEWPORTS["phone"]


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_home_to_bill_on_a_phone_and_the_bill_link_in_another_browser(live_site, make_page):
    resident = make_page(PHONE)
    resident.goto(f"{live_site}/th/")
    with resident.expect_navigation():
        resident.get_by_role("link", name="ชำระค่าธรรมเนียมขยะและน้ำเสียออนไลน์").click()
    assert resident.url == f"{live_site}/th/pay/"
    assert_accessible(resident)
    resident.fill("#id_account", "G-0001")
    resident.fill("#id_house", "12/3")
    with resident.expect_navigation():
        resident.get_by_role("button", name="ดูยอดค้างชำระ").click()
    assert re.fullmatch(rf"{live_site}/th/pay/[^/]+/", resident.url)
    bill_url = resident.url
    bill = resident.inner_text("main")
    assert "90.00" in bill and "G-0001" in bill  # three unpaid months of 20 + 10 baht
    assert resident.locator('main svg[role="img"]').count() == 1  # the PromptPay QR
    assert fits_the_phone(resident)
    assert_accessible(resident)

    # The link shared to another phone: asked again, in Thai, nothing of the bill shown yet.
    other = make_page(PHONE)
    response = other.goto(bill_url)
    assert response.status == 200
    asked = other.inner_text("main")
    assert "เพื่อเปิดใบแจ้งหนี้นี้บนอุปกรณ์นี้" in asked
    assert "90.00" not in asked and "Forbidden" not in asked
    assert other.input_value("#id_account") == ""  # the bill never tells whose account it is
    assert fits_the_phone(other)
    assert_accessible(other)
    other.fill("#id_account", "G-0001")
    other.fill("#id_house", "12/9")
    with other.expect_navigation():
        other.get_by_role("button", name="เปิดใบแจ้งหนี้").click()
    assert "ไม่พบบัญชีที่ตรงกับบ้านเลขที่นี้" in other.inner_text("main")
    assert other.input_value("#id_account") == "G-0001"  # what was typed stays
    other.fill("#id_house", "๑๒/๓")  # Thai digits, as a Thai keyboard types them
    with other.expect_navigation():
        other.get_by_role("button", name="เปิดใบแจ้งหนี้").click()
    assert other.url == bill_url
    assert "90.00" in other.inner_text("main")

    # The garbage fee guide has its own way to the fee page.
    other.goto(f"{live_site}/th/services/garbage-fee/")
    with other.expect_navigation():
        other.get_by_role("link", name="ชำระเงินออนไลน์").click()
    assert other.url == f"{live_site}/th/pay/"
