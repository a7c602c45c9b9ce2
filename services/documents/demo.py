"""Demo issued documents: the demo office's self-signed certificate (labelled a DEMO
CERTIFICATE in its own name, never for real documents), the food-shop notification certificate
template, and a showcase food-shop request that ends with its signed certificate, whose /v/<code>
address load_demo prints.

Deterministic and idempotent: the certificate is made once per database (a second run keeps
it), the template is found by office and service, the showcase case by its submission token,
and its certificate is issued only when it has none.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from forms_builder.fields import build_definition
from forms_builder.models import FormPage, Submission
from services.cases import references, workflow
from services.cases.demo import SHOWCASE_PHONE, answers_for, give_demo_link, showcase_submitted
from services.cases.intake import build_case, find_service
from services.cases.models import Case, CaseEvent, CaseSettings, CaseStatus
from services.cases.sla import WorkingCalendar
from services.documents import issuing, render, signing
from services.documents.models import DocumentKind, DocumentTemplate, IssuedDocument, LetterTemplate, SigningSettings
from services.models import ServicePage
from services.pdf_fonts import office_for

TOKEN = "demo-document-food-shop"  # noqa: S105 - a submission token, not a secret
DEMO_PASSPHRASE = "demo-signing"  # noqa: S105 - the demo certificate's, public in this file on purpose
HOLDER = "ศรีสุดา แก้วมณี"
SHOP = {"shop_name": "ร้านข้าวแกงป้าศรี", "shop_kind": "restaurant", "shop_area": "45"}
TITLE = "หนังสือรับรองการแจ้งจัดตั้งสถานที่จำหน่ายอาหาร"
BODY = (
    "อาศัยอำนาจตามพระราชบัญญัติการสาธารณสุข พ.ศ. 2535 มาตรา 48 เจ้าพนักงานท้องถิ่น{office} "
    "ออกหนังสือรับรองฉบับนี้ให้ไว้เพื่อแสดงว่า {holder_name} ได้แจ้งจัดตั้งสถานที่จำหน่ายอาหาร "
    "ชื่อ {answers.shop_name} พื้นที่ {answers.shop_area} ตารางเมตร แล้ว\n"
    "\n"
    "ผู้ได้รับหนังสือรับรองต้องปฏิบัติตามข้อบัญญัติท้องถิ่นว่าด้วยสถานที่จำหน่ายอาหารและสถานที่สะสมอาหาร "
    "และแสดงหนังสือรับรองนี้ไว้ในที่เปิดเผยเห็นได้ง่าย ณ สถานที่จำหน่ายอาหาร\n"
    "\n"
    "คำร้องเลขที่ {reference}"
)


LETTER_NAME = "หนังสือส่งเรื่องให้หน่วยงานที่เกี่ยวข้อง"
LETTER_BODY = (
    "ด้วย{office}ได้รับคำร้องเลขที่ {reference} เรื่อง {service} จาก {holder_name} "
    "ซึ่งเป็นเรื่องที่อยู่ในอำนาจหน้าที่ของหน่วยงานท่าน\n"
    "\n"
    "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการในส่วนที่เกี่ยวข้อง และแจ้งผลให้{office}ทราบด้วย จะขอบคุณยิ่ง"
)


def load(site, out):
    settings = _certificate(site)
    _letter_template(site)
    template = _template(site)
    case = _food_shop_case(site)
    document = None
    if case is not None and template is not None:
        document = IssuedDocument.objects.filter(case=case, draft=False).order_by("issued_at").first()
        if document is None:
            officer = get_user_model().objects.filter(username="officer.health").first()
            document = issuing.issue(case, template, officer)
    label = " (DEMO self-signed certificate)" if settings.demo else ""
    if document is not None:
        out.write(
            f"  documents: signing{label}; food-shop certificate no. {document.number_display} on "
            f"{case.reference}: {render.verify_url(document)}"
        )
    else:
        out.write(f"  documents: signing{label}; no food-shop guide or form, no showcase certificate")


def _certificate(site):
    """The demo's self-signed certificate, made once: an office that uploaded its own keeps it."""
    settings = SigningSettings.for_site(site)
    if settings.configured:
        return settings
    office = office_for(site)
    name = (office.name if office else "") or site.site_name or "Demo office"
    return issuing.install_certificate(site, signing.demo_pkcs12(name, DEMO_PASSPHRASE), DEMO_PASSPHRASE, demo=True)


def _letter_template(site):
    """An official letter officers can send from any case: passing a request on to the agency
    it belongs to (issue 20 §6)."""
    office = office_for(site)
    name = office.name if office else site.site_name
    template, _created = LetterTemplate.objects.get_or_create(
        site=site,
        name=LETTER_NAME,
        defaults={
            "office_code": "ชม 52101",
            "subject": "ขอส่งเรื่องคำร้อง {reference}",
            "recipient": "ผู้อำนวยการสำนักงานสาธารณสุขอำเภอ",
            "enclosures": "สำเนาคำร้อง จำนวน 1 ฉบับ",
            "body": LETTER_BODY,
            "signer_name": "นายสมชาย ใจงาม",
            "signer_position": f"นายก{name}",
            "contact": "กองสาธารณสุขและสิ่งแวดล้อม\nโทร. 0 5312 3456",
        },
    )
    return template


def _template(site):
    service = ServicePage.objects.descendant_of(site.root_page).filter(slug="food-shop-notification").first()
    if service is None:
        return None
    office = office_for(site)
    template, _created = DocumentTemplate.objects.get_or_create(
        site=site,
        service=service,
        kind=DocumentKind.CERTIFICATE,
        defaults={
            "title": TITLE,
            "body": BODY,
            "validity_days": 365,
            "signer_title": f"เจ้าพนักงานท้องถิ่น{office.name if office else ''}",
        },
    )
    return template


def _food_shop_case(site):
    """A food-shop notification filed two days ago, inspected and resolved."""
    existing = Case.objects.filter(submission__wizard_token=TOKEN).select_related("site", "submission").first()
    if existing is not None:
        return existing
    page = FormPage.objects.descendant_of(site.root_page).filter(slug="food-shop-notification-form").first()
    if page is None:
        return None
    rng = random.Random("demo-documents")  # noqa: S311 - demo data
    definition = build_definition(page)
    submitted = datetime.datetime.combine(showcase_submitted(), datetime.time(9, 30), timezone.get_current_timezone())
    answers = answers_for(definition, rng, HOLDER, SHOWCASE_PHONE, "ร้านอาหารตามสั่ง")
    answers.update(SHOP)
    submission = Submission.objects.create(
        form_page=page,
        form_title=page.title,
        form_snapshot=definition,
        answers=answers,
        language="th",
        channel="web",
        contact_name=HOLDER,
        contact_phone=SHOWCASE_PHONE,
        location_text="หมู่ 2 ตำบลบ้านสวน",
        wizard_token=TOKEN,
        submitted_at=submitted,
    )
    case = build_case(
        submission,
        site=site,
        settings=CaseSettings.for_site(site),
        calendar=WorkingCalendar(site),
        service=find_service(page),
        rng=rng,
    )
    case.reference = references.generate("BSR", submitted.year, rng=random.Random("showcase-document"))  # noqa: S311
    case.save()
    give_demo_link(case)
    submission.reference, submission.expected_date = case.reference, case.due_date
    submission.tracking_url = f"/t/{case.reference}"
    submission.save(update_fields=["reference", "expected_date", "tracking_url"])
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CREATED, public=True, created_at=submitted)
    officer = get_user_model().objects.filter(username="officer.health").first()
    for status in (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED):
        workflow.change_status(case, status, officer, message="ตรวจสถานที่แล้ว ถูกสุขลักษณะ" if status == "resolved" else "")
    return Case.objects.select_related("site", "submission").get(pk=case.pk)
