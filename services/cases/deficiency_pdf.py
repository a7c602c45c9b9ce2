"""The record of missing documents as an A4 PDF (Licensing Facilitation Act B.E. 2558, section 8:
the applicant gets in writing what their application lacks). Thai, with the office's name and
logo, the request's reference and the date in the Buddhist Era; made from the stored record each
time it is downloaded, so it never differs from what the officer recorded."""

from django.utils import translation

from portal.templatetags.portal_tags import thaidate
from services.pdf_fonts import draw_logo, office_for, thai_pdf

PROBLEMS_TH = {"missing": "ไม่มี / ยังไม่ได้ยื่น", "wrong": "ไม่ถูกต้องหรือไม่ครบถ้วน"}


def build(record):
    """The record's PDF bytes (always in Thai: it is the office's official record)."""
    case = record.case
    office = office_for(case.site)
    office_name = (office.name if office else "") or case.site.site_name
    pdf = thai_pdf(page_breaks=True, format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    draw_logo(pdf, office, x=95, y=12, size=20)
    pdf.set_y(36)
    pdf.set_font("Thai", "B", 18)
    pdf.cell(0, 9, "บันทึกความบกพร่องของคำขอและเอกสารหลักฐาน", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Thai", "", 14)
    pdf.cell(0, 8, office_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with translation.override("th"):
        rows = [
            ("เลขที่คำร้อง", case.reference),
            ("เรื่อง", case.service_title),
            ("วันที่ยื่นคำขอ", thaidate(case.submitted_at, "long")),
            ("วันที่บันทึก", thaidate(record.created_at, "long")),
        ]
    for label, value in rows:
        pdf.set_font("Thai", "B", 14)
        pdf.cell(40, 8, label)
        pdf.set_font("Thai", "", 14)
        pdf.multi_cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Thai", "", 14)
    pdf.multi_cell(
        0,
        7,
        "ตามพระราชบัญญัติการอำนวยความสะดวกในการพิจารณาอนุญาตของทางราชการ พ.ศ. 2558 มาตรา 8 "
        "เจ้าหน้าที่ได้ตรวจคำขอของท่านแล้ว พบว่าเอกสารหลักฐานต่อไปนี้ยังไม่มีหรือไม่ถูกต้อง",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    with pdf.table(col_widths=(12, 108, 50), text_align=("CENTER", "LEFT", "LEFT"), line_height=8) as table:
        header = table.row()
        for text in ("ที่", "เอกสาร", "ปัญหา"):
            header.cell(text)
        for number, item in enumerate(record.items, start=1):
            row = table.row()
            row.cell(str(number))
            row.cell(item["name"])
            row.cell(PROBLEMS_TH.get(item.get("problem"), PROBLEMS_TH["missing"]))
    if record.note:
        pdf.ln(3)
        pdf.set_font("Thai", "B", 14)
        pdf.cell(0, 8, "หมายเหตุ", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Thai", "", 14)
        pdf.multi_cell(0, 7, record.note, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(
        0,
        7,
        f"โปรดส่งเอกสารดังกล่าวทางหน้าติดตามเรื่อง /t/{case.reference} ระยะเวลาพิจารณาจะหยุดนับจนกว่าหน่วยงานจะได้รับเอกสารครบถ้วน",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
