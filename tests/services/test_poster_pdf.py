"""QR posters and sticker sheets: the PDF carries the Thai and English service names, the short
link, and a QR code that decodes to that link."""

import io

import pytest
from pypdf import PdfReader
from wagtail.models import Locale

from tests.services.cases.support import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED = False  # issue 9's two-step sign-in is tested on its own
    settings.BASE_URL = "https://bansuan.example.go.th"


@pytest.fixture
def world(home_th):
    world = make_world(home_th)
    form = world["form"]
    english_locale = Locale.objects.get(language_code="en")
    form.get_parent().copy_for_translation(english_locale)
    english = form.copy_for_translation(english_locale)
    english.title = "Report a broken streetlight"
    english.save_revision().publish()
    return world


def _text(content):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _qr_texts(content):
    """Decode every QR code on the PDF's images (the QR is embedded as a PNG image)."""
    import zxingcpp

    texts = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for image in page.images:
            texts += [r.text for r in zxingcpp.read_barcodes(image.image)]
    return texts


def test_a4_poster_has_thai_and_english_names_and_the_short_link(client, world):
    form = world["form"]
    client.force_login(world["officer_works"])
    listing = client.get("/admin/payments/posters/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert form.title in listing
    response = client.get(f"/admin/payments/posters/{form.pk}/poster.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "แจ้งซ่อมไฟฟ้าสาธารณะ" in text
    assert "Report a broken streetlight" in text
    assert f"https://bansuan.example.go.th/f/{form.short_code}" in text
    assert _qr_texts(response.content) == [f"https://bansuan.example.go.th/f/{form.short_code}"]
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1


def test_sticker_sheet_has_four_a6_stickers_on_one_a4(client, world):
    form = world["form"]
    client.force_login(world["officer_works"])
    response = client.get(f"/admin/payments/posters/{form.pk}/stickers.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    assert _text(response.content).count("แจ้งซ่อมไฟฟ้าสาธารณะ") == 4
    # fpdf2 embeds the one QR image once and places it four times.
    assert set(_qr_texts(response.content)) == {f"https://bansuan.example.go.th/f/{form.short_code}"}
    assert reader.pages[0].get_contents().get_data().count(b" Do") == 4  # four QR placements (the emblem is vector)


def test_unknown_kind_is_not_found(client, world):
    client.force_login(world["officer_works"])
    assert client.get(f"/admin/payments/posters/{world['form'].pk}/banner.pdf", follow=True).status_code == 404
