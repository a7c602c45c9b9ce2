"""The officers' field view (issue 21, item 1): who gets in, the jobs list (order, distance, Thai
dates, bounded queries), photos with their flags, a failed upload that keeps the note, and two
officers marking one job done."""

import datetime
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from forms_builder.models import SubmissionFile
from services.cases import workflow
from services.cases.models import Case, CaseEvent, CasePhoto, CaseStatus
from services.field.evidence import MAX_PHOTO_MB
from services.field.jobs import distance_m, distance_text, parse_position
from tests.factories import CaseFactory, StaffFactory, UserFactory
from tests.services.cases.support import make_world

pytestmark = pytest.mark.django_db

# The world's reported point, and the officer standing somewhere else in town.
POINT = (18.7883, 98.9853)
EXIF_IFD, GPS_IFD = 0x8769, 0x8825


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(home_th):
    return make_world(home_th)


def job(world, *, assignee=None, point=POINT, days=5, status="accepted", **fields):
    return CaseFactory(
        service=world["service"],
        assignee=assignee,
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        due_date=timezone.localdate() + datetime.timedelta(days=days),
        submitted_at=timezone.now() - datetime.timedelta(days=1),
        status=status,
        **fields,
    )


def dms(value):
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return (float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 4))


def photo(point=None, taken=None, name="IMG_0001.jpg"):
    """A phone's JPEG: capture time and GPS position in its EXIF when given."""
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 13"
    if taken is not None:
        exif.get_ifd(EXIF_IFD)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if point is not None:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: dms(point[0]), 3: "E", 4: dms(point[1])})
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def north(point, metres):
    return (point[0] + metres / 111_195, point[1])


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# --- who gets in ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_and_a_resident_is_refused(client, world):
    response = client.get("/th/field/")
    assert response.status_code == 302 and response["Location"].startswith("/th/accounts/login/?next=/th/field/")
    client.force_login(UserFactory(username="resident"))
    assert client.get("/th/field/").status_code == 403
    assert client.get(f"/th/field/{job(world).pk}/").status_code == 403


def test_staff_give_their_second_factor_first(client, world, settings):
    settings.OTP_REQUIRED = True
    client.force_login(world["officer_works"])
    response = client.get("/th/field/", headers={"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/")
    assert "next=%2Fth%2Ffield%2F" in response["Location"]
    # A POST (marking a job done) is not let through either.
    case = job(world, assignee=world["officer_works"])
    response = client.post(f"/th/field/{case.pk}/", {"action": "done", "version": case.version})
    assert response.status_code in (302, 403)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED


def test_another_departments_job_is_not_found(client, world):
    theirs = job(world, assignee=world["officer_works"])
    client.force_login(world["officer_health"])
    assert client.get(f"/th/field/{theirs.pk}/").status_code == 404
    assert theirs.reference not in text(client.get("/th/field/"))


# --- the list --------------------------------------------------------------------------------


def test_my_jobs_by_deadline_with_thai_dates_overdue_and_navigation(client, world):
    officer = world["officer_works"]
    later = job(world, assignee=officer, days=9)
    late = job(world, assignee=officer, days=-3, status="in_progress")
    unassigned = job(world, days=1)
    someone_elses = job(world, assignee=StaffFactory(departments=[world["works"]]))
    finished = job(world, assignee=officer, status="resolved")
    client.force_login(officer)
    page = text(client.get("/th/field/"))
    assert page.index(late.reference) < page.index(later.reference)
    assert unassigned.reference in page and someone_elses.reference not in page and finished.reference not in page
    mine = page[page.index('id="mine-title"') : page.index('id="unassigned-title"')]
    assert late.reference in mine and unassigned.reference not in mine
    assert "เกินกำหนด" in page  # overdue, in Thai
    be_year = str(late.due_date.year + 543)
    assert be_year in page and f" {late.due_date.year}" not in page.replace(be_year, "")
    assert f'href="geo:{POINT[0]:.6f},{POINT[1]:.6f}?q=' in page
    assert "https://www.google.com/maps/dir/?api=1&amp;destination=" in page
    assert "ไฟดับหน้าบ้านเลขที่ 12" in page  # what the resident wrote
    english = text(client.get("/en/field/"))
    assert "Overdue" in english and str(late.due_date.year) in english


def test_sorted_by_distance_when_the_phone_gives_its_position(client, world):
    officer = world["officer_works"]
    far = job(world, assignee=officer, days=1, point=north(POINT, 2400))
    near = job(world, assignee=officer, days=8, point=north(POINT, 300))
    nowhere = job(world, assignee=officer, days=0, point=None)
    client.force_login(officer)
    page = text(client.get("/th/field/", {"sort": "distance", "lat": POINT[0], "lon": POINT[1]}))
    assert page.index(near.reference) < page.index(far.reference) < page.index(nowhere.reference)
    assert "300 ม." in page and "2.4 กม." in page
    # Without a usable position the list stays by deadline, and says why.
    page = text(client.get("/en/field/", {"sort": "distance", "lat": "abc", "lon": "1"}))
    assert page.index(nowhere.reference) < page.index(far.reference) < page.index(near.reference)
    assert "Your position could not be read" in page


def test_distances_and_positions():
    assert parse_position({"lat": "18.7883", "lon": "98.9853"}) == (18.7883, 98.9853)
    for bad in (
        {"lat": "91", "lon": "0"},
        {"lat": "nan", "lon": "0"},
        {"lat": "", "lon": ""},
        {"lat": "1e999", "lon": "0"},
    ):
        assert parse_position(bad) is None
    case = Case(latitude=POINT[0], longitude=POINT[1])
    assert abs(distance_m(*north(POINT, 2000), case) - 2000) < 2
    assert distance_text(None) == ""


def test_twenty_jobs_take_as_many_queries_as_two(client, world, django_assert_max_num_queries):
    officer = world["officer_works"]
    client.force_login(officer)
    for _n in range(2):
        job(world, assignee=officer)
    with django_assert_max_num_queries(30) as few:
        assert client.get("/th/field/").status_code == 200
    for _n in range(18):
        job(world, assignee=officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text(client.get("/th/field/"))
    assert page.count('<li class="field-job') == 20


# --- one job: photos, note, done -------------------------------------------------------------


def test_before_and_after_photos_are_recorded_and_a_far_one_is_flagged(client, world):
    officer = world["officer_works"]
    case = job(world, assignee=officer)
    client.force_login(officer)
    now = timezone.localtime()
    response = client.post(
        f"/th/field/{case.pk}/",
        {
            "action": "save",
            "version": case.version,
            "before__upload": photo(point=POINT, taken=now),
            "after__upload": photo(point=north(POINT, 2000), taken=now, name="after.jpg"),
            "note": "เปลี่ยนหลอดแล้ว",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?saved=1")
    photos = list(CasePhoto.objects.filter(case=case).order_by("pk"))
    assert [p.role for p in photos] == ["before", "after"]
    assert photos[1].flags == ["far_away"] and not photos[0].flags
    page = text(client.get(response["Location"]))
    assert "data-saved" in page
    assert "ถ่ายไกลจากตำแหน่งที่แจ้ง" in page  # PhotoFlag.FAR_AWAY in Thai, as the officer reads it
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.NOTE, message="เปลี่ยนหลอดแล้ว").exists()
    # The photos open for the case's officers only, without their metadata.
    served = client.get(f"/th/field/{case.pk}/photos/{photos[1].pk}/")
    assert served.status_code == 200 and b"GPS" not in served.content and b"iPhone" not in served.content
    client.force_login(world["officer_health"])
    assert client.get(f"/th/field/{case.pk}/photos/{photos[1].pk}/").status_code == 404


def test_a_photo_without_capture_data_is_flagged_and_done_resolves_the_case(client, world):
    officer = world["officer_works"]
    case = job(world, assignee=officer, status="received")
    client.force_login(officer)
    response = client.post(
        f"/en/field/{case.pk}/",
        {"action": "done", "version": case.version, "after__upload": photo(), "note": "Bulb replaced"},
        follow=True,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.after_photo and case.fix_flagged
    page = text(response)
    assert "No capture data" in page and "Done: marked by" in page
    assert "Save and mark done" not in page


def test_a_refused_photo_keeps_the_note_and_says_why_next_to_the_field(client, world):
    officer = world["officer_works"]
    case = job(world, assignee=officer)
    client.force_login(officer)
    not_a_photo = SimpleUploadedFile("after.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = client.post(
        f"/en/field/{case.pk}/",
        {"action": "done", "version": case.version, "after__upload": not_a_photo, "note": "Pole 14 fixed"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Pole 14 fixed</textarea>" in page
    row = page[page.index('for="id_after__upload"') : page.index('name="after__upload"')]
    assert "not an allowed file" in row
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.NOTE).exists()
    assert "data-saved" not in page


def test_a_photo_over_the_limit_is_refused_by_the_server_too(client, world, settings):
    officer = world["officer_works"]
    case = job(world, assignee=officer)
    client.force_login(officer)
    big = SimpleUploadedFile("huge.jpg", b"\xff\xd8" + b"0" * (MAX_PHOTO_MB * 1024 * 1024 + 10), "image/jpeg")
    response = client.post(
        f"/en/field/{case.pk}/", {"action": "save", "version": case.version, "before__upload": big, "note": "keep me"}
    )
    assert response.status_code == 400
    page = text(response)
    assert f"larger than {MAX_PHOTO_MB} MB" in page and "keep me</textarea>" in page
    assert f'data-max-bytes="{MAX_PHOTO_MB * 1024 * 1024}"' in page  # the browser checks the same limit
    assert not CasePhoto.objects.filter(case=case).exists()


def test_two_officers_mark_one_job_done_the_second_is_told_and_keeps_the_note(client, world):
    officer = world["officer_works"]
    colleague = StaffFactory(username="officer.two", first_name="สมชาย", last_name="ขยัน", departments=[world["works"]])
    case = job(world, assignee=officer)
    seen_version = case.version
    # The colleague's phone got there first.
    workflow.change_status(case, CaseStatus.RESOLVED, colleague, expected_version=seen_version)
    client.force_login(officer)
    response = client.post(f"/th/field/{case.pk}/", {"action": "done", "version": seen_version, "note": "ซ่อมเสร็จ"})
    assert response.status_code == 409
    page = text(response)
    assert "สมชาย ขยัน" in page and "ซ่อมเสร็จ</textarea>" in page
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RESOLVED
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.NOTE).exists()
    resolved = CaseEvent.objects.filter(case=case, to_status=CaseStatus.RESOLVED)
    assert resolved.count() == 1 and resolved.get().actor == colleague


def test_taking_an_unassigned_job(client, world):
    officer = world["officer_works"]
    case = job(world, status="received")
    client.force_login(officer)
    response = client.post(f"/th/field/{case.pk}/", {"action": "take", "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == officer and case.status == CaseStatus.ACCEPTED
    # A stale page cannot take it again from someone else.
    other = StaffFactory(departments=[world["works"]])
    client.force_login(other)
    client.post(f"/th/field/{case.pk}/", {"action": "take", "version": 1})
    assert Case.objects.get(pk=case.pk).assignee == officer


def test_the_admin_case_page_links_to_the_field_view(client, world):
    officer = world["officer_works"]
    case = job(world, assignee=officer)
    client.force_login(officer)
    page = text(client.get(f"/admin/cases/{case.pk}/"))
    assert f"/field/{case.pk}/" in page


def test_photos_on_the_job_page_are_reduced_thumbnails_linking_to_the_full_photo(client, world):
    """A 12-megapixel phone photo is not sent over a weak connection to fill a 96-pixel square:
    the job page's thumbnails are reduced copies (at most 240 pixels, without metadata); the
    link around each opens the photo at full size."""
    officer = world["officer_works"]
    case = job(world, assignee=officer)
    big = io.BytesIO()
    Image.effect_noise((4000, 3000), 60).convert("RGB").save(big, "JPEG", quality=90)
    upload = SubmissionFile(
        submission=case.submission,
        field_key="photos",
        original_name="IMG_2001.jpg",
        content_type="image/jpeg",
        size=len(big.getvalue()),
    )
    upload.file.save("IMG_2001.jpg", ContentFile(big.getvalue()), save=False)
    upload.save()
    client.force_login(officer)
    page = client.get(f"/th/field/{case.pk}/").content.decode()
    full = f"/admin/cases/{case.pk}/files/{upload.pk}/"
    assert f'<a href="{full}"><img src="{full}?size=thumb"' in page

    thumb = client.get(f"{full}?size=thumb")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.content)).size) == 240
    assert len(thumb.content) < len(big.getvalue()) / 20
    assert "private" in thumb["Cache-Control"] and "no-store" in thumb["Cache-Control"]
    original = client.get(full)
    assert Image.open(io.BytesIO(original.content)).size == (4000, 3000)

    # The officer's own photos too; another department's officer still gets nothing.
    client.post(f"/th/field/{case.pk}/", {"action": "save", "version": case.version, "before__upload": photo()})
    before = CasePhoto.objects.get(case=case)
    assert f"/th/field/{case.pk}/photos/{before.pk}/?size=thumb" in client.get(f"/th/field/{case.pk}/").content.decode()
    small = client.get(f"/th/field/{case.pk}/photos/{before.pk}/?size=thumb")
    assert small.status_code == 200 and b"iPhone" not in small.content
    client.force_login(world["officer_health"])
    refused = client.get(f"{full}?size=thumb")
    # A 404; outside the language prefix, LocaleMiddleware sends that 404 on to /th<address>.
    assert refused.status_code == 404 or refused["Location"] == f"/th{full}?size=thumb"
    assert refused.status_code != 200
