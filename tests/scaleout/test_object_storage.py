"""Uploads on S3-compatible object storage (S3_BUCKET set), against a real S3 HTTP server.

Residents' files go through the real e-form wizard and case intake, land in the private bucket
and nowhere on local disk, are streamed to staff by the access-checked view, refused to anyone
else, and have no URL anybody could open. Public media (Wagtail images, blank-form documents)
land in the public bucket's media/ prefix and are readable there.
"""

import io
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from forms_builder.models import SubmissionFile
from forms_builder.storage import get_private_storage
from services.cases.models import Case
from tests.forms_builder.helpers import jpeg_bytes
from tests.forms_builder.test_forms_wizard import complaint_steps, start

from .conftest import ROOT, files_under, keys

pytestmark = pytest.mark.django_db


def anonymous_get(url):
    """What a stranger's browser gets for a URL: (status, body)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own test server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


@pytest.fixture
def staff(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    return client


def file_complaint_with_photo(client, page):
    f = start(client, page)
    what, where, who = complaint_steps(f)
    photo = SimpleUploadedFile("pothole.jpg", jpeg_bytes(size=(64, 48)), "image/jpeg")
    f.post(what, {"category": "road", "details": "ถนนเป็นหลุมลึก"}, files={"photos": photo})
    f.post(where, {"location__text": "หน้าวัดบ้านสวน"})
    f.post(who, {"full_name": "สมศรี ใจดี", "phone": "081 234 5678", "consent": "on"})
    response = f.post("check")
    assert response.status_code == 302, response.content[:500]
    return Case.objects.get()


def test_a_residents_upload_lands_in_the_private_bucket_and_only_staff_can_download_it(
    s3, settings, client, staff, make_form
):
    settings.FORMS_BUILDER_INTAKE = "services.cases.intake.open_case"
    page = make_form("complaint-form")
    case = file_complaint_with_photo(client, page)
    upload = SubmissionFile.objects.get(submission=case.submission)

    # In the private bucket, under private/, and nowhere on this machine's disk.
    assert f"private/{upload.file.name}" in keys(s3["endpoint"], s3["private"])
    assert keys(s3["endpoint"], s3["public"]) == []
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == [] and files_under(settings.MEDIA_ROOT) == []

    # Staff download it through the case queue's access-checked view: the re-encoded photo.
    response = staff.get(f"/admin/cases/{case.pk}/files/{upload.pk}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.getvalue()  # a photo is shown inline, whole; other files stream
    with Image.open(io.BytesIO(body)) as image:
        assert image.size == (64, 48) and not image.getexif()

    # Nobody else: not an anonymous visitor, not a signed-in resident without case access.
    anonymous = Client().get(f"/admin/cases/{case.pk}/files/{upload.pk}/")
    assert anonymous.status_code in (302, 403) and not getattr(anonymous, "streaming", False)
    resident = Client()
    resident.force_login(get_user_model().objects.create_user("resident", password="x" * 12))
    assert resident.get(f"/admin/cases/{case.pk}/files/{upload.pk}/").status_code in (302, 403, 404)
    # The tracking page's file link needs the phone digits first.
    assert Client().get(f"/t/{case.reference}/files/{upload.pk}").status_code in (302, 403, 404)

    # No URL at all: Django refuses to make one, the bucket refuses an unsigned GET, and the
    # staff case page does not point at the object store.
    with pytest.raises(NotImplementedError):
        upload.file.url  # noqa: B018
    direct = f"{s3['endpoint']}/{s3['private']}/private/{upload.file.name}"
    assert anonymous_get(direct)[0] == 403
    case_page = staff.get(f"/admin/cases/{case.pk}/").content.decode()
    assert s3["endpoint"] not in case_page and s3["private"] not in case_page


def test_every_private_file_field_uses_the_private_bucket(s3):
    """Slips, after photos and monthly reports go where the e-form files go."""
    from django.apps import apps

    fields = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if getattr(field, "_storage_callable", None) is get_private_storage
    ]
    assert set(fields) >= {
        "SubmissionFile.file",
        "PendingUpload.file",
        "Payment.slip",
        "Case.after_photo",
        "MonthlyReport.pdf",
        "MonthlyReport.csv",
    }
    name = get_private_storage().save("payments/slips/2026/11/slip.png", ContentFile(b"slip"))
    assert f"private/{name}" in keys(s3["endpoint"], s3["private"])
    assert get_private_storage().open(name).read() == b"slip"
    with pytest.raises(NotImplementedError):
        get_private_storage().url(name)


def test_the_monthly_report_is_written_to_and_downloaded_from_the_bucket(s3, site, staff):
    import datetime

    from services.reporting.monthly import build_report

    report = build_report(site, datetime.date(2026, 10, 1))
    assert f"private/{report.csv.name}" in keys(s3["endpoint"], s3["private"])
    response = staff.get(f"/admin/reports/{report.pk}/csv/")
    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content)
        .decode("utf-8-sig")
        .startswith(report.csv.open().read().decode("utf-8-sig")[:20])
    )
    assert Client().get(f"/admin/reports/{report.pk}/csv/").status_code in (302, 403)


def test_wagtail_images_and_documents_go_to_the_public_bucket_and_are_readable(s3, settings, staff):
    image_file = SimpleUploadedFile("school.jpg", jpeg_bytes(size=(120, 80), exif=False), "image/jpeg")
    response = staff.post("/admin/images/add/", {"title": "โรงเรียน", "file": image_file})
    assert response.status_code == 302, response.content[:800]
    from wagtail.images import get_image_model

    image = get_image_model().objects.get(title="โรงเรียน")
    assert f"media/{image.file.name}" in keys(s3["endpoint"], s3["public"], "media/original_images/")
    rendition = image.get_rendition("width-60")
    assert rendition.url.startswith(f"{s3['endpoint']}/{s3['public']}/media/images/")
    status, body = anonymous_get(rendition.url)
    assert status == 200
    with Image.open(io.BytesIO(body)) as thumb:
        assert thumb.size == (60, 40)

    document_file = SimpleUploadedFile("blank-form.pdf", b"%PDF-1.4 blank form", "application/pdf")
    response = staff.post("/admin/documents/add/", {"title": "แบบคำร้องทั่วไป", "file": document_file, "language": "th"})
    assert response.status_code == 302, response.content[:800]
    from wagtail.documents import get_document_model

    document = get_document_model().objects.get(title="แบบคำร้องทั่วไป")
    assert f"media/{document.file.name}" in keys(s3["endpoint"], s3["public"], "media/documents/")
    # Wagtail's serve view counts the download, then sends the visitor to the object store.
    served = Client().get(document.url)
    assert served.status_code == 302 and served["Location"].startswith(s3["endpoint"])
    assert anonymous_get(served["Location"]) == (200, b"%PDF-1.4 blank form")
    assert files_under(settings.MEDIA_ROOT) == []


def test_without_s3_variables_uploads_stay_on_local_disk_and_boto3_is_not_loaded():
    code = (
        "import sys, django; django.setup(); from django.core.files.storage import storages; "
        "print(type(storages['default']).__name__, type(storages['private']).__name__, 'boto3' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.split() == ["FileSystemStorage", "PrivateStorage", "False"]


def test_storages_private_is_what_the_file_fields_use(s3):
    assert type(storages["private"]).__name__ == "PrivateS3Storage"
    assert get_private_storage().bucket_name == s3["private"]
