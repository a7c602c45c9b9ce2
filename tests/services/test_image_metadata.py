"""An editor's phone photo uploaded through Wagtail is stored, and its original served, without
the GPS position, camera and maker notes (issue 14, item 10: every image served to anyone)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.images import get_image_model

from tests.services.cases.test_after_photo import assert_bare, phone_photo

pytestmark = pytest.mark.django_db


def test_an_editors_phone_photo_is_stored_without_its_metadata(client, admin_user, site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin_user)
    response = client.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("village-fair.jpg", phone_photo(), content_type="image/jpeg")},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 200 and response.json()["success"], response.content[:300]
    image = get_image_model().objects.get()
    with image.open_file() as handle:
        stored = handle.read()
    assert_bare(stored)
    assert (image.width, image.height) == (48, 64) and image.file_size == len(stored)
    # A rendition (what pages show) is made from the clean file.
    rendition = image.get_rendition("width-40")
    with rendition.file.open("rb") as handle, Image.open(io.BytesIO(handle.read())) as shown:
        assert not shown.getexif()


def test_a_clean_picture_is_stored_byte_for_byte(site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "green").save(out, "PNG")
    image = get_image_model().objects.create(
        title="logo", file=SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")
    )
    with image.open_file() as handle:
        assert handle.read() == out.getvalue()
