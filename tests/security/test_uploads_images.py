"""Residents' photos (issue 16): refused from the header above 24 megapixels, decoded within a
memory bound, kept at 2560 px on the longest side, and stripped of every comment and metadata,
wherever in the file it sits."""

import io
import struct

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageFile, ImageOps

from forms_builder.uploads import check_and_clean, without_metadata

PHOTO_SPEC = {"key": "photos", "allowed_types": ["image"], "max_size_mb": 10}
MARKER = b"SECRET-MARKER-4711"


def encoded(image, fmt, **kwargs):
    out = io.BytesIO()
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def clean(data, name="photo.jpg"):
    return check_and_clean(SimpleUploadedFile(name, data), PHOTO_SPEC)


@pytest.fixture
def decoded_sizes(monkeypatch):
    """The sizes at which Pillow actually decoded pixels (ImageFile.load), in order."""
    sizes, load = [], ImageFile.ImageFile.load

    def spy(image):
        if image.tile:  # not yet decoded: this call decodes
            sizes.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return sizes


def test_a_25_megapixel_photo_is_refused_from_its_header_with_the_cap_stated(decoded_sizes):
    data = encoded(Image.new("RGB", (6250, 4000), (30, 90, 160)), "PNG")  # 25 MP, a small file
    assert len(data) < 200 * 1024
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        clean(data, "big.png")
    assert refused.value.messages == ["big.png has too many pixels; send a photo of at most 24 megapixels."]
    with translation.override("th"), pytest.raises(ValidationError) as refused_th:
        clean(data, "big.png")
    assert refused_th.value.messages == ["ไฟล์ big.png มีจำนวนพิกเซลมากเกินไป กรุณาส่งรูปถ่ายที่มีขนาดไม่เกิน 24 เมกะพิกเซล"]
    assert decoded_sizes == []  # decided from the header: not one pixel was decoded


def test_the_issue_s_6300_square_png_is_refused_without_decoding(decoded_sizes):
    data = encoded(Image.new("RGB", (6300, 6300), (40, 120, 200)), "PNG")
    with translation.override("en"), pytest.raises(ValidationError, match="too many pixels"):
        clean(data, "flat.png")
    assert decoded_sizes == []


def test_a_24_megapixel_jpeg_is_decoded_at_half_size_and_kept_at_2560_px(decoded_sizes):
    photo = Image.linear_gradient("L").resize((6000, 4000)).convert("RGB")
    data, content_type, extension = clean(encoded(photo, "JPEG", quality=80))
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.size == (2560, 1707) and stored.format == "JPEG"
    assert (content_type, extension) == ("image/jpeg", "jpg")
    # libjpeg decoded 3000x2000 (a quarter of the memory), never the full 6000x4000.
    assert decoded_sizes[0] == (3000, 2000)


def test_a_24_megapixel_png_is_accepted_and_reduced():
    data, content_type, _extension = clean(encoded(Image.new("RGBA", (4000, 6000), (1, 2, 3, 200)), "PNG"), "a.png")
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.size == (1707, 2560) and stored.mode == "RGBA"
    assert content_type == "image/png"


def test_a_reduced_photo_stays_upright():
    """A phone holds a portrait photo as landscape pixels plus an EXIF orientation; after the
    reduction the stored pixels are portrait and carry no EXIF."""
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    landscape = Image.new("RGB", (4000, 3000), (200, 30, 30))
    landscape.paste((0, 0, 255), (0, 0, 400, 3000))  # a blue band on the left of the raw pixels
    data, _type, _ext = clean(encoded(landscape, "JPEG", exif=exif.tobytes()))
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.size == (1920, 2560)
        assert not stored.getexif()
        red, green, blue = stored.convert("RGB").getpixel((960, 20))  # the band is now on top
        assert blue > 200 and red < 60
        assert ImageOps.exif_transpose(stored).size == (1920, 2560)


def test_a_16_bit_grey_png_keeps_its_tones():
    grey = Image.new("I;16", (3000, 3000), 32768)  # mid-grey in 16 bits
    data, _type, _ext = clean(encoded(grey, "PNG"), "scan.png")
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.size == (2560, 2560)
        assert 120 <= stored.convert("L").getpixel((10, 10)) <= 136  # not clipped to white


def jpeg_with_everything():
    """A photo with a comment, EXIF (maker and GPS text), an ICC profile and XMP, all carrying
    the marker."""
    exif = Image.Exif()
    exif[0x010F] = MARKER.decode()  # Make
    exif[0x010E] = MARKER.decode()  # ImageDescription
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + MARKER + b"</x:xmpmeta>"
    return encoded(
        Image.new("RGB", (3200, 2400), (10, 120, 60)),
        "JPEG",
        comment=MARKER,
        exif=exif.tobytes(),
        icc_profile=b"\0" * 40 + MARKER,
        xmp=xmp,
    )


@pytest.mark.parametrize("size", [(320, 240), (3200, 2400)])
def test_a_jpeg_comment_and_all_metadata_are_gone(size):
    data = jpeg_with_everything()
    if size != (3200, 2400):
        data = encoded(Image.open(io.BytesIO(data)).resize(size), "JPEG", comment=MARKER)
    assert MARKER in data
    cleaned, _type, _ext = clean(data)
    assert MARKER not in cleaned
    with Image.open(io.BytesIO(cleaned)) as stored:
        assert "comment" not in stored.info and "icc_profile" not in stored.info and not stored.getexif()


def comment_segment():
    return b"\xff\xfe" + struct.pack(">H", len(MARKER) + 2) + MARKER


def baseline_jpeg_with_a_comment_after_its_scan():
    """A comment (COM segment) after the pixels, before the end marker: Pillow's header reading
    never sees it, and the file still decodes."""
    data = encoded(Image.new("RGB", (64, 48), (200, 200, 20)), "JPEG")
    return data[:-2] + comment_segment() + data[-2:]


def progressive_jpeg_with_a_comment_between_scans():
    data = encoded(Image.new("RGB", (64, 48), (200, 200, 20)), "JPEG", progressive=True)
    second_scan = data.index(b"\xff\xda", data.index(b"\xff\xda") + 2)
    return data[:second_scan] + comment_segment() + data[second_scan:]


@pytest.mark.parametrize(
    "build", [baseline_jpeg_with_a_comment_after_its_scan, progressive_jpeg_with_a_comment_between_scans]
)
def test_a_comment_hidden_after_a_scan_of_a_stored_jpeg_is_not_served(build):
    data = build()
    with Image.open(io.BytesIO(data)) as image:  # a valid picture whose header looks bare
        image.load()
        assert "comment" not in image.info
    served, content_type = without_metadata(data)
    assert MARKER not in served and content_type == "image/jpeg"
    # An upload of the same file is re-encoded anyway.
    assert MARKER not in clean(data)[0]


def test_a_bare_jpeg_is_served_unchanged():
    data = encoded(Image.new("RGB", (64, 48), (200, 200, 20)), "JPEG", progressive=True)
    assert without_metadata(data)[0] is data
