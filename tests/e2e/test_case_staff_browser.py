"""The works officer's case page in Chromium: a resident reports a broken streetlight with its
position (on a phone, without JavaScript); officer.works finds it at the top of the queue, sees
the spot on a map with its coordinates, previews a reply template in the resident's language,
edits and publishes it, and resolves the case with a phone photo carrying GPS data; the photo
shows inline, for staff and for the resident, without its metadata.
"""

import io
import re
from urllib.parse import urlsplit

import pytest
from PIL import Image

from tests.browser import VIEWPORTS, assert_accessible, staff_sign_in

pytestmark = pytest.mark.browser


def gps_photo(path):
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS 5D"
    exif.get_ifd(0x8825).update({1: "N", 2: (18.0, 47.0, 17.5), 3: "E", 4: (98.0, 59.0, 3.0)})
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (230, 160, 40)).save(out, "JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return str(path)


def file_streetlight_report(page, live_site):
    """The demo streetlight form, filled without JavaScript: the map's boxes take the position."""
    page.goto(f"{live_site}/th/forms/streetlight-repair-form/")
    page.locator('[name$="-problem"][value="off"]').check()
    page.locator('[name$="-location__text"]').fill("หน้าบ้านเลขที่ 12 ซอย 3")
    page.locator("details.fb-coords summary").click()
    page.locator('[name$="-location__lat"]').fill("18.788300")
    page.locator('[name$="-location__lng"]').fill("98.985300")
    page.locator("button.fb-primary").click()
    page.locator('[name$="-full_name"]').fill("สมศรี ใจดี")
    page.locator('[name$="-phone"]').fill("0812345678")
    page.locator('[name$="-consent"]').check()
    page.locator("button.fb-primary").click()
    page.locator("button.fb-primary").click()  # check your answers → send
    return page.locator(".fb-reference").inner_text().strip()


def test_officer_sees_map_previews_reply_and_shows_a_clean_photo(live_site, make_page, tmp_path):
    resident = make_page(VIEWPORTS["phone"], javascript=False)
    reference = file_streetlight_report(resident, live_site)
    assert re.fullmatch(r"BSR-\d\d-[0-9A-Z]{5}-[0-9A-Z]", reference), reference
    # The receipt's tracking link, on this test server (the page's link carries the office's BASE_URL).
    link = live_site + urlsplit(resident.locator(f'a[href*="/t/{reference}/"]').get_attribute("href")).path

    officer = make_page(VIEWPORTS["desktop"])
    staff_sign_in(officer, live_site, "officer.works", then="/admin/cases/")
    # The queue opens on open cases, soonest due first: no closed case is listed.
    assert officer.locator("#id_status").input_value() == "open"
    statuses = officer.locator(".case-listing tbody tr td:nth-child(4)").all_inner_texts()
    assert statuses and "ปิดเรื่องแล้ว" not in statuses
    officer.fill("#id_q", reference)
    with officer.expect_navigation():
        officer.locator(".case-filters button[type=submit]").click()
    with officer.expect_navigation():
        officer.get_by_role("link", name=reference).click()

    # The map: drawn by Leaflet with a marker, the coordinates as text, a maps-app link.
    officer.locator("#case-map.leaflet-container").wait_for(state="visible")
    assert officer.locator("#case-map .leaflet-marker-icon").count() == 1
    assert officer.locator(".case-coordinates").inner_text() == "18.788300, 98.985300"
    maps_link = officer.get_by_role("link", name="เปิดในแอปแผนที่")
    assert "query=18.788300%2C98.985300" in maps_link.get_attribute("href")
    assert_accessible(officer)

    # Preview a reply template, edit it, publish it.
    officer.select_option("#id_template", label="ขอข้อมูลเพิ่ม")
    with officer.expect_navigation():
        officer.get_by_role("button", name="ดูตัวอย่างคำตอบ").click()
    preview = officer.locator(".case-reply-preview")
    assert "ขอให้ท่านส่งรูปถ่าย" in preview.inner_text()
    assert "ขอให้ท่านส่งรูปถ่าย" in officer.locator("#id_reply").input_value()
    assert_accessible(officer)
    officer.fill("#id_reply", officer.locator("#id_reply").input_value() + " โทร 053-123-456 ต่อ 101")
    with officer.expect_navigation():
        officer.get_by_role("button", name="เผยแพร่คำตอบ").click()
    assert "โทร 053-123-456 ต่อ 101" in officer.locator(".case-admin-timeline").inner_text()

    # Resolve with a photo straight from a phone (GPS in its EXIF).
    for status in ("accepted", "in_progress", "resolved"):
        officer.select_option("#id_status", status)
        if status == "resolved":
            officer.locator("#id_after_photo").set_input_files(gps_photo(tmp_path / "IMG_0001.jpg"))
        with officer.expect_navigation():
            officer.get_by_role("button", name="เปลี่ยนสถานะ").click()
    photo = officer.locator(".case-after-photo img")
    photo.scroll_into_view_if_needed()
    assert photo.get_attribute("alt").startswith("ภาพหลังดำเนินการ")
    assert officer.wait_for_function("img => img.complete && img.naturalWidth === 640", arg=photo.element_handle())
    served = officer.request.get(photo.evaluate("img => img.src"))
    assert served.headers["content-disposition"].startswith("inline")
    assert b"Canon" not in served.body() and b"Exif" not in served.body()
    assert_accessible(officer)

    # The resident sees the photo on the tracking page, not as a download.
    resident = make_page(VIEWPORTS["phone"])
    resident.goto(link)
    picture = resident.locator(".case-after-photo img")
    picture.scroll_into_view_if_needed()
    assert picture.get_attribute("alt") == "ภาพงานที่ดำเนินการเสร็จแล้ว"
    assert resident.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    assert resident.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    assert_accessible(resident)
