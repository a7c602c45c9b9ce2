"""portal.qr: the codes residents scan decode to the text we meant, the inline SVG is markup a
strict Content-Security-Policy allows, and the PNG fpdf2 embeds has the promised size."""

import io
import re

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from portal import qr

TEXTS = [
    "https://portal.example/t/TH-2569-000123",
    "00020101021229370016A000000677010111021309999999999915303764540632050",
    "คำร้องขอใบอนุญาต เลขที่ ๑๒๓",  # Thai, as a poster's or receipt's text may be
]
RECT = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z")


def decode(image):
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1, "exactly one QR code in the image"
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text


def rasterise(markup, scale=8):
    """Draw the SVG's one path (qrcode writes one square per dark module) as a bitmap."""
    side = int(re.search(r'viewBox="0 0 (\d+) \1"', markup).group(1))
    image = Image.new("L", (side * scale, side * scale), 255)
    draw = ImageDraw.Draw(image)
    path = re.search(r'<path d="([^"]+)"', markup).group(1)
    squares = RECT.findall(path)
    assert "".join(f"M{x},{y}H{x1}V{y1}H{x}z" for x, y, x1, y1 in squares) == path, "only squares"
    for x, y, x1, y1 in squares:
        draw.rectangle([int(x) * scale, int(y) * scale, int(x1) * scale - 1, int(y1) * scale - 1], fill=0)
    return image


@pytest.mark.parametrize("text", TEXTS)
def test_the_svg_scans_to_the_text(text):
    assert decode(rasterise(qr.svg(text, border=2))) == text


@pytest.mark.parametrize("text", TEXTS)
def test_the_png_scans_to_the_text(text):
    assert decode(Image.open(io.BytesIO(qr.png(text, box_size=12, border=2, error_correction="M")))) == text


def test_the_svg_is_one_path_with_a_viewbox_and_nothing_a_csp_would_block():
    markup = qr.svg("https://portal.example/t/TH-2569-000123")
    assert markup.startswith("<svg ") and markup.endswith("</svg>")  # inline: no XML declaration
    assert markup.count("<path") == 1 and markup.count("<") == 3
    assert re.search(r'viewBox="0 0 \d+ \d+"', markup)
    assert "style" not in markup and "<script" not in markup and "href" not in markup
    assert ' id="' not in markup  # two codes on one page must not repeat an id


def test_label_and_class_are_escaped_attributes_of_the_svg():
    markup = qr.svg("x", label='ชำระ "ค่าน้ำ" <b>', css_class="promptpay-qr")
    opening = markup.split(">", 1)[0]
    assert 'class="promptpay-qr"' in opening and 'role="img"' in opening
    assert 'aria-label="ชำระ &quot;ค่าน้ำ&quot; &lt;b&gt;"' in opening
    assert "role=" not in qr.svg("x")


def test_sizes_follow_box_size_border_and_error_correction():
    text = TEXTS[0]
    modules = int(re.search(r'viewBox="0 0 (\d+)', qr.svg(text, border=0)).group(1))
    assert re.search(rf'viewBox="0 0 {modules + 8} {modules + 8}"', qr.svg(text))  # border 4 by default
    image = Image.open(io.BytesIO(qr.png(text, box_size=12, border=2)))
    assert image.format == "PNG" and image.size == ((modules + 4) * 12, (modules + 4) * 12)
    strong = int(re.search(r'viewBox="0 0 (\d+)', qr.svg(text, border=0, error_correction="H")).group(1))
    weak = int(re.search(r'viewBox="0 0 (\d+)', qr.svg(text, border=0, error_correction="L")).group(1))
    assert strong > weak  # more correction needs a larger code for the same text


def test_the_same_text_gives_the_same_image():
    assert qr.svg(TEXTS[0]) == qr.svg(TEXTS[0])
    assert qr.png(TEXTS[0]) == qr.png(TEXTS[0])
    assert qr.png(TEXTS[0]) != qr.png(TEXTS[0] + "4")
