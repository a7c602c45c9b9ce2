"""Issue 22 §5: a resident on a 320 px phone without JavaScript opens her resolved request from
the tracking link on her receipt and answers the satisfaction questionnaire on its page; a second
visit says it is answered. The demo's resolved showcase request (phone …5678)."""

import pytest

from services.cases.demo import demo_link, showcase_reference
from tests.browser import assert_accessible

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}


def test_resident_without_javascript_answers_the_questionnaire_at_320_px(live_site, make_page):
    reference = showcase_reference("resolved")
    page = make_page(NARROW, javascript=False)
    page.goto(f"{live_site}{demo_link(reference)}")
    assert page.url == f"{live_site}/t/{reference}#your-request"
    panel = page.locator(".feedback-panel")
    assert panel.get_by_role("heading", name="เราให้บริการเป็นอย่างไร").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert_accessible(page)

    # Sent without one answer: the page says which, next to it, and keeps the others.
    panel.get_by_label("5 – ง่ายมาก").check()
    panel.get_by_label("4 – ดี", exact=True).nth(1).check()  # the second question's (speed)
    panel.get_by_label("5 – ดีมาก").check()
    panel.get_by_label("ความคิดเห็น (ไม่บังคับ)").fill("ซ่อมไฟเร็วมาก ขอบคุณค่ะ")
    with page.expect_navigation():
        panel.get_by_role("button", name="ส่งคำตอบ").click()
    assert "/th/feedback/case/" in page.url
    assert "เลือกคำตอบหนึ่งข้อ จาก 1 ถึง 5" in page.locator("#id_overall-error").inner_text()
    assert page.locator("#id_comment").input_value() == "ซ่อมไฟเร็วมาก ขอบคุณค่ะ"
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]

    page.get_by_label("5 – พึงพอใจมากที่สุด").check()
    with page.expect_navigation():
        page.get_by_role("button", name="ส่งคำตอบ").click()
    assert "เราได้รับคำตอบของคุณแล้ว" in page.inner_text("main")
    assert_accessible(page)

    # Back on the request's page the questionnaire is gone; its address says it is answered.
    page.goto(f"{live_site}/t/{reference}")
    assert page.locator(".feedback-panel").count() == 0
    page.goto(f"{live_site}/th/feedback/case/{reference}/")
    assert "ตอบแบบสอบถามแล้ว" in page.inner_text("main")
