"""Merging a duplicate in Chromium (issue 18, item 4): two residents report the same dark
streetlight (the second is shown "already reported here" and files anyway); the works officer
sees the "possible duplicate" flag in the queue, opens the second report, marks it a duplicate of
the first, and both timelines say so; the second resident's tracking page sends them to the first
report; the officer undoes the merge and the second report is back on its own, for the officer
and for its resident. axe on every page an officer or resident reads: no serious or critical
violation.
"""

import pytest

from tests.browser import VIEWPORTS, assert_accessible, staff_sign_in

pytestmark = pytest.mark.browser

# A spot of the demo town no other browser test reports at, so the flag counts our two reports.
LAT, LNG = "18.703000", "98.903000"


def file_report(page, site, name, phone, lat):
    """The streetlight form without JavaScript (as on a basic phone); a second report at the same
    spot passes the "already reported here" page with "Continue my form". Returns the reference."""
    page.goto(f"{site}/th/forms/streetlight-repair-form/")
    page.locator('[name$="-problem"][value="off"]').check()
    page.locator('[name$="-location__text"]').fill("เสาไฟหน้าวัด ซอย 7")
    page.locator("details.fb-coords summary").click()
    page.locator('[name$="-location__lat"]').fill(lat)
    page.locator('[name$="-location__lng"]').fill(LNG)
    with page.expect_navigation():
        page.locator("button.fb-primary").click()
    if page.locator(".already-reported-list").count():
        with page.expect_navigation():
            page.get_by_role("link", name="กรอกแบบฟอร์มต่อ").click()
    page.locator('[name$="-full_name"]').fill(name)
    page.locator('[name$="-phone"]').fill(phone)
    page.locator('[name$="-consent"]').check()
    page.locator("button.fb-primary").click()
    page.locator("button.fb-primary").click()  # check your answers → send
    return page.locator(".fb-reference").inner_text().strip()


def settled(page):
    """Wait for the admin's message ("merged", "no longer merged") to finish sliding in: axe
    measures its contrast mid-fade otherwise (Wagtail fades it in over half a second)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.messages > ul')].every(ul => getComputedStyle(ul).opacity === '1')"
    )


def timeline(page):
    return page.locator(".case-admin-timeline").inner_text()


def test_officer_merges_a_duplicate_the_resident_is_sent_to_the_other_report_and_it_is_undone(live_site, make_page):
    first = file_report(make_page(VIEWPORTS["phone"], javascript=False), live_site, "บุญมี แจ้งก่อน", "0817770011", LAT)
    second = file_report(
        make_page(VIEWPORTS["phone"], javascript=False), live_site, "สมหญิง แจ้งซ้ำ", "0817770012", "18.703040"
    )
    assert first != second

    # The queue flags the second report: one other report of the service nearby.
    officer = make_page(VIEWPORTS["desktop"])
    staff_sign_in(officer, live_site, "officer.works", then=f"/admin/cases/?q={second}")
    flag = officer.locator(".case-listing tbody tr", has_text=second).locator(".case-duplicate-flag")
    assert flag.inner_text() == "อาจซ้ำ (ใกล้เคียง 1 เรื่อง)"
    assert_accessible(officer)
    with officer.expect_navigation():
        flag.click()

    # The case page lists the first report among the possible duplicates; merge into it.
    duplicates = officer.locator("#duplicates")
    assert first in duplicates.locator(".case-duplicate-list").inner_text()
    assert_accessible(officer)
    duplicates.get_by_label(first).check()
    with officer.expect_navigation():
        officer.get_by_role("button", name="ทำเครื่องหมายว่าเรื่องนี้ซ้ำ").click()
    body = officer.locator("body").inner_text()
    assert f"รวมเรื่อง {second} เข้ากับ {first} และปิดเรื่องแล้ว" in body
    assert officer.locator(".case-merged-into").inner_text() == first
    assert f"รวมกับเรื่อง {first} ซึ่งแจ้งปัญหาเดียวกัน" in timeline(officer)
    settled(officer)
    assert_accessible(officer)

    # The first report's timeline says the second was merged into it.
    with officer.expect_navigation():
        officer.locator(".case-merged-into a").click()
    assert f"เรื่อง {second} ซึ่งแจ้งปัญหาเดียวกัน ถูกรวมเข้ากับเรื่องนี้" in timeline(officer)
    assert_accessible(officer)

    # The second resident's tracking page sends them to the first report.
    resident = make_page(VIEWPORTS["phone"])
    resident.goto(f"{live_site}/t/{second}")
    merged = resident.locator(".case-merged")
    assert "เราจึงรวมเข้ากับเรื่องนั้น" in merged.inner_text()
    assert resident.locator(".case-status").inner_text() == "ปิดเรื่องแล้ว"
    assert_accessible(resident)
    with resident.expect_navigation():
        merged.get_by_role("link", name=first).click()
    assert resident.locator(".case-ref").inner_text() == first

    # Not the same problem after all: the officer undoes the merge from the second report's page.
    officer.goto(f"{live_site}/admin/cases/?q={second}")
    with officer.expect_navigation():
        officer.get_by_role("link", name=second, exact=True).click()
    with officer.expect_navigation():
        officer.get_by_role("button", name="ไม่ใช่เรื่องซ้ำ: ยกเลิกการรวม").click()
    assert f"ยกเลิกการรวมเรื่อง {second} แล้ว กลับสู่สถานะ “รับเรื่องแล้ว”" in officer.locator("body").inner_text()
    assert officer.locator(".case-merged-into").count() == 0
    assert f"ไม่ใช่ปัญหาเดียวกับเรื่อง {first}" in timeline(officer)
    assert officer.get_by_role("button", name="ทำเครื่องหมายว่าเรื่องนี้ซ้ำ").is_visible()  # can be merged again
    settled(officer)
    assert_accessible(officer)
    officer.goto(f"{live_site}/admin/cases/?q={first}")
    with officer.expect_navigation():
        officer.get_by_role("link", name=first, exact=True).click()
    assert f"เรื่อง {second} ไม่ใช่ปัญหาเดียวกัน จึงกลับไปดำเนินการแยกต่างหาก" in timeline(officer)

    # Its resident sees it back on its own, with no link to the other report.
    resident.goto(f"{live_site}/t/{second}")
    assert resident.locator(".case-merged").count() == 0
    assert resident.locator(".case-status").inner_text() == "ได้รับเรื่องของคุณแล้ว"
    assert f"ไม่ใช่ปัญหาเดียวกับเรื่อง {first}" in resident.locator(".case-timeline").inner_text()
    assert_accessible(resident)
