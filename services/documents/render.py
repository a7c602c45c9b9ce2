"""The issued document as an A4 PDF: the office's emblem and name, the template's text with the
case's values filled in, Buddhist-Era dates in Thai, the number, and a QR code to /v/<code>.

Built with the portal's one Thai PDF class (services/pdf_fonts.py: Laksaman, HarfBuzz shaping,
Thai line breaks between words). Signing comes after, on these bytes (signing.py)."""

import re

from django.conf import settings
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
        "issued_date": thai_date(document.issued_at.date() if document.issued_at else None),
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
