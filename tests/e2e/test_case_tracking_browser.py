"""The case journey in Chromium: a resident reports a broken streetlight on a phone (no
JavaScript), the works officer handles it in the Wagtail admin, the resident follows it at
/t/<REFERENCE> and rates it. Plus the home page's track box and the neutral answer for a
reference that does not exist. Assertions go through what people see.
"""

import pytest

from tests.browser import VIEWPORTS, assert_accessible

pytestmark = pytest.mark.browser


def answer(page, key, value):
    """Fill the e-form question `key` (inputs are named <step id>-<key>, whatever the language)."""
    if value == "on":
        page.locator(f'[name$="-{key}"]').check()
    elif page.locator(f'[name$="-{key}"][type="radio"]').count():
        page.locator(f'[name$="-{key}"][value="{value}"]').check()
    else:
        page.locator(f'[name$="-{key}"]').fill(value)


def staff_action(page, action, **fields):
    form = page.locator(f'form:has(input[name="action"][value="{action}"])')
    for name, value in fields.items():
        target = form.locator(f'[name="{name}"]')
        if target.evaluate("el => el.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    form.locator('button[type="submit"]').click()


def test_report_handle_follow_and_rate(live_site, make_page):
    # The resident reports the broken light from a phone, without JavaScript.
    resident = make_page(VIEWPORTS["phone"], javascript=False)
    resident.goto(f"{live_site}/f/streetlight-repair-form")
    answer(resident, "problem", "off")
    answer(resident, "location__text", "หน้าบ้านเลขที่ 7 ซอย 9")
    resident.locator("button.fb-primary").click()
    for key, value in (("full_name", "ผู้ทดสอบ เบราว์เซอร์"), ("phone", "0891357924"), ("consent", "on")):
        answer(resident, key, value)
    resident.locator("button.fb-primary").click()
    resident.locator("button.fb-primary").click()  # check your answers → send
    reference = resident.locator(".fb-reference").inner_text().strip()
    resident.goto(f"{live_site}/t/{reference}")
    assert "ได้รับเรื่องของคุณแล้ว" in resident.inner_text("main")
    assert "ผู้ทดสอบ เบราว์เซอร์" not in resident.content()
    assert resident.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    assert_accessible(resident)

    # The works officer finds it in the admin queue and handles it.
    officer = make_page(VIEWPORTS["desktop"])
    officer.goto(f"{live_site}/admin/login/")
    officer.fill("#id_username", "officer.works")
    officer.fill("#id_password", "portal-demo-2569")
    officer.locator('button[type="submit"]').click()
    officer.goto(f"{live_site}/admin/cases/?q={reference}")
    officer.get_by_role("link", name=reference).click()
    assert "ผู้ทดสอบ เบราว์เซอร์" in officer.inner_text("main")
    staff_action(officer, "status", status="accepted")
    assert "เปลี่ยนสถานะเป็น" in officer.inner_text("body")
    resident.reload()
    assert "เจ้าหน้าที่รับเรื่องของคุณแล้ว" in resident.inner_text("main")
    staff_action(officer, "reply", reply="ทีมช่างจะเข้าซ่อมพรุ่งนี้")
    staff_action(officer, "note", note="ใช้รถกระเช้า")
    staff_action(officer, "status", status="in_progress")
    staff_action(officer, "status", status="resolved", message="เปลี่ยนหลอดแล้ว")
    resident.reload()
    text = resident.inner_text("main")
    assert "ทีมช่างจะเข้าซ่อมพรุ่งนี้" in text and "เปลี่ยนหลอดแล้ว" in text and "ดำเนินการเรียบร้อยแล้ว" in text
    assert "ใช้รถกระเช้า" not in text

    # The resident confirms it is theirs and rates it.
    resident.fill('input[name="secret"]', "7924")
    resident.get_by_role("button", name="ยืนยัน").click()
    assert "หน้าบ้านเลขที่ 7 ซอย 9" in resident.inner_text("main")
    resident.locator('input[name="rating"][value="5"]').check()
    resident.fill('textarea[name="comment"]', "รวดเร็วมาก")
    resident.get_by_role("button", name="ส่งคะแนน").click()
    assert "ขอบคุณที่ให้คะแนน" in resident.inner_text("main")
    assert "คุณให้คะแนนเรื่องนี้ 5 จาก 5" in resident.inner_text("main")
    assert_accessible(resident)

    # The officer sees the rating.
    officer.reload()
    assert "5/5" in officer.inner_text("main")


def test_track_box_and_neutral_answer(live_site, make_page):
    page = make_page(VIEWPORTS["phone"], javascript=False, locale="en-GB")
    page.goto(f"{live_site}/en/")
    page.fill("#track-ref", "BSR-69-ZZZZZ-Z")
    page.get_by_role("button", name="Track").click()
    assert "We could not find a request with this reference" in page.inner_text("main")
    assert_accessible(page)
