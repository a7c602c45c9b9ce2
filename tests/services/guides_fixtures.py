"""Builders for guide, library and news tests: small trees made directly, without the whole demo."""

from django.core.files.base import ContentFile
from wagtail.models import Locale

from services.models import Department, FormDocument, FormLibraryPage, ServiceCategory, ServiceIndexPage, ServicePage

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def department(site, code="works", name="กองช่าง"):
    return Department.objects.get_or_create(
        site=site, code=code, defaults={"name": name, "phone": "0 5312 3456 ต่อ 201"}
    )[0]


def category(locale, slug="building", name="ก่อสร้างและที่ดิน", **extra):
    return ServiceCategory.objects.get_or_create(locale=locale, slug=slug, defaults={"name": name, **extra})[0]


def form_document(title="แบบคำขออนุญาตก่อสร้าง", code="ข.1", cat=None, content=MINIMAL_PDF, filename="form.pdf"):
    document = FormDocument(title=title, form_code=code, category=cat)
    document.file.save(filename, ContentFile(content), save=False)
    document._set_document_file_metadata()
    document.save()
    return document


def service_index(home):
    existing = ServiceIndexPage.objects.child_of(home).first()
    if existing:
        return existing
    return home.add_child(instance=ServiceIndexPage(title="บริการประชาชน", slug="services"))


def library(home):
    existing = FormLibraryPage.objects.child_of(home).first()
    if existing:
        return existing
    return home.add_child(instance=FormLibraryPage(title="ดาวน์โหลดแบบฟอร์ม", slug="downloads"))


def guide(index, n_items=3, slug="building-permit", forms=(), samples=(), publish=True, **fields):
    """A guide with `n_items` channels, steps and documents, and the given blank and example forms.
    `publish=False` skips the revision (the page is still live): faster for volume tests."""
    values = {
        "title": "ขออนุญาตก่อสร้างอาคาร",
        "slug": slug,
        "summary": "ผู้ที่จะก่อสร้างอาคารต้องได้รับใบอนุญาตก่อน",
        "legal_basis": "พระราชบัญญัติควบคุมอาคาร พ.ศ. 2522\nกฎกระทรวง พ.ศ. 2528",
        "conditions": "<ul><li>เป็นเจ้าของที่ดิน</li></ul>",
        "processing_days": 45,
        "fee_amount": 20,
        "fee_unit": "ต่อใบอนุญาต",
        "fee_note": "ค่าตรวจแบบตารางเมตรละ 0.50 บาท",
        "complaint_channels": "ศูนย์ดำรงธรรม โทร 1567\nสำนักปลัดเทศบาล",
        "channels": [
            ("channel", {"place": f"กองช่าง ช่องที่ {i}", "days": "จันทร์–ศุกร์", "hours": "08:30–16:30 น.", "note": ""})
            for i in range(1, n_items + 1)
        ],
        "steps": [
            ("step", {"description": f"ขั้นตอนที่ {i} ตรวจเอกสาร", "duration": f"{i} วัน", "responsible": "กองช่าง"})
            for i in range(1, n_items + 1)
        ],
        "documents": [
            ("document", {"name": f"เอกสารหมายเลข {i}", "originals": 1, "copies": 2, "note": "รับรองสำเนา"})
            for i in range(1, n_items + 1)
        ],
        "blank_forms": [("form", {"document": d, "caption": ""}) for d in forms],
        "sample_forms": [("form", {"document": d, "caption": "ดูวิธีกรอก"}) for d in samples],
    }
    values.update(fields)
    page = index.add_child(instance=ServicePage(**values))
    if publish:
        page.save_revision().publish()
    return page


def english():
    return Locale.objects.get(language_code="en")
