"""Demo content of the guides room, on top of the starter catalogue (services/starter.py): the
demo municipality's departments (names, phones, emails, who works each queue), the forms library
with real PDF blank forms and filled-in examples, attached to the starter's guides.

Idempotent: departments by code, documents by form code, guides by slug; PDFs are generated once
(the same bytes every time) and kept.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from wagtail.models import Collection, Locale

from portal.starter import office_names
from services import pdf_fonts
from services.models import Department, FormDocument, ServiceCategory, ServicePage
from services.starter import CATEGORIES, SERVICES, fill

# code: (Thai name, English name, phone extension, email)
DEPARTMENTS = {
    "clerk": ("สำนักปลัดเทศบาล", "Office of the Municipal Clerk", "101", "clerk@bansuan.go.th"),
    "works": ("กองช่าง", "Public Works Division", "201", "works@bansuan.go.th"),
    "health": ("กองสาธารณสุขและสิ่งแวดล้อม", "Public Health and Environment Division", "301", "health@bansuan.go.th"),
    "finance": ("กองคลัง", "Finance Division", "401", "finance@bansuan.go.th"),
    "welfare": ("กองสวัสดิการสังคม", "Social Welfare Division", "501", "welfare@bansuan.go.th"),
}
# Who works each queue and who receives escalations (demo users from portal/demo.py).
MEMBERS = {"works": ["officer.works"], "health": ["officer.health"]}
HEADS = {"works": "officer.works", "health": "officer.health", "clerk": "admin"}
# The demo's sign-offs (issue 20): (guide slug, step index, approval role). The starter leaves
# them out (a new office has no one holding a role yet); the demo's ปลัดเทศบาล holds this one
# (services/cases/demo.py), so `make run` shows them an "awaiting my approval" list.
APPROVAL_STEPS = [("building-permit", 3, "clerk")]

# Extra library forms not tied to a guide: (code, file name, Thai title, English title, category, description)
EXTRA_FORMS = [
    ("ทว.1", "general-request", "แบบคำร้องทั่วไป", "General request form", "requests", "ใช้ยื่นเรื่องที่ไม่มีแบบฟอร์มเฉพาะ"),
    (
        "ขอ.1",
        "official-information-request",
        "แบบคำขอข้อมูลข่าวสารของราชการ",
        "Request for official information",
        "registration",
        "ขอข้อมูลตาม พ.ร.บ.ข้อมูลข่าวสารของราชการ พ.ศ. 2540",
    ),
]


def form_pdf(code, title_th, title_en, lines, filled=None):
    """A one-page A4 blank form (or, with `filled`, a worked example) as PDF bytes."""
    pdf = pdf_fonts.thai_pdf(page_breaks=True, format="A4")
    pdf.set_creator("Citizen portal demo")
    pdf.set_title(title_th)
    pdf.set_creation_date(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))  # the same bytes on every run
    pdf.add_page()
    pdf.set_font("Thai", size=11)
    pdf.cell(0, 6, text=f"แบบ {code}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, text="เทศบาลตำบลบ้านสวนริมน้ำ อำเภอเมือง จังหวัดเชียงใหม่", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Thai", size=18)
    pdf.multi_cell(0, 10, text=title_th, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Thai", size=12)
    pdf.cell(0, 7, text=title_en, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.cell(
        0,
        8,
        text="เขียนที่ ........................................  วันที่ ........ เดือน .................... พ.ศ. ..........",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    for index, line in enumerate(lines):
        value = (filled or {}).get(index)
        text = line.replace("....", value, 1) if value else line
        pdf.multi_cell(0, 9, text=text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.cell(
        0, 9, text="ลงชื่อ ............................................ ผู้ยื่นคำขอ", align="R", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.cell(0, 9, text="(............................................)", align="R", new_x="LMARGIN", new_y="NEXT")
    if filled:
        pdf.set_font("Thai", size=14)
        pdf.set_text_color(160, 20, 20)
        pdf.cell(0, 12, text="ตัวอย่างการกรอกแบบฟอร์ม / Example", align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


FORM_LINES = [
    "ข้าพเจ้า (นาย/นาง/นางสาว) ....................................................... อายุ ........ ปี",
    "เลขประจำตัวประชาชน ....................................................",
    "อยู่บ้านเลขที่ ........ หมู่ที่ ........ ตำบลบ้านสวน อำเภอเมือง จังหวัดเชียงใหม่",
    "โทรศัพท์ ........................................",
    "มีความประสงค์ ..............................................................................................................",
    "พร้อมนี้ได้แนบเอกสารหลักฐานมาด้วย ดังนี้ ...........................................................................",
]
EXAMPLE_VALUES = {
    0: "นางสาวสมใจ ใจงาม",
    1: "3 5099 00123 45 1",
    2: "45",
    3: "08 1234 5678",
    4: "ขออนุญาตก่อสร้างบ้านพักอาศัย 2 ชั้น",
}


def ensure_forms(site, categories, out):
    collection = Collection.get_first_root_node()
    documents = {}
    names = office_names(site)
    specs = [
        (s["form_code"], s["slug"], s["th"]["title"], s["en"]["title"], s["category"], fill(s["th"]["summary"], names))
        for s in SERVICES
    ]
    specs += EXTRA_FORMS
    for code, filename, title_th, title_en, category, description in specs:
        title = f"แบบฟอร์ม{title_th}"[:255] if not title_th.startswith("แบบ") else title_th
        document = FormDocument.objects.filter(form_code=code).first()
        if document is None:
            document = FormDocument(form_code=code, collection=collection)
            document.file.save(f"{filename}.pdf", ContentFile(form_pdf(code, title, title_en, FORM_LINES)), save=False)
        document.title = title
        document.category = categories[category][0]
        document.language = FormDocument.Language.THAI
        document.description = description[:300]
        document._set_document_file_metadata()
        document.save()
        documents[code] = document
    # Filled-in examples for the two services residents most often get wrong.
    for code, filename in (("ข.1", "example-building-permit"), ("ผส.1", "example-elderly-allowance")):
        example_code = f"{code}-ตัวอย่าง"
        source = documents[code]
        example = FormDocument.objects.filter(form_code=example_code).first()
        if example is None:
            example = FormDocument(form_code=example_code, collection=collection)
            pdf = form_pdf(code, source.title, "Filled-in example", FORM_LINES, filled=EXAMPLE_VALUES)
            example.file.save(f"{filename}.pdf", ContentFile(pdf), save=False)
        example.title = f"ตัวอย่างการกรอก {source.title}"[:255]
        example.category = source.category
        example.description = "ตัวอย่างแบบฟอร์มที่กรอกข้อมูลครบถ้วนแล้ว"
        example._set_document_file_metadata()
        example.save()
        documents[example_code] = example
    out.write(f"  forms library: {len(documents)} PDF forms")
    return documents


def prepare(site, out):
    """Before the starter: the demo's department names and phones, so the guides' steps and
    complaint lines the starter writes name them."""
    for code, (name, name_en, ext, email) in DEPARTMENTS.items():
        Department.objects.update_or_create(
            site=site,
            code=code,
            defaults={"name": name, "name_en": name_en, "phone": f"0 5312 3456 ต่อ {ext}", "email": email},
        )


def ensure_staff(site):
    """Heads and members of the demo departments (the demo users exist by now)."""
    User = get_user_model()
    users = {
        user.username: user for user in User.objects.filter(username__in=[*HEADS.values(), *sum(MEMBERS.values(), [])])
    }
    for department in Department.objects.filter(site=site, code__in=DEPARTMENTS):
        department.head = users.get(HEADS.get(department.code, ""))
        department.save(update_fields=["head"])
        department.members.add(*[users[u] for u in MEMBERS.get(department.code, []) if u in users])


def site_categories(site, thai):
    scope = {"site": site} if any(f.name == "site" for f in ServiceCategory._meta.get_fields()) else {}
    return {c.slug: (c,) for c in ServiceCategory.objects.filter(locale=thai, slug__in=CATEGORIES, **scope)}


def attach_forms(site, documents):
    """Each guide (both languages) lists its PDF blank form and, where there is one, its example."""
    for spec in SERVICES:
        code = spec["form_code"]
        forms = [("form", {"document": documents[code], "caption": ""})]
        example = documents.get(f"{code}-ตัวอย่าง")
        examples = [("form", {"document": example, "caption": ""})] if example else []
        thai = ServicePage.objects.descendant_of(site.root_page).filter(slug=spec["slug"]).first()
        if thai is None:
            continue
        for page in thai.get_translations(inclusive=True).specific():
            attached = [block.value["document"].pk for block in page.blank_forms]
            if attached == [documents[code].pk]:
                continue
            page.blank_forms, page.sample_forms = forms, examples
            page.save_revision().publish()


def mark_approvals(site):
    """The demo guides' steps that need a role's sign-off, in both languages; and the working
    days the starter gives a step (a demo loaded before they were given gets them). Publishes a
    guide only when it changes, so a second run does nothing."""
    specs = {spec["slug"]: spec for spec in SERVICES}
    for slug, index, role in APPROVAL_STEPS:
        thai = ServicePage.objects.descendant_of(site.root_page).filter(slug=slug).first()
        if thai is None:
            continue
        days = [step[5] if len(step) > 5 else None for step in specs[slug]["steps"]]
        for page in thai.get_translations(inclusive=True).specific():
            steps = [dict(item["value"]) for item in page.steps.raw_data]
            wanted = []
            for position, value in enumerate(steps):
                value = {**value}
                if position == index:
                    value["approval_role"] = role
                if position < len(days) and days[position] is not None:
                    value["duration_days"] = days[position]
                wanted.append(value)
            if wanted == steps:
                continue
            page.steps = [("step", value) for value in wanted]
            page.save_revision().publish()


def load(site, out):
    thai = Locale.objects.get(language_code="th")
    ensure_staff(site)
    documents = ensure_forms(site, site_categories(site, thai), out)
    attach_forms(site, documents)
    mark_approvals(site)
    out.write(f"  services: demo departments and {len(documents)} PDF forms attached to the guides\n")
