"""The e-receipt: a one-page A5 PDF with a Thai font, built on demand from the paid invoice.

Nothing is stored: the invoice holds the receipt number, amount, payer and date, so the PDF
is the same every time it is downloaded (and never leaks from a public folder).
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from pythainlp.util import bahttext, thai_strftime

from services.pdf_fonts import draw_logo, office_for, thai_pdf


def payer_name(invoice):
    if invoice.case_id:
        return invoice.case.submission.contact_name
    if invoice.household_id:
        return invoice.household.holder_name
    return invoice.payer


def build_receipt(invoice):
    """PDF bytes of the receipt of a paid invoice. Thai first, English beneath each label."""
    office = office_for(invoice.site)
    pdf = thai_pdf(format="A5")
    pdf.set_title(f"ใบเสร็จรับเงิน {invoice.receipt_number}")
    pdf.add_page()
    draw_logo(pdf, office, x=12, y=10, size=20)
    pdf.set_xy(36, 10)
    pdf.set_font("Thai", "B", 15)
    pdf.cell(0, 8, office.name if office else "", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(36)
    pdf.set_font("Thai", "", 11)
    pdf.cell(0, 6, office.name_en if office else "", new_x="LMARGIN", new_y="NEXT")
    if office and office.address:
        pdf.set_x(36)
        pdf.multi_cell(0, 5, office.address, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Thai", "B", 18)
    pdf.cell(0, 9, "ใบเสร็จรับเงินอิเล็กทรอนิกส์", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Thai", "", 11)
    pdf.cell(0, 6, "Electronic receipt", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    paid = timezone.localtime(invoice.paid_at)
    rows = [
        ("เลขที่ใบเสร็จ", "Receipt no.", invoice.receipt_number),
        ("วันที่รับเงิน", "Date paid", thai_strftime(paid, "%-d %B %Y %H:%M น.")),
        ("ได้รับเงินจาก", "Received from", payer_name(invoice) or "-"),
        ("รายการ", "For", invoice.description),
        ("ใบแจ้งหนี้", "Invoice", invoice.number),
        ("เลขอ้างอิง", "Reference", invoice.reference),
        ("จำนวนเงิน", "Amount", f"{invoice.amount:,.2f} บาท (baht)"),
        ("", "", f"({bahttext(float(invoice.amount))})"),
    ]
    for thai, english, value in rows:
        y = pdf.get_y()
        pdf.set_font("Thai", "B", 12)
        pdf.set_xy(12, y)
        pdf.cell(38, 6, thai)
        pdf.set_font("Thai", "", 12)
        pdf.set_xy(52, y)
        pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
        value_bottom = pdf.get_y()  # a long description takes several lines: the next row starts below it
        if english:
            pdf.set_font("Thai", "", 9)
            pdf.set_xy(12, y + 5)
            pdf.cell(38, 4, english)
            pdf.set_y(max(value_bottom, y + 10))
        pdf.ln(1)
    pdf.ln(6)
    pdf.set_font("Thai", "", 10)
    pdf.multi_cell(
        0,
        5,
        "เอกสารนี้ออกโดยระบบอิเล็กทรอนิกส์ ตามพระราชบัญญัติการปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565\n"
        + _("Issued electronically; valid without a signature."),
        align="C",
    )
    return bytes(pdf.output())
