"""A resident on a 360 px phone without JavaScript answers the officer with a photo (issue 14,
item 5): a wrong file is named next to the field with her text kept, a real photo goes through
and is listed among her files. The demo's in-progress showcase request (phone …5678)."""

import pytest

from services.cases.demo import demo_link, showcase_reference
from tests.browser import VIEWPORTS, assert_accessible
from tests.forms_builder.helpers import jpeg_bytes

pytestmark = pytest.mark.browser


def confirm_it_is_mine(page, live_site, reference):
    """The tracking link from her receipt's QR code (the demo's showcase link)."""
    page.goto(f"{live_site}{demo_link(reference)}")
    assert page.url == f"{live_site}/t/{reference}#your-request"


def test_resident_without_javascript_sends_a_photo_with_her_reply(live_site, make_page):
    reference = showcase_reference("in_progress")
    page = make_page(VIEWPORTS["phone"], javascript=False)
    confirm_it_is_mine(page, live_site, reference)
    files = page.get_by_label("รูปถ่ายหรือเอกสาร (ไม่บังคับ)")
    message = page.get_by_label("ข้อความของคุณ", exact=True)

    message.fill("ส่งรูปเสาไฟต้นที่ดับมาให้ค่ะ")
    files.set_input_files({"name": "เสาไฟ.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo at all"})
    with page.expect_navigation():
        page.get_by_role("button", name="ส่ง", exact=True).click()
    error = page.locator("#id_files__upload-error")
    assert "เสาไฟ.jpg" in error.inner_text()
    assert page.locator("#id_message").input_value() == "ส่งรูปเสาไฟต้นที่ดับมาให้ค่ะ"
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]

    page.get_by_label("รูปถ่ายหรือเอกสาร (ไม่บังคับ)").set_input_files(
        {"name": "เสาไฟ.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(size=(800, 600))}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="ส่ง", exact=True).click()
    main = page.inner_text("main")
    assert "ส่งรูปเสาไฟต้นที่ดับมาให้ค่ะ" in main
    assert page.locator("#your-request a", has_text="เสาไฟ.jpg").count() == 1

    # The same page with JavaScript (axe needs it): nothing serious or critical.
    checked = make_page(VIEWPORTS["phone"])
    confirm_it_is_mine(checked, live_site, reference)
    assert_accessible(checked)
