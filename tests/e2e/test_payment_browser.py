"""Paying a fee in Chromium: the demo building-permit request waits for its 320-baht fee; the
resident (on a phone) sees the PromptPay QR on the tracking page, confirms the
request is theirs and sends a transfer slip; the works officer confirms it in the Wagtail admin;
the resident's page then shows the fee paid and the request back in progress, with a receipt.
"""

import io

import pytest
from PIL import Image

from services.cases.demo import demo_link
from services.payments.demo import showcase_reference
from tests.browser import VIEWPORTS, assert_accessible, staff_sign_in

pytestmark = pytest.mark.browser


def test_resident_pays_permit_fee_with_a_slip_and_officer_confirms(live_site, make_page, tmp_path):
    reference = showcase_reference()
    # JavaScript on only because axe needs it to finish here; these pages use none.
    resident = make_page(VIEWPORTS["phone"])
    resident.goto(f"{live_site}/t/{reference}")
    fees = resident.locator("#fees")
    assert "320.00" in fees.inner_text()
    assert fees.locator('svg[role="img"]').count() == 1  # the PromptPay QR
    assert resident.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    assert_accessible(resident)

    # Confirm the request is theirs (the tracking link from the receipt), then send the slip.
    resident.goto(f"{live_site}{demo_link(reference)}")
    slip = tmp_path / "slip.png"
    buffer = io.BytesIO()
    Image.new("RGB", (300, 500), (20, 110, 60)).save(buffer, format="PNG")
    slip.write_bytes(buffer.getvalue())
    fees.locator('input[type="file"]').set_input_files(str(slip))
    fees.locator('button[type="submit"]').click()
    assert "เราได้รับสลิปของท่านแล้ว" in resident.inner_text("main")
    assert_accessible(resident)

    # The works officer confirms the payment in the admin.
    officer = make_page(VIEWPORTS["desktop"])
    staff_sign_in(officer, live_site, "officer.works", then="/admin/payments/")
    row = officer.locator("tr", has_text=reference)
    assert row.count() == 1
    with officer.expect_navigation():
        row.get_by_role("button", name="ยืนยันการชำระเงิน").click()
    assert "ออกใบเสร็จเลขที่" in officer.inner_text("body")

    # The resident sees it paid, the request back in progress, and downloads the receipt.
    resident.goto(f"{live_site}/t/{reference}")
    text = resident.inner_text("main")
    assert "ชำระแล้ว" in text
    assert "อยู่ระหว่างดำเนินการ" in text  # the resident's label of "in progress"
    with resident.expect_download() as download:
        resident.get_by_role("link", name="ดาวน์โหลดใบเสร็จรับเงินอิเล็กทรอนิกส์ (PDF)").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
