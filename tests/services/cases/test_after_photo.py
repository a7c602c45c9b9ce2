"""The officer's after photo: no GPS or camera data reaches anyone, and it is shown inline."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from services.cases import workflow
from services.cases.models import Case, CaseStatus
from tests.services.cases.support import make_world, open_link, submit

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def phone_photo(comment=b"Shot on Canon EOS 5D at home"):
    """A JPEG as a phone writes it: EXIF with the camera, maker, GPS position and an orientation
    (turned 90 degrees), a comment, and XMP that repeats the position."""
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS 5D"
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show upright
    exif[0x927C] = b"MakerNote serial 123456"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (18.0, 47.0, 17.5), 3: "E", 4: (98.0, 59.0, 3.0)})
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description GPSLatitude="18,47.29N"/></rdf:RDF></x:xmpmeta>'
    )
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, "JPEG", exif=exif, comment=comment, xmp=xmp)
    return out.getvalue()


def assert_bare(data):
    for secret in (b"Canon", b"GPS", b"MakerNote", b"xmpmeta", b"Shot on"):
        assert secret not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
        assert image.size == (48, 64)  # the orientation was applied to the pixels before EXIF went


@pytest.fixture
def world(home_th):
    return make_world(home_th)


def resolve_with_photo(client, world, data):
    case, _ = submit(world["form"])
    workflow.change_status(case, CaseStatus.ACCEPTED)
    client.force_login(world["officer_works"])
    response = client.post(
        f"/admin/cases/{case.pk}/",
        {
            "action": "status",
            "status": "in_progress",
            "version": Case.objects.get(pk=case.pk).version,
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/admin/cases/{case.pk}/",
        {
            "action": "status",
            "status": "resolved",
            "message": "ซ่อมเสร็จแล้ว",
            "version": Case.objects.get(pk=case.pk).version,
            "after_photo": SimpleUploadedFile("IMG_0001.jpg", data, content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.get(pk=case.pk)


def test_after_photo_reaches_resident_and_staff_without_metadata_and_inline(client, world):
    data = phone_photo()
    assert b"GPS" in data and b"Canon" in data  # the test photo does carry what must go
    case = resolve_with_photo(client, world, data)

    with case.after_photo.open("rb") as stored:
        assert_bare(stored.read())  # cleaned before it was stored, not only when served

    staff_page = client.get(f"/admin/cases/{case.pk}/").content.decode()
    assert f'<img src="/admin/cases/{case.pk}/photo/"' in staff_page
    assert 'alt="ภาพหลังดำเนินการ' in staff_page
    staff_photo = client.get(f"/admin/cases/{case.pk}/photo/")
    assert staff_photo["Content-Type"] == "image/jpeg"
    assert staff_photo["Content-Disposition"].startswith("inline")
    assert_bare(staff_photo.content)

    client.logout()
    open_link(client, case)
    page = client.get(f"/t/{case.reference}").content.decode()
    assert f'<img src="/t/{case.reference}/photo"' in page
    assert 'alt="' in page.split(f'<img src="/t/{case.reference}/photo"')[1].split(">")[0]
    served = client.get(f"/t/{case.reference}/photo")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"] == f'inline; filename="{case.reference}-after.jpg"'
    assert served["Cache-Control"] == "private, no-store"
    assert_bare(served.content)


def test_photo_stored_before_the_rule_is_cleaned_when_served(client, world):
    """Photos already in storage kept their EXIF; they are cleaned on the way out."""
    case, _ = submit(world["form"])
    case.after_photo.save("old.jpg", ContentFile(phone_photo()), save=True)
    client.force_login(world["officer_works"])
    assert_bare(client.get(f"/admin/cases/{case.pk}/photo/").content)


def test_a_photo_without_metadata_is_served_as_stored(client, world):
    out = io.BytesIO()
    Image.new("RGB", (48, 64), "green").save(out, "JPEG")
    case, _ = submit(world["form"])
    case.after_photo.save("clean.jpg", ContentFile(out.getvalue()), save=True)
    client.force_login(world["officer_works"])
    assert client.get(f"/admin/cases/{case.pk}/photo/").content == out.getvalue()


def test_a_file_that_is_not_a_photo_is_refused_next_to_the_field(client, world):
    case, _ = submit(world["form"])
    workflow.change_status(case, CaseStatus.ACCEPTED)
    client.force_login(world["officer_works"])
    response = client.post(
        f"/admin/cases/{case.pk}/",
        {
            "action": "status",
            "status": "in_progress",
            "version": Case.objects.get(pk=case.pk).version,
            # Passes Django's ImageField (a real image) but not the e-forms' types: a GIF.
            "after_photo": SimpleUploadedFile("a.gif", _gif(), content_type="image/gif"),
        },
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED
    html = response.content.decode()
    # The e-forms' message, in Thai, right after the photo field.
    assert "ไฟล์ a.gif ไม่ใช่ไฟล์ชนิดที่รับ" in html.split('id="id_after_photo"')[1].split("</div>")[0]


def _gif():
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(out, "GIF")
    return out.getvalue()
