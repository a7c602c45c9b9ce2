"""Thai in every PDF: tone marks sit above their consonant (text shaped by HarfBuzz), checked on
the rendered page, and long Thai lines wrap between words, never inside one."""

import datetime
import io
import subprocess
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader
from pythainlp.tokenize import word_tokenize
from wagtail.models import Site

from forms_builder.models import FormIndexPage, FormPage
from services import demo, pdf_fonts, posters
from services.guide_pdf import build_guide_pdf
from services.payments import receipts
from services.reporting import monthly
from tests.services import guides_fixtures as fx

# (word with a tone mark, the same word without it, what the mark must do)
SAMPLES = [
    ("ผู้", "ผู", "sit just above the consonant"),
    ("ป่", "ป", "move left of the ascender"),
    ("ฟ้", "ฟ", "move left of the ascender"),
    ("ที่", "ที", "stay above the upper vowel"),
    ("น้ำ", "นำ", "stay above the upper vowel"),
]
ROW = 28  # mm per sample
DPI = 127  # 5 pixels per mm


def render_samples(shaped):
    """Each sample with its mark, without it, and a plain น (the top of a consonant), one row
    each, as a greyscale image."""
    pdf = pdf_fonts.thai_pdf(format=(150, 12 + ROW * len(SAMPLES)))
    pdf.set_text_shaping(shaped)
    pdf.add_page()
    pdf.set_font("Thai", size=36)
    for row, (marked, plain, _rule) in enumerate(SAMPLES):
        for x, text in ((10, marked), (60, plain), (110, "น")):
            pdf.set_xy(x, 10 + row * ROW)
            pdf.cell(30, ROW, text)
    png = subprocess.run(
        ["pdftoppm", "-png", "-gray", "-r", str(DPI), "-singlefile", "-"],  # noqa: S607 - poppler-utils
        input=bytes(pdf.output()),
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def ink(image, left, top):
    """Dark pixels of a 40 × ROW mm box as a set of (x, y)."""
    px = 5
    box = image.crop((left * px, top * px, (left + 40) * px, (top + ROW) * px))
    pixels = box.load()
    return {(x, y) for x in range(box.width) for y in range(box.height) if pixels[x, y] < 128}


def misplaced_marks(image):
    """The samples whose tone mark is not where Thai typography puts it."""
    wrong = []
    for row, (marked, _plain, rule) in enumerate(SAMPLES):
        top = 6 + row * ROW
        with_mark, without, consonant = ink(image, 10, top), ink(image, 60, top), ink(image, 110, top)
        mark = with_mark - without
        consonant_top = min(y for _x, y in consonant)
        above = {(x, y) for x, y in without if y < consonant_top - 1}  # upper vowel or ascender
        left, right = min(x for x, _y in mark), max(x for x, _y in mark)
        mark_top, mark_bottom = min(y for _x, y in mark), max(y for _x, y in mark)
        if rule == "sit just above the consonant":
            ok = 0 < consonant_top - mark_bottom <= mark_bottom - mark_top
        elif rule == "move left of the ascender":
            ok = (left + right) / 2 < min(x for x, _y in above) and mark_bottom < consonant_top
        else:
            vowel_left, vowel_right = min(x for x, _y in above), max(x for x, _y in above)
            ok = mark_bottom < min(y for _x, y in above) and left <= vowel_right and right >= vowel_left
        if not ok:
            wrong.append(marked)
    return wrong


def test_tone_marks_sit_above_their_consonant_on_the_rendered_page():
    assert misplaced_marks(render_samples(shaped=True)) == []
    # What every PDF printed before: marks floating high and right, or on top of the ascender.
    assert misplaced_marks(render_samples(shaped=False)) == ["ผู้", "ป่", "ฟ้"]


LONG = "ขออนุญาตก่อสร้างบ้านพักอาศัยสองชั้นในเขตเทศบาลตำบลบ้านสวนริมน้ำ อำเภอเมือง จังหวัดเชียงใหม่"


def test_long_thai_lines_wrap_between_words_and_print_without_hidden_characters():
    pdf = pdf_fonts.thai_pdf(format="A4")
    pdf.add_page()
    pdf.set_font("Thai", size=12)
    lines = pdf.multi_cell(40, 6, LONG, dry_run=True, output="LINES")
    assert len(lines) >= 3
    word_ends, position = set(), 0
    for word in word_tokenize(LONG, keep_whitespace=True):
        position += len(word)
        word_ends.add(position)
    position = 0
    for line in lines:
        while LONG[position] == " ":
            position += 1
        assert LONG.startswith(line, position), (line, LONG[position:])
        position += len(line)
        assert position in word_ends, f"line {line!r} ends inside a word"
    # Printed, the lines carry no zero-width spaces: searching the PDF finds the words.
    pdf.multi_cell(40, 6, LONG)
    text = PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].extract_text()
    assert "\u200b" not in text
    assert "ก่อสร้างบ้านพักอาศัย" in text.replace("\n", "")


def test_latin_text_and_table_cells_keep_their_own_wrapping():
    pdf = pdf_fonts.thai_pdf(format="A4")
    pdf.add_page()
    pdf.set_font("Thai", size=12)
    english = "Issued electronically; valid without a signature."
    lines = pdf.multi_cell(40, 6, english, dry_run=True, output="LINES")
    assert len(lines) > 1 and lines == FPDF.multi_cell(pdf, 40, 6, english, dry_run=True, output="LINES")
    with pdf.table(col_widths=(30, 30), width=60) as table:
        table.row(["บริการ", "ครั้ง"])
        table.row(["ขออนุญาตก่อสร้างบ้านพักอาศัย", "12"])
    text = PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].extract_text()
    assert "ขออนุญาต" in text and "\u200b" not in text


@pytest.mark.django_db
def test_every_pdf_the_portal_makes_is_shaped(monkeypatch, site, home_th, tmp_path, settings):
    """Receipts, monthly reports, QR posters, demo blank forms and guides all draw on ThaiPDF with
    shaping on (the rendering above is what that gives)."""
    settings.MEDIA_ROOT = tmp_path
    made = []
    output = pdf_fonts.ThaiPDF.output

    def record(pdf, *args, **kwargs):
        made.append(pdf.text_shaping is not None)
        return output(pdf, *args, **kwargs)

    monkeypatch.setattr(pdf_fonts.ThaiPDF, "output", record)
    site = Site.objects.get(is_default_site=True)
    invoice = SimpleNamespace(
        site=site,
        receipt_number="RC2569-000001",
        paid_at=timezone.now(),
        case_id=None,
        household_id=None,
        payer="นายสมชาย ใจดี",
        description="ค่าธรรมเนียมเก็บขนขยะมูลฝอย เดือนพฤศจิกายน",
        number="INV2569-000001",
        reference="BSR-2569-00001",
        amount=Decimal("320.50"),
    )
    receipts.build_receipt(invoice)
    overall = {key: 1 for key, _label in monthly.COLUMNS}
    data = {"overall": overall, "backlog": 0, "services": [("แจ้งซ่อมไฟฟ้าสาธารณะ", overall)], "usage": [("guides", 9)]}
    monthly.build_pdf(site, datetime.date(2026, 10, 1), data)
    forms = home_th.add_child(instance=FormIndexPage(title="แบบฟอร์ม", slug="forms"))
    form = forms.add_child(instance=FormPage(title="แจ้งซ่อมไฟฟ้าสาธารณะ", slug="streetlight-form", steps=[]))
    posters.build_poster(form, "poster")
    guide = fx.guide(fx.service_index(home_th))
    demo.form_pdf("ทว.1", "แบบคำร้องทั่วไป", "General request form", demo.FORM_LINES)
    build_guide_pdf(guide, site)
    assert made == [True] * 5
