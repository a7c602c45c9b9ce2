"""Issue 14 on a 320 px phone: the complaint form with JavaScript (no sideways scroll from the file
input, the map pinned from the keyboard and from "Use my location", a home line, a misspelt e-mail
domain suggested and kept), and without JavaScript the elderly allowance (ID in Thai digits, the
age check, the bank questions and the hint naming the answer that opens them, the wording of the
expected date) and the building permit's dead end (links on, a step counter without a total)."""

import re

import pytest

from tests.browser import assert_accessible
from tests.e2e.test_forms_browser import Phone, address, audit

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def test_complaint_with_keyboard_map_location_home_line_and_email_suggestion(live_site, make_page):
    page = make_page(NARROW, javascript=True, locale="th-TH")
    page.goto(f"{live_site}/th/forms/complaint-form/")
    phone = Phone(page, "complaint-form", None)
    assert phone.progress() == "ขั้นตอนที่ 1 จาก 3"  # no step depends on an answer: the total stays
    assert fits(page)  # the file input was 35 px too wide
    phone.fill("what", category="road", details="ถนนเป็นหลุมลึกหน้าวัด")
    phone.next()

    lat, lng = phone.field("where", "location__lat"), phone.field("where", "location__lng")
    box = page.locator("[data-fb-map]")
    box.wait_for(state="visible")
    assert page.locator(".fb-crosshair").count() == 1
    box.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)  # Leaflet pans smoothly
    page.keyboard.press("Enter")
    pinned = (float(lat.input_value()), float(lng.input_value()))
    assert pinned[0] > 18.7883 and pinned[1] > 98.9853, pinned  # moved north-east of the start
    assert "ปักหมุดที่กึ่งกลางแผนที่แล้ว" in page.locator("[data-fb-map-status]").inner_text()

    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 18.7961, "longitude": 98.9794})
    page.get_by_role("button", name="ใช้ตำแหน่งปัจจุบันของฉัน").click()
    page.wait_for_function(f"document.getElementById('{lat.get_attribute('id')}').value === '18.796100'")
    assert lng.input_value() == "98.979400"
    assert fits(page)
    assert_accessible(page)
    phone.next()

    phone.fill("who", full_name="สมศรี ใจดี", phone="053 123 456", email="somsri@gmail.con", consent="on")
    phone.next()
    error = page.locator("#error-email")
    assert "ท่านหมายถึง somsri@gmail.com" in error.inner_text()
    assert error.inner_text().count("somsri@gmail.com") == 1
    assert phone.field("who", "email").input_value() == "somsri@gmail.con"  # kept as typed
    assert phone.field("who", "phone").input_value() == "053 123 456"  # the home line was accepted
    assert_accessible(page)
    page.get_by_label("somsri@gmail.con ถูกต้องแล้ว ใช้อีเมลนี้").check()
    phone.next()
    main = page.inner_text("main")
    assert "ตรวจสอบคำตอบ" in main and "053123456" in main and "somsri@gmail.con" in main and "18.7961" in main
    assert fits(page)


def test_elderly_allowance_and_building_permit_without_javascript(live_site, make_page):
    page = make_page(NARROW, javascript=False, locale="th-TH")
    auditor = make_page(NARROW, javascript=True, locale="th-TH")
    page.goto(f"{live_site}/th/forms/elderly-allowance-form/")
    phone = Phone(page, "elderly-allowance-form", auditor)
    assert phone.progress() == "ขั้นตอนที่ 1 จาก 3"
    person = {
        "full_name": "บุญมา ดีใจ",
        "national_id": "๑๑๐๑๗๐๐๒๓๐๗๐๘",
        "birth_date__day": "๑๕",
        "birth_date__month": "6",
        "birth_date__year": "2540",
        **address("home_address"),
    }
    phone.fill("person", **person)
    phone.next()
    errors = page.locator(".fb-field--error")
    assert errors.count() == 1  # the ID in Thai digits is fine; only the age is not
    assert "อายุครบ 60 ปี" in errors.inner_text() and "วันเกิด" in errors.inner_text()
    assert phone.field("person", "full_name").input_value() == "บุญมา ดีใจ"
    audit(page, auditor)
    phone.fill("person", birth_date__year="2505")
    phone.next()

    assert phone.progress() == "ขั้นตอนที่ 2 จาก 3"
    hints = page.locator(".fb-if-note")
    assert hints.count() == 3 and all(
        'ตอบเฉพาะเมื่อท่านตอบ "รับเงินโดย" ว่า "โอนเข้าบัญชีธนาคาร"' in h for h in hints.all_inner_texts()
    )
    phone.fill("payment", payment_method="bank", bank_account="123-4-56789-0", no_other_pension="on")
    phone.next()
    assert page.locator(".fb-field--error").count() == 2  # bank and account holder, needed for a transfer
    assert fits(page)
    phone.fill("payment", bank_name="ธนาคารออมสิน", account_name="บุญมา ดีใจ")
    phone.next()
    phone.fill("contact", phone="๐๕๓ ๑๒๓ ๔๕๖", consent="on")
    assert page.locator('label:has-text("อีเมล")').count() >= 1  # e-mail offered, optional
    phone.next()
    main = page.inner_text("main")
    assert "053123456" in main and "ธนาคารออมสิน" in main and "1-1017-00230-70-8" in main
    phone.next()
    assert "ตรวจสิทธิ์เสร็จภายใน" in page.inner_text("main")
    assert "คาดว่าจะแล้วเสร็จ" not in page.inner_text("main")
    assert fits(page)

    page.goto(f"{live_site}/th/forms/building-permit-form/")
    phone = Phone(page, "building-permit-form", auditor)
    assert phone.progress() == "ขั้นตอนที่ 1"  # the steps depend on the floor area: no total to change
    phone.fill("building", floor_area="๒๐๐", building_type="house")
    phone.next()
    assert phone.progress() == "ขั้นตอนที่ 2"
    assert page.locator("button.fb-primary").count() == 0
    audit(page, auditor)
    assert fits(page)
    page.get_by_role("link", name=re.compile("คู่มือการขออนุญาตก่อสร้าง")).click()
    assert page.url.endswith("/th/services/building-permit/")
    page.go_back()
    page.get_by_role("link", name=re.compile("ดาวน์โหลดแบบ ข.1")).click()
    assert page.url.endswith("/th/downloads/") and "ข.1" in page.inner_text("main")
