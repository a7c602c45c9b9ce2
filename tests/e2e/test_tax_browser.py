"""Local tax end to end (issue 23): an officer imports the tax system's CSV (TIS-620) in the
admin; a taxpayer on a 320 px phone, without JavaScript, finds the bill with an account number
typed with spaces and the last 4 digits of their ID, pays the year by PromptPay QR and sends the
slip; the officer confirms it under Payments; the taxpayer sees the receipt number and downloads
the e-receipt. axe checks each public page (in a second browser with JavaScript, which axe needs)."""

import datetime
import io
import re

import pytest
from PIL import Image

from tests.browser import VIEWPORTS, assert_accessible, staff_sign_in

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 740}
YEAR = datetime.date.today().year + 543


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def find_account(page, live_site):
    page.goto(f"{live_site}/th/tax/")
    page.fill("#id_account", "e2e - ๐๐๐๑")  # typed with spaces, Thai digits, in lower case
    page.fill("#id_id_last4", "๕๖๗๘")  # Thai digits
    with page.expect_navigation():
        page.get_by_role("button", name="แสดงภาษีของฉัน").click()


def test_tax_bill_imported_from_csv_is_found_paid_confirmed_and_receipted(live_site, make_page, tmp_path):
    # The officer imports the tax system's export, as Thai Windows writes it (TIS-620).
    officer = make_page(VIEWPORTS["desktop"])
    staff_sign_in(officer, live_site, "admin", then="/admin/taxes/import/")
    export = tmp_path / "ltax.csv"
    export.write_bytes(
        (
            "account_number,tax,taxpayer_name,taxpayer_id,tax_year,amount,description,phone,email\r\n"
            f'E2E-0001,land_building,นางสาวทดสอบ ชำระภาษี,3100500125678,{YEAR},"4,500.00",โฉนด 999 หมู่ 2,,\r\n'
        ).encode("cp874")
    )
    office = officer.evaluate(
        "[...document.querySelectorAll('#id_office option')].find(o => !o.text.includes('หนองบัว')).value"
    )
    officer.select_option("#id_office", office)
    officer.set_input_files("#id_file", str(export))
    with officer.expect_navigation():
        officer.get_by_role("button", name="นำเข้า", exact=True).click()
    assert "นำเข้าแล้ว" in officer.inner_text("main")
    assert "TIS-620" in officer.inner_text("main")

    # The taxpayer, on a narrow phone without JavaScript.
    taxpayer = make_page(NARROW, javascript=False)
    find_account(taxpayer, live_site)
    page = taxpayer.inner_text("main")
    assert "E2E-0001" in page and "4,500.00" in page and f"ปีภาษี {YEAR}" in page
    assert fits(taxpayer)
    with taxpayer.expect_navigation():
        taxpayer.get_by_role("button", name="ชำระส่วนที่เหลือทั้งหมด").click()
    number = taxpayer.inner_text("h1 .case-ref")
    bill = taxpayer.inner_text("main")
    assert "E2E-0001" in bill and "นางสาวทดสอบ ชำระภาษี" in bill
    assert taxpayer.locator('main svg[role="img"]').count() == 1  # the PromptPay QR
    assert fits(taxpayer)
    slip = tmp_path / "slip.png"
    buffer = io.BytesIO()
    Image.new("RGB", (300, 500), (20, 110, 60)).save(buffer, format="PNG")
    slip.write_bytes(buffer.getvalue())
    taxpayer.set_input_files('main input[type="file"]', str(slip))
    with taxpayer.expect_navigation():
        taxpayer.get_by_role("button", name="ส่งสลิป").click()
    assert "เราได้รับสลิปของท่านแล้ว" in taxpayer.inner_text("main")

    # axe on the same pages, with JavaScript (axe runs in the page).
    checker = make_page(NARROW)
    checker.goto(f"{live_site}/th/tax/")
    assert_accessible(checker)
    find_account(checker, live_site)
    assert_accessible(checker)
    checker.goto(taxpayer.url)
    assert_accessible(checker)

    # The officer confirms the slip under Payments; a numbered receipt follows.
    officer.goto(f"{live_site}/admin/payments/")
    row = officer.locator("tr", has_text=number)
    assert row.count() == 1 and "นางสาวทดสอบ ชำระภาษี" in row.inner_text()
    with officer.expect_navigation():
        row.get_by_role("button", name="ยืนยันการชำระเงิน").click()
    confirmed = officer.inner_text("body")
    assert "ออกใบเสร็จเลขที่" in confirmed
    receipt = re.search(r"[A-Z0-9]{2,8}25\d\d-\d{6}", confirmed).group(0)

    # The taxpayer sees it paid with the receipt number, and downloads the e-receipt.
    taxpayer.goto(taxpayer.url.split("?")[0])
    text = taxpayer.inner_text("main")
    assert "ชำระแล้ว" in text and receipt in text
    with taxpayer.expect_download() as download:
        taxpayer.get_by_role("link", name="ดาวน์โหลดใบเสร็จรับเงินอิเล็กทรอนิกส์ (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    find_account(taxpayer, live_site)
    assert "ชำระครบแล้ว" in taxpayer.inner_text("main")
