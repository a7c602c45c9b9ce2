"""A resident answers "please send a photo" from the tracking page (issue 14, item 5): the reply
takes photos and PDFs, checked like the e-forms' uploads, kept privately without EXIF/GPS, and
shown to the officer under the reply on the case timeline. Works as a plain multipart form."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from forms_builder.models import SubmissionFile
from services.cases import workflow
from services.cases.models import CaseEvent, CaseStatus
from tests.forms_builder.helpers import PDF_BYTES, jpeg_bytes
from tests.services.cases.support import make_world, open_link, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "public"


@pytest.fixture
def waiting_case(home_th):
    world = make_world(home_th)
    case, _ = submit(world["form"])
    workflow.change_status(case, CaseStatus.ACCEPTED, world["officer_works"])
    workflow.change_status(case, CaseStatus.WAITING, world["officer_works"], message="ขอให้ท่านส่งรูปถ่ายจุดที่ไฟดับ")
    return case, world


def gps_photo(name="lamp.jpg"):
    """A phone photo with its maker, model and a GPS position in the EXIF."""
    image = Image.new("RGB", (60, 40), (250, 240, 200))
    exif = Image.Exif()
    exif[0x010F] = "SpyPhone"
    exif[0x8825] = {1: "N", 2: (18.0, 47.0, 24.0)}  # GPS IFD: latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def verified_client(client, case):
    open_link(client, case)
    return client


def test_a_reply_with_a_photo_and_a_pdf_reaches_the_officer_without_metadata(client, waiting_case, settings):
    case, world = waiting_case
    client = verified_client(client, case)
    page = client.get(f"/t/{case.reference}").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="files__upload"' in page and "multiple" in page

    response = client.post(
        f"/t/{case.reference}/reply",
        {
            "message": "ส่งรูปเสาไฟต้นที่ดับมาให้แล้วค่ะ",
            "files__upload": [gps_photo(), SimpleUploadedFile("แผนที่.pdf", PDF_BYTES, "application/pdf")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = case.events.get(kind=CaseEvent.Kind.RESIDENT_REPLY)
    stored = list(SubmissionFile.objects.filter(submission=case.submission, field_key=f"reply:{event.pk}"))
    assert sorted(f.original_name for f in stored) == ["lamp.jpg", "แผนที่.pdf"]
    for upload in stored:
        assert str(settings.PRIVATE_MEDIA_ROOT) in upload.file.path  # never under the public media
    photo = next(f for f in stored if f.content_type == "image/jpeg")
    with Image.open(photo.file.path) as image:
        assert not image.getexif(), "EXIF (maker, GPS) must be stripped"
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS  # the clock restarts, as for a text reply

    # The officer sees both files under the reply on the timeline, and can open them.
    client.force_login(world["officer_works"])
    detail = client.get(f"/admin/cases/{case.pk}/").content.decode()
    timeline = detail[detail.index('id="timeline-heading"') :]
    assert "lamp.jpg" in timeline and "แผนที่.pdf" in timeline
    assert client.get(f"/admin/cases/{case.pk}/files/{photo.pk}/").status_code == 200


def test_a_bad_file_is_named_next_to_the_field_and_the_message_is_kept(client, waiting_case):
    case, _world = waiting_case
    client = verified_client(client, case)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is a Windows program", content_type="image/jpeg")
    response = client.post(
        f"/t/{case.reference}/reply", {"message": "รูปตามที่ขอค่ะ", "files__upload": [fake]}, HTTP_ACCEPT_LANGUAGE="th"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "photo.jpg" in html and 'id="id_files__upload-error"' in html and 'aria-invalid="true"' in html
    assert "รูปตามที่ขอค่ะ</textarea>" in html  # what she typed is still there
    assert not case.events.filter(kind=CaseEvent.Kind.RESIDENT_REPLY).exists()
    assert not SubmissionFile.objects.exists()


def test_a_file_over_the_cap_is_named_and_not_read_to_the_end(client, waiting_case, settings):
    settings.FORMS_BUILDER_MAX_UPLOAD_MB = 1
    case, _world = waiting_case
    client = verified_client(client, case)
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (1024 * 1024 + 10), content_type="image/jpeg")
    response = client.post(f"/t/{case.reference}/reply", {"message": "รูปใหญ่", "files__upload": [big]})
    assert response.status_code == 400
    assert "big.jpg มีขนาดเกิน 1 MB" in response.content.decode()
    assert not case.events.filter(kind=CaseEvent.Kind.RESIDENT_REPLY).exists()


def test_a_photo_alone_is_a_reply_but_nothing_at_all_is_not(client, waiting_case):
    case, _world = waiting_case
    client = verified_client(client, case)
    empty = client.post(f"/t/{case.reference}/reply", {"message": "  "})
    assert empty.status_code == 400 and "กรุณาพิมพ์ข้อความหรือแนบไฟล์" in empty.content.decode()
    photo = SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg")
    assert client.post(f"/t/{case.reference}/reply", {"files__upload": [photo]}).status_code == 302
    assert SubmissionFile.objects.filter(submission=case.submission).count() == 1


def test_an_unverified_visitor_cannot_attach_anything(client, waiting_case):
    case, _world = waiting_case
    photo = SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg")
    response = client.post(f"/t/{case.reference}/reply", {"message": "x", "files__upload": [photo]})
    assert response.status_code == 403
    assert not SubmissionFile.objects.exists()
