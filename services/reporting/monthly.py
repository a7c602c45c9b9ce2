"""The monthly report for executives: one month's figures (overall, per service, per
department) and the month's page views, as a PDF (fpdf2, Thai font) and a CSV (UTF-8 with a
BOM, so Excel shows the Thai). Built by `services.reporting.tasks`; kept in private storage and
downloaded from the admin by staff allowed to see reports.

The PDF is a services.pdf_fonts.ThaiPDF like every other (shipped Thai font, shaped text). If
the font is missing the CSV is still built and the report row says why the PDF is missing.

Areas above reporting (queue booking, local taxes) add their own tables through the
`monthly_report_sections` hook: a function (site, month) returning `Section`s, so the report
names what they measure without reporting importing them.
"""

import csv
import dataclasses
import datetime
import io
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.utils import timezone
from pythainlp.util import thai_strftime
from wagtail import hooks

from services import pdf_fonts
from services.cases.models import Case
from services.reporting import stats
from services.reporting.models import MonthlyReport, PageViewCount

COLUMNS = [
    ("received", "รับเรื่อง"),
    ("resolved", "แล้วเสร็จ"),
    ("median_days", "มัธยฐาน (วัน)"),
    ("p90_days", "P90 (วัน)"),
    ("within_sla_pct", "ทันกำหนด (%)"),
    ("satisfaction", "ความพึงพอใจ"),
]


SECTIONS_HOOK = "monthly_report_sections"


@dataclass
class Section:
    """One table an area adds to the month's report: a Thai title, column headings and rows of
    plain values (numbers are formatted by the report)."""

    title: str
    header: list
    rows: list = dataclasses.field(default_factory=list)
    widths: tuple = ()


def month_end(month):
    return stats.add_months(month, 1) - datetime.timedelta(days=1)


def month_figures(site, month):
    """The month's figures: the last month of a 12-month window ending on the month's last day."""
    figures = stats.compute(Case.objects.filter(site=site), today=month_end(month))
    key = month.isoformat()[:7]

    def pick(entry):
        return next(m for m in entry["months"] if m["month"] == key)

    return {
        "overall": pick(figures["overall"]),
        "backlog": figures["overall"]["backlog"],
        "services": [(s["name"]["th"], pick(s)) for s in figures["services"]],
        "departments": figures["departments"],
        "usage": list(
            PageViewCount.objects.filter(site=site, month=month).order_by("-views").values_list("section", "views")
        ),
        "sections": [section for fn in hooks.get_hooks(SECTIONS_HOOK) for section in fn(site, month)],
    }


def _cell(value):
    return "–" if value is None else str(value)


def build_csv(month, data):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["เดือน", "กลุ่ม", "ชื่อ", *[label for _key, label in COLUMNS]])
    label = month.isoformat()[:7]
    writer.writerow([label, "รวม", "ทุกบริการ", *[_cell(data["overall"][k]) for k, _l in COLUMNS]])
    for name, figures in data["services"]:
        writer.writerow([label, "บริการ", name, *[_cell(figures[k]) for k, _l in COLUMNS]])
    writer.writerow([])
    writer.writerow(["เดือน", "ส่วนของเว็บไซต์", "จำนวนการเปิดดูหน้า"])
    for section, views in data["usage"]:
        writer.writerow([label, section, views])
    for section in data.get("sections", ()):
        writer.writerow([])
        writer.writerow(["เดือน", section.title])
        writer.writerow(["เดือน", *section.header])
        for row in section.rows:
            writer.writerow([label, *row])
    return buffer.getvalue().encode("utf-8")


def build_pdf(site, month, data):
    pdf = pdf_fonts.thai_pdf(page_breaks=True, format="A4")
    pdf.set_creator("Citizen portal")
    pdf.set_title(f"รายงานผลการให้บริการ {month:%Y-%m}")
    pdf.add_page()
    month_th = thai_strftime(datetime.datetime.combine(month, datetime.time()), "%B %Y")
    pdf.set_font("Thai", "B", 18)
    pdf.multi_cell(0, 10, text=f"รายงานผลการให้บริการประจำเดือน{month_th}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Thai", size=12)
    pdf.multi_cell(0, 7, text=site.site_name or "", new_x="LMARGIN", new_y="NEXT")
    built = thai_strftime(timezone.localtime(), "%-d %b %Y %H:%M น.")
    pdf.cell(0, 7, text=f"จัดทำเมื่อ {built}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    overall = data["overall"]
    pdf.set_font("Thai", "B", 14)
    pdf.cell(0, 9, text="ภาพรวม", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Thai", size=12)
    lines = [
        ("คำร้องที่ได้รับ", overall["received"]),
        ("คำร้องที่ดำเนินการแล้วเสร็จ", overall["resolved"]),
        ("ระยะเวลาดำเนินการ มัธยฐาน (วัน)", overall["median_days"]),
        ("ระยะเวลาที่ 9 ใน 10 เรื่องเสร็จภายใน (วัน)", overall["p90_days"]),
        ("เสร็จทันกำหนด (%)", overall["within_sla_pct"]),
        ("ความพึงพอใจเฉลี่ย (เต็ม 5)", overall["satisfaction"]),
        ("เรื่องค้างดำเนินการ ณ วันจัดทำรายงาน", data["backlog"]),
    ]
    for label, value in lines:
        pdf.cell(120, 7, text=label)
        pdf.cell(0, 7, text=_cell(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Thai", "B", 14)
    pdf.cell(0, 9, text="แยกตามบริการ", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Thai", size=10)
    with pdf.table(col_widths=(60, 18, 18, 22, 18, 22, 22), text_align="LEFT") as table:
        table.row(["บริการ", *[label for _k, label in COLUMNS]])
        for name, figures in data["services"]:
            table.row([name, *[_cell(figures[k]) for k, _l in COLUMNS]])
    pdf.ln(3)
    pdf.set_font("Thai", "B", 14)
    pdf.cell(0, 9, text="สถิติการใช้งานเว็บไซต์ (จำนวนการเปิดดูหน้า)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Thai", size=11)
    total = sum(v for _s, v in data["usage"])
    pdf.cell(0, 7, text=f"รวม {total:,} ครั้ง (นับโดยไม่ใช้คุกกี้และไม่เก็บข้อมูลส่วนบุคคล)", new_x="LMARGIN", new_y="NEXT")
    if data["usage"]:
        with pdf.table(col_widths=(100, 40), text_align="LEFT", width=140, align="LEFT") as table:
            table.row(["ส่วนของเว็บไซต์", "ครั้ง"])
            for section, views in data["usage"]:
                table.row([section, f"{views:,}"])
    for section in data.get("sections", ()):
        pdf.ln(3)
        pdf.set_font("Thai", "B", 14)
        pdf.multi_cell(0, 9, text=section.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Thai", size=10)
        if not section.rows:
            pdf.cell(0, 7, text="ไม่มีรายการในเดือนนี้", new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(col_widths=section.widths or None, text_align="LEFT") as table:
            table.row([str(h) for h in section.header])
            for row in section.rows:
                table.row([_cell(v) for v in row])
    return bytes(pdf.output())


def build_report(site, month):
    """Build (or rebuild) the month's report; idempotent: one row per site and month."""
    month = stats.month_start(month)
    data = month_figures(site, month)
    report, _created = MonthlyReport.objects.get_or_create(site=site, month=month)
    for field in (report.pdf, report.csv):
        if field:
            field.delete(save=False)
    name = f"report-{site.pk}-{month:%Y-%m}"
    report.csv.save(f"{name}.csv", ContentFile(build_csv(month, data)), save=False)
    report.note = ""
    try:
        report.pdf.save(f"{name}.pdf", ContentFile(build_pdf(site, month, data)), save=False)
    except ImproperlyConfigured as problem:  # no Thai font on this machine
        report.note = str(problem)[:300]
    report.created_at = timezone.now()
    report.save()
    return report
