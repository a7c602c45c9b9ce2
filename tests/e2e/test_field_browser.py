"""The field view on a phone (issue 21, item 1): a resident reports a broken streetlight with its
position; officer.works signs in on a 360 px phone, finds the job among the department's
unassigned ones, takes it, is refused a 60 MB photo before anything is sent, uploads a before
photo taken at the spot and an after photo whose GPS is 2 km away, sees that one flagged, and
marks the job done; the case is resolved. The resident then opens the tracking link from their
receipt on a phone without JavaScript, is asked "Is it fixed?", answers no, and the case is open
again (in progress, the dispute on the timeline, back in the officer's jobs). The note survives a
reload (a send that never arrived), and the pages pass axe and fit a 320 px screen.
"""

import io
import re
from urllib.parse import urlsplit

import pytest
from PIL import Image

from tests.browser import VIEWPORTS, assert_accessible, staff_sign_in
from tests.e2e.test_case_staff_browser import file_streetlight_report

pytestmark = pytest.mark.browser

# Where file_streetlight_report puts the pin.
POINT = (18.7883, 98.9853)
METRES_PER_DEGREE = 111_195


def dms(value):
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return (float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 4))


def gps_photo(path, point, colour):
    """A JPEG as a phone writes it: camera, capture time and GPS position in its EXIF."""
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 13"
    exif.get_ifd(0x8769)[0x9003] = "2030:01:01 10:00:00"  # after the report, whenever the test runs
    exif.get_ifd(0x8825).update({1: "N", 2: dms(point[0]), 3: "E", 4: dms(point[1])})
    out = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(out, "JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return str(path)


def fits(page, width):
    return page.evaluate(f"document.documentElement.scrollWidth <= {width}")


def test_officer_takes_photographs_and_finishes_a_job_on_a_phone(live_site, make_page, tmp_path):
    resident = make_page(VIEWPORTS["phone"], javascript=False)
    reference = file_streetlight_report(resident, live_site)
    # The receipt's tracking link, on this test server (the page's link carries the office's BASE_URL).
    tracking = live_site + urlsplit(resident.locator(f'a[href*="/t/{reference}/"]').get_attribute("href")).path

    officer = make_page(VIEWPORTS["phone"])
    staff_sign_in(officer, live_site, "officer.works", then="/th/field/")
    assert officer.url.endswith("/th/field/")
    assert officer.locator("h1").inner_text() == "งานของฉัน"
    card = officer.locator(".field-job", has_text=reference)
    assert card.count() == 1
    assert card.locator('a[href^="geo:18.788300,98.985300"]').count() == 1
    assert_accessible(officer)
    # "Sort by distance" is offered (it needs the script), and the list still works without it.
    assert officer.locator("[data-field-locate] button").is_visible()

    with officer.expect_navigation():
        card.locator(".field-job-title a").click()
    with officer.expect_navigation():
        officer.get_by_role("button", name="รับงานนี้").click()
    assert "งานนี้เป็นของคุณแล้ว" in officer.locator(".field-messages").inner_text()

    # A 60 MB photo is refused by the phone before it is sent, with the server's limit.
    huge = tmp_path / "huge.jpg"
    with open(huge, "wb") as handle:
        handle.truncate(60 * 1024 * 1024)
    officer.set_input_files("#id_before__upload", str(huge))
    size_error = officer.locator(".field-row", has=officer.locator("#id_before__upload")).locator("[data-size-error]")
    assert size_error.is_visible() and "10 MB" in size_error.inner_text()
    assert officer.locator("#id_before__upload").evaluate("input => input.files.length") == 0

    # The note is kept in the phone until the server has it: a reload (a send that never
    # arrived) brings it back.
    officer.fill("#id_note", "เปลี่ยนหลอดไฟเสาที่ 14")
    officer.reload()
    assert officer.locator("#id_note").input_value() == "เปลี่ยนหลอดไฟเสาที่ 14"

    before = gps_photo(tmp_path / "before.jpg", POINT, (90, 90, 90))
    after = gps_photo(tmp_path / "after.jpg", (POINT[0] + 2000 / METRES_PER_DEGREE, POINT[1]), (250, 220, 120))
    officer.set_input_files("#id_before__upload", before)
    officer.set_input_files("#id_after__upload", after)
    with officer.expect_navigation():
        officer.get_by_role("button", name="บันทึกรูปและบันทึกย่อ").click()
    assert "saved=1" in officer.url
    photos = officer.locator(".field-photo-list > li")
    assert photos.count() == 2
    assert photos.nth(0).locator(".field-flag").count() == 0
    flags = photos.nth(1).locator(".field-flag")
    assert flags.count() >= 1
    assert re.search(r"ไกล|far", flags.first.inner_text(), re.I)  # "taken far from the reported location"
    assert re.search(r"2[,.]?0\d\d", photos.nth(1).inner_text())  # about 2,000 m from the report
    assert officer.locator("#id_note").input_value() == ""  # saved: the phone's copy is gone
    assert_accessible(officer)
    officer.set_viewport_size({"width": 320, "height": 640})
    assert fits(officer, 320)

    with officer.expect_navigation():
        officer.get_by_role("button", name="บันทึกและปิดงาน").click()
    assert officer.locator(".field-status").inner_text() == "ดำเนินการเสร็จ"
    assert officer.locator(".field-done").is_visible()
    assert officer.get_by_role("button", name="บันทึกและปิดงาน").count() == 0

    # The job has left the list.
    officer.goto(f"{live_site}/th/field/")
    assert officer.locator(".field-job", has_text=reference).count() == 0

    # The resident is asked "Is it fixed?" on their tracking page, says no, and the case reopens.
    resident.goto(tracking)
    assert "case-status-resolved" in resident.locator(".case-status").get_attribute("class")
    question = resident.locator("#is-it-fixed")
    assert question.locator("h3").inner_text() == "แก้ไขแล้วหรือยัง"
    question.locator('input[name="answer"][value="no"]').check()
    question.locator('[name="comment"]').fill("ไฟยังดับอยู่ เสาที่ 14 ยังมืด")
    with resident.expect_navigation():
        question.locator('button[type="submit"]').click()
    assert "เปิดดำเนินการอีกครั้ง" in resident.locator(".case-notice").first.inner_text()
    status = resident.locator(".case-status")
    assert "case-status-in_progress" in status.get_attribute("class")
    assert status.inner_text() == "อยู่ระหว่างดำเนินการ"
    assert "ไฟยังดับอยู่ เสาที่ 14 ยังมืด" in resident.locator(".case-timeline").inner_text()
    assert resident.locator("#is-it-fixed").count() == 0
    assert fits(resident, VIEWPORTS["phone"]["width"])
    assert_accessible(resident)

    # The job is back in the officer's list.
    officer.goto(f"{live_site}/th/field/")
    assert officer.locator(".field-job", has_text=reference).count() == 1
