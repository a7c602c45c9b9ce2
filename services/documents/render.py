"""The issued document as an A4 PDF: the office's emblem and name, the template's text with the
case's values filled in, Buddhist-Era dates in Thai, the number, and a QR code to /v/<code>.

Built with the portal's one Thai PDF class (services/pdf_fonts.py: Laksaman, HarfBuzz shaping,
Thai line breaks between words). Signing comes after, on these bytes (signing.py)."""

import re

from django.conf import settings
from django.utils import timezone
from pythainlp.util import thai_strftime

from portal import qr
from services.documents.models import ANSWER_PREFIX, PLACEHOLDER_RE
from services.pdf_fonts import draw_logo, office_for, thai_pdf

THAI_CONSONANT = re.compile("[\u0e01-\u0e2e]")


def thai_date(value):
    """ "1 ธันวาคม 2569": the long Thai form, Buddhist-Era year, as official documents print it."""
    return thai_strftime(value, "%-d %B %Y") if value else ""


def initials(name):
    """ "ป. บ." for "ประเสริฐ บุญมา": the first consonant (Thai, skipping a leading vowel such as
    เ or โ) or letter of each word. The verification page shows no more of the holder than this."""
    out = []
    for word in (name or "").split():
        consonant = THAI_CONSONANT.search(word)
        letter = consonant.group(0) if consonant else next((ch for ch in word if ch.isalpha()), "")
        if letter:
            out.append(f"{letter.upper()}.")
    return " ".join(out[:4])


def base_url(site):
    """Where the QR code points: the office's own host; the default office keeps BASE_URL, the
    address the install was configured with (as tracking links and posters do)."""
    configured = getattr(settings, "BASE_URL", "").rstrip("/")
    if site.is_default_site and configured:
        return configured
    return site.root_url.rstrip("/")


def verify_url(document):
    return f"{base_url(document.site)}/v/{document.code}"


def _answer_text(value):
    if isinstance(value, list | tuple):
        return ", ".join(_answer_text(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(str(item) for item in value.values() if item not in (None, ""))
    return "" if value is None else str(value)


def values_for(document, case):
    """The placeholders' values for this document of this case."""
    office = office_for(case.site)
    return {
        "reference": case.reference,
        "number": document.number_display or "-",
        "holder_name": case.submission.contact_name,
        "service": case.service_title,
        "office": office.name if office else case.site.site_name,
        "issued_date": thai_date(timezone.localtime(document.issued_at).date() if document.issued_at else None),
        "valid_until": thai_date(document.valid_until) or "-",
    }


def fill(text, values, answers):
    """`text` with each {placeholder} replaced; never str.format, so no attribute or index of a
    value can be reached from a template."""

    def replace(match):
        name = match.group(1)
        if name.startswith(ANSWER_PREFIX):
            return _answer_text((answers or {}).get(name[len(ANSWER_PREFIX) :]))
        return str(values.get(name, match.group(0)))

    return PLACEHOLDER_RE.sub(replace, text or "")


def build_pdf(document, case, template):
    """PDF bytes (unsigned) of `document`."""
    office = office_for(case.site)
    values = values_for(document, case)
    answers = case.submission.answers or {}
    pdf = thai_pdf(format="A4")
    pdf.set_margins(25, 20, 20)
    pdf.set_title(f"{document.title} {document.number_display}".strip())
    pdf.set_creator(values["office"])
    pdf.add_page()
    if document.draft:
        _draft_mark(pdf)
    draw_logo(pdf, office, x=(210 - 28) / 2, y=14, size=28)
    pdf.set_y(46)
    pdf.set_font("Thai", "B", 16)
    pdf.cell(0, 8, values["office"], align="C", new_x="LMARGIN", new_y="NEXT")
    if office and office.name_en:
        pdf.set_font("Thai", "", 11)
        pdf.cell(0, 6, office.name_en, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Thai", "B", 20)
    pdf.multi_cell(0, 10, fill(document.title, values, answers), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Thai", "", 14)
    number = f"เลขที่ {document.number_display}" if document.number is not None else "ร่าง (ยังไม่ออกเลขที่) — DRAFT"
    pdf.cell(0, 8, number, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Thai", "", 15)
    for paragraph in fill(template.body if template else "", values, answers).splitlines():
        if paragraph.strip():
            pdf.multi_cell(0, 8, paragraph.rstrip(), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(4)
    pdf.ln(6)
    pdf.cell(0, 8, f"ออกให้ ณ วันที่ {values['issued_date']}", new_x="LMARGIN", new_y="NEXT")
    if document.valid_until:
        pdf.cell(0, 8, f"ใช้ได้ถึงวันที่ {values['valid_until']}", new_x="LMARGIN", new_y="NEXT")
    _signature_block(pdf, template, document)
    _verification_block(pdf, document, case)
    return bytes(pdf.output())


def _draft_mark(pdf):
    """DRAFT across the page, in a light red that does not hide the text."""
    pdf.set_font("Thai", "B", 70)
    pdf.set_text_color(235, 180, 180)
    with pdf.rotation(35, x=105, y=160):
        pdf.text(32, 175, "ร่าง — DRAFT")
    pdf.set_text_color(0, 0, 0)


def _signature_block(pdf, template, document):
    pdf.set_y(max(pdf.get_y() + 12, 200))
    pdf.set_x(110)
    pdf.set_font("Thai", "", 14)
    line = "(ลงลายมือชื่ออิเล็กทรอนิกส์)" if not document.draft else "(ร่าง — ยังไม่ได้ลงนาม)"
    pdf.cell(80, 8, line, align="C", new_x="LMARGIN", new_y="NEXT")
    if template is not None and template.signer_title:
        pdf.set_x(110)
        pdf.multi_cell(80, 7, template.signer_title, align="C", new_x="LMARGIN", new_y="NEXT")


# Official letters: the external letter (หนังสือภายนอก) of the Regulation of the Prime Minister's
# Office on Correspondence. Page of 30 mm left and 20 mm right margins, the emblem 3 cm high at the
# top centre, ที่ on the left and the office and its address on the right at the emblem's foot,
# the date from the middle of the page, then เรื่อง, เรียน, อ้างถึง, สิ่งที่ส่งมาด้วย, the text with
# its paragraphs indented 2.5 cm, the closing and the signer from the middle, the contact at the foot.
LETTER_LEFT, LETTER_RIGHT = 30, 20
LETTER_MIDDLE = 105
LETTER_BOTTOM = 52  # room for the verification block on every page
LABEL_WIDTH = 32
INDENT = 25


def build_letter_pdf(document, letter, case):
    """PDF bytes (unsigned) of the official letter `letter`, whose IssuedDocument is `document`."""
    office = office_for(case.site)
    office_name = office.name if office else case.site.site_name
    pdf = thai_pdf(page_breaks=True, format="A4")
    pdf.set_margins(LETTER_LEFT, 15, LETTER_RIGHT)
    pdf.set_auto_page_break(True, margin=LETTER_BOTTOM)
    pdf.set_title(f"{letter.subject} {document.number_display}".strip())
    pdf.set_creator(office_name)
    pdf.add_page()
    if document.draft:
        _draft_mark(pdf)
    draw_logo(pdf, office, x=(210 - 30) / 2, y=15, size=30)
    pdf.set_font("Thai", "", 16)
    top = 47
    number = (
        f"ที่ {letter.office_code}/{document.number}" if document.number is not None else f"ที่ {letter.office_code}/ (ร่าง)"
    )
    pdf.set_xy(LETTER_LEFT, top)
    pdf.cell(70, 8, number)
    pdf.set_xy(125, top)
    address = "\n".join(
        line for line in [office_name, *((office.address if office else "") or "").splitlines()] if line
    )
    pdf.multi_cell(0, 7, address, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + 8) + 4)
    pdf.set_x(LETTER_MIDDLE)
    pdf.cell(0, 8, thai_date(timezone.localtime(document.issued_at).date()), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _letter_line(pdf, "เรื่อง", letter.subject)
    _letter_line(pdf, "เรียน", letter.recipient)
    if letter.reference_to.strip():
        _letter_line(pdf, "อ้างถึง", letter.reference_to)
    if letter.enclosures.strip():
        _letter_line(pdf, "สิ่งที่ส่งมาด้วย", letter.enclosures)
    pdf.ln(3)
    for paragraph in _paragraphs(letter.body):
        pdf.set_x(LETTER_LEFT)
        # The first line indented 2.5 cm: the paragraph's start, as the regulation sets it.
        pdf.multi_cell(0, 8, "\u00a0" * 10 + paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.ln(6)
    _letter_signature(pdf, letter, document)
    if letter.contact.strip():
        pdf.ln(8)
        pdf.set_font("Thai", "", 14)
        pdf.multi_cell(100, 7, letter.contact.strip(), new_x="LMARGIN", new_y="NEXT")
    # The QR block sits in the bottom margin kept free on every page; drawn on the last one.
    pdf.set_auto_page_break(False)
    _verification_block(pdf, document, case)
    return bytes(pdf.output())


def _paragraphs(text):
    """Paragraphs of the letter's text: a blank line separates them; single line breaks inside one
    are kept as spaces (Thai official text flows; the regulation sets no line breaks inside)."""
    blocks, current = [], []
    for line in (text or "").splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks


def _letter_line(pdf, label, text):
    pdf.set_x(LETTER_LEFT)
    pdf.set_font("Thai", "B" if label == "เรื่อง" else "", 16)
    pdf.cell(LABEL_WIDTH if len(label) > 6 else 16, 8, label)
    pdf.set_font("Thai", "", 16)
    pdf.multi_cell(0, 8, text.strip(), new_x="LMARGIN", new_y="NEXT")


def _letter_signature(pdf, letter, document):
    pdf.set_font("Thai", "", 16)
    if pdf.get_y() > pdf.h - LETTER_BOTTOM - 40:
        pdf.add_page()
    for line in (
        letter.closing,
        "",
        "(ลงลายมือชื่ออิเล็กทรอนิกส์)" if not document.draft else "(ร่าง — ยังไม่ได้ลงนาม)",
        f"({letter.signer_name.strip()})",
        letter.signer_position.strip(),
    ):
        pdf.set_x(LETTER_MIDDLE - 20)
        pdf.multi_cell(100, 8, line, align="C", new_x="LMARGIN", new_y="NEXT")


def _verification_block(pdf, document, case):
    """The QR code and its address at the foot of the page: anyone holding the paper checks it."""
    url = verify_url(document)
    top = 247
    pdf.image(qr.png(url, box_size=6, border=2), x=25, y=top, w=30, h=30)
    pdf.set_xy(58, top + 2)
    pdf.set_font("Thai", "B", 11)
    pdf.cell(0, 6, "ตรวจสอบเอกสารฉบับนี้ / Verify this document", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(58)
    pdf.set_font("Thai", "", 10)
    pdf.cell(0, 5, url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(58)
    pdf.cell(0, 5, f"เลขที่คำร้อง {case.reference}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(58)
    pdf.multi_cell(
        127,
        5,
        "เอกสารนี้ลงลายมือชื่ออิเล็กทรอนิกส์ตามพระราชบัญญัติว่าด้วยธุรกรรมทางอิเล็กทรอนิกส์ "
        "และพระราชบัญญัติการปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565"
        if not document.draft
        else "ร่างเอกสาร ไม่มีผลใช้บังคับ / Draft: not a valid document",
        new_x="LMARGIN",
        new_y="NEXT",
    )
