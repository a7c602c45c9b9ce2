"""What a resident sees when a photo is too big or the server is busy (issue 16): the message
next to the photo question, in the page's language, and everything else typed is kept."""

import io
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from forms_builder.models import PendingUpload
from portal import image_decode
from tests.forms_builder.test_forms_wizard import complaint_steps, start

pytestmark = pytest.mark.django_db


def png_header_only(width, height):
    """A PNG whose header says width x height and whose pixel data is a few bytes: refused from
    the header, it must never be decoded."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def photo_error(response):
    return re.search(r'id="error-photos">(.*?)</p>', response.content.decode(), re.S)[1]


def test_a_25_megapixel_photo_is_refused_next_to_the_field_and_the_answers_are_kept(client, make_form):
    page = make_form("complaint-form")
    f = start(client, page)
    response = f.post(
        complaint_steps(f)[0],
        {"category": "road", "details": "ถนนเป็นหลุมลึกหน้าบ้าน"},
        files={"photos": SimpleUploadedFile("หลุม.png", png_header_only(6250, 4000))},
    )
    assert response.status_code == 200
    assert "ไฟล์ หลุม.png มีจำนวนพิกเซลมากเกินไป กรุณาส่งรูปถ่ายที่มีขนาดไม่เกิน 24 เมกะพิกเซล" in photo_error(response)
    html = response.content.decode()
    assert "ถนนเป็นหลุมลึกหน้าบ้าน" in html and re.search(r'value="road"[^>]*checked', html)
    assert not PendingUpload.objects.exists()


def test_the_english_page_says_it_in_english(client, make_form):
    _th, page_en = make_form("complaint-form", english=True)
    f = start(client, page_en)
    response = f.post(
        complaint_steps(f)[0],
        {"category": "road", "details": "pothole"},
        files={"photos": SimpleUploadedFile("hole.png", png_header_only(6300, 6300))},
    )
    assert "hole.png has too many pixels; send a photo of at most 24 megapixels." in photo_error(response)


def test_a_busy_server_asks_to_try_again_and_keeps_the_rest_of_the_form(client, make_form, settings):
    settings.UPLOAD_DECODE_SLOTS = 1
    settings.UPLOAD_DECODE_WAIT_SECONDS = 0.1
    page = make_form("complaint-form")
    f = start(client, page)
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (10, 200, 10)).save(out, format="JPEG")
    with image_decode.budget().hold(cost=1, timeout=0):  # another resident's photo is decoding
        response = f.post(
            complaint_steps(f)[0],
            {"category": "road", "details": "ถนนเป็นหลุมลึกหน้าบ้าน"},
            files={"photos": SimpleUploadedFile("hole.jpg", out.getvalue())},
        )
    assert response.status_code == 200
    assert "ขณะนี้ระบบมีผู้ใช้งานจำนวนมาก จึงยังรับไฟล์ hole.jpg ไม่ได้ กรุณาลองส่งอีกครั้งในอีกประมาณ 1 นาที" in photo_error(response)
    assert "ถนนเป็นหลุมลึกหน้าบ้าน" in response.content.decode()
    # A minute later the same photo goes through.
    response = f.post(
        complaint_steps(f)[0],
        {"category": "road", "details": "ถนนเป็นหลุมลึกหน้าบ้าน"},
        files={"photos": SimpleUploadedFile("hole.jpg", out.getvalue())},
    )
    assert PendingUpload.objects.count() == 1 and f.current() == complaint_steps(f)[1]
