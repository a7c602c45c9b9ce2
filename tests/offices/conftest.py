"""Two offices on one install, A and B, with data of every kind, built once per module.

Everything of office X carries a marker that starts with "ZQ" + X in capitals ("ZQBCASELOC",
"ZQB-INV-1", references "ZQB-69-…"), so a page that shows any of B's data to A's people shows
"ZQB" somewhere: the isolation test looks for that, and names the marker it found. Host names
and user names are lower case, so they never match.

Building takes a few seconds, so it is done once for the module inside a transaction that is
rolled back at the end (the tests' own transactions are savepoints inside it), with the files
written into a temporary MEDIA_ROOT and PRIVATE_MEDIA_ROOT.

Each office's shell (site, home pages, collection, role groups) is made by
tests.factories.OfficeFactory, or, with USE_CREATE_OFFICE, by the platform's own
`services.offices.going_live.create_office`; the rest only needs `site`, `home_th`, `home_en`,
`collection` and the role groups.
"""

import datetime
import io
import uuid

import pytest
import wagtail_factories
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from PIL import Image as PILImage
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Collection, Locale

from forms_builder.models import FormPage
from forms_builder.submissions import SubmissionFile
from home.models import OfficeSettings
from portal.models import StaffGroup, StaffRole
from services.agencies.models import Agency
from services.areas.models import Area, RoutingRule
from services.booking.models import BookableService, Booking, Counter
from services.cases import access
from services.cases.models import (
    ApprovalRole,
    Case,
    CasePhoto,
    CaseStage,
    DeficiencyRecord,
    OfficeClosure,
    ReplyTemplate,
    StageStatus,
)
from services.documents.issuing import install_certificate, issue, issue_letter, letter_start
from services.documents.models import DocumentKind, DocumentRegister, DocumentTemplate, LetterTemplate
from services.feedback.models import Answer, Source
from services.help.models import Volunteer
from services.notifications.models import NotificationTemplate, NotifyEvent
from services.offices.going_live import create_office
from services.open311.models import Open311Key, hash_key
from services.privacy.models import DataSubjectRequest, PersonalDataAccess, RetentionRule
from services.reporting.models import MonthlyReport
from services.taxes.bills import PLAN_ALL, bill_for
from services.taxes.models import TaxAccount, TaxAssessment, TaxKind
from tests.factories import (
    CaseEventFactory,
    DepartmentFactory,
    FiledCaseFactory,
    FormDocumentFactory,
    FormIndexPageFactory,
    FormPageFactory,
    GuidePageFactory,
    HouseholdFactory,
    InvoiceFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    NotificationFactory,
    OfficeFactory,
    PaymentFactory,
    ServiceCategoryFactory,
    ServiceIndexPageFactory,
    SubmissionFactory,
    office_staff,
    province_viewer,
)
from tests.services.documents.support import PASSPHRASE, pkcs12_bytes

PROVINCE = "เชียงใหม่"
# Build the offices with services.offices.going_live.create_office (the groups and permissions a
# real office gets, and the starter catalogue) rather than OfficeFactory's lighter shell.
USE_CREATE_OFFICE = True
OFFICES = {
    "A": {"name": "Office Alpha", "hostname": "alpha.localhost"},
    "B": {"name": "Office Beta", "hostname": "beta.localhost"},
}


def with_site(model, site, **fields):
    """A row of `model`, tied to `site` when the model has a site (rooms add one as they become
    office-scoped; the fixture keeps working before and after)."""
    if any(field.name == "site" for field in model._meta.get_fields()):
        fields["site"] = site
    return model.objects.create(**fields)


def free_template_slot(site):
    """An (event, language) no notification template of this office (of the install, while
    templates are not yet per office) has: the migrations write the defaults."""
    taken = NotificationTemplate.objects.all()
    if any(field.name == "site" for field in NotificationTemplate._meta.get_fields()):
        taken = taken.filter(site=site)
    used = set(taken.values_list("event", "language"))
    return next(
        {"event": event, "language": language}
        for event in NotifyEvent.values
        for language in ("th", "en")
        if (event, language) not in used
    )


def jpeg(colour="white"):
    picture = io.BytesIO()
    PILImage.new("RGB", (8, 8), colour).save(picture, "JPEG")
    return picture.getvalue()


def office_shell(letter):
    """Site, home pages, collection and role groups of one office: `OfficeFactory`, or with
    USE_CREATE_OFFICE the platform's own `create_office` (with the starter catalogue)."""
    if not USE_CREATE_OFFICE:
        return OfficeFactory(
            name=OFFICES[letter]["name"],
            hostname=OFFICES[letter]["hostname"],
            province=PROVINCE,
            reference_prefix=f"ZQ{letter}",
        )
    site = create_office(OFFICES[letter]["name"], OFFICES[letter]["hostname"], f"ZQ{letter}", province=PROVINCE)
    office = site.office
    office.site = site
    office.home_th = site.root_page.specific
    office.home_en = office.home_th.get_translation(Locale.objects.get(language_code="en")).specific
    office.collection = Collection.objects.get(depth=2, name=site.site_name)
    office.groups = {row.role: row.group for row in StaffGroup.objects.filter(site=site).select_related("group")}
    return office


def build_office(letter):
    """One office with data of every kind; every text a person could see carries its marker."""
    m = f"ZQ{letter}"
    office = office_shell(letter)
    site = office.site
    english = Locale.objects.get(language_code="en")
    settings = OfficeSettings.for_site(site)
    settings.name, settings.name_en, settings.address = f"{m}OFFICENAME", f"{m}OFFICENAMEEN", f"{m}ADDRESS"
    settings.save()

    department = DepartmentFactory(site=site, code=f"works{letter.lower()}", name=f"{m}DEPT", name_en=f"{m}DEPTEN")
    category = ServiceCategoryFactory(slug=f"category-{letter.lower()}", name=f"{m}CATEGORY")
    if any(field.name == "site" for field in type(category)._meta.get_fields()):
        type(category).objects.filter(pk=category.pk).update(site=site)

    # Pages: forms, a guide routed to the department, news (published and a draft), documents.
    form_index = FormIndexPageFactory(parent=office.home_th, title=f"{m}FORMINDEX", slug="zq-forms")
    form_index.save_revision().publish()
    form = FormPageFactory(parent=form_index, title=f"{m}FORM", slug="streetlight-form", publish=True)
    service_index = ServiceIndexPageFactory(parent=office.home_th, title=f"{m}SERVICES", slug="zq-services")
    service_index.save_revision().publish()
    document = FormDocumentFactory(title=f"{m}DOCUMENT", collection=office.collection, category=category)
    guide = GuidePageFactory(
        parent=service_index,
        title=f"{m}GUIDE",
        slug=f"streetlight-{letter.lower()}",
        summary=f"{m}GUIDESUMMARY",
        department=department,
        online_form=form,
        forms=[document],
    )
    guide_en = guide.copy_for_translation(english, copy_parents=True)
    guide_en.title = f"{m}GUIDEEN"
    guide_en.save_revision().publish()
    news_index = NewsIndexPageFactory(parent=office.home_th, title=f"{m}NEWSINDEX", slug="zq-news")
    news_index.save_revision().publish()
    news = NewsPageFactory(parent=news_index, title=f"{m}NEWS", intro=f"{m}NEWSINTRO", slug="news-1", tags=[f"{m}TAG"])
    draft = NewsPageFactory(parent=news_index, title=f"{m}DRAFT", slug="draft-1", live=False, publish=False)
    if not form.short_code:
        FormPage.objects.filter(pk=form.pk).update(short_code=f"{letter.lower()}{letter.lower()}7k")
        form.refresh_from_db()
    redirect = Redirect.objects.create(site=site, old_path=f"/old-{letter.lower()}", redirect_link=f"/{m}REDIRECT/")
    image = wagtail_factories.ImageFactory(title=f"{m}IMAGE", collection=office.collection)

    # People.
    staff = {
        "admin": office_staff(office, StaffRole.OFFICE_ADMIN, username=f"{m.lower()}.admin", first_name=f"{m}ADMIN"),
        "editor": office_staff(office, StaffRole.EDITOR, username=f"{m.lower()}.editor", first_name=f"{m}EDITOR"),
        "officer": office_staff(
            office,
            StaffRole.OFFICER,
            username=f"{m.lower()}.officer",
            first_name=f"{m}OFFICER",
            departments=[department],
        ),
    }

    # Snippets an office keeps.
    reply_template = with_site(ReplyTemplate, site, title=f"{m}REPLYTPL", body=f"{m}REPLYTPLBODY")
    closure = with_site(OfficeClosure, site, date=datetime.date(2026, 12, 31), reason=f"{m}CLOSURE")
    # Queue booking: a counter, a service booked by visit, and a resident's booking with its link.
    counter = with_site(Counter, site, name=f"{m}COUNTER", name_en=f"{m}COUNTEREN", letter="Q")
    bookable = BookableService.objects.create(service=guide, counter=counter, note=f"{m}BRING")
    booking = Booking(
        site=site, counter=counter, service=bookable, service_title=f"{m}GUIDE", reference=f"Q{letter}000001",
        date=datetime.date(2026, 12, 30), start=datetime.time(9, 0), number=1, name=f"{m}BOOKER", phone="0812345678",
    )  # fmt: skip
    booking_secret = booking.new_secret()
    booking.save()
    # Local taxes: an account, its year's assessment and the bill a taxpayer opened.
    tax_account = TaxAccount.objects.create(
        site=site, kind=TaxKind.LAND_BUILDING, account_number=f"{letter}TAX1", taxpayer_name=f"{m}TAXPAYER",
        id_last4="1234", description=f"{m}DEED",
    )  # fmt: skip
    tax_assessment = TaxAssessment.objects.create(account=tax_account, year=2569, amount=1200)
    tax_invoice = bill_for(tax_assessment, PLAN_ALL)
    notification_template = with_site(
        NotificationTemplate, site, **free_template_slot(site), subject=f"{m}NTPL", body=f"{m}NTPLBODY"
    )
    retention = with_site(RetentionRule, site, service=guide, retention_days=400, reason=f"{m}RETENTION")
    area = Area.objects.create(
        site=site,
        name=f"{m}AREA",
        shape={"type": "Polygon", "coordinates": [[[98.9, 18.7], [98.91, 18.7], [98.91, 18.71], [98.9, 18.7]]]},
    )
    routing_rule = RoutingRule.objects.create(site=site, service=guide, area=area, department=department)

    # A case from the web form: residents' words, a private file, notes, a reply, an after photo.
    submission = SubmissionFactory(
        form_page=form,
        contact_name=f"{m}RESIDENT",
        location_text=f"{m}CASELOC",
        answers={"details": f"{m}CASEDETAIL", "phone": "0812345678"},
    )
    case = FiledCaseFactory(submission=submission, accepted=True, officer=staff["officer"])
    Case.objects.filter(pk=case.pk).update(assignee=staff["officer"])
    upload = SubmissionFile(
        submission=submission, field_key="photo", original_name=f"{m}FILE.jpg", content_type="image/jpeg", size=100
    )
    upload.file.save(f"{m.lower()}-file.jpg", ContentFile(jpeg()), save=False)
    upload.save()
    note = CaseEventFactory(case=case, message=f"{m}NOTE", actor=staff["officer"])
    reply = CaseEventFactory(case=case, reply=True, message=f"{m}REPLY", actor=staff["officer"])
    after = upload.file.storage.save(f"cases/after/{m.lower()}-after.jpg", ContentFile(jpeg("black")))
    Case.objects.filter(pk=case.pk).update(after_photo=after)
    case.refresh_from_db()
    link_token = access.issue_link(case)
    # Stages (issue 20): a stage of the case awaiting the office's clerk, a record of missing documents.
    approval_role = with_site(ApprovalRole, site, key="clerk", name=f"{m}ROLE")
    approval_role.members.add(staff["officer"])
    stage = CaseStage.objects.create(
        case=case, order=99, name=f"{m}STAGE", approval_role="clerk", status=StageStatus.AWAITING_APPROVAL
    )
    deficiency = DeficiencyRecord.objects.create(
        case=case, items=[{"name": f"{m}MISSINGDOC", "problem": "missing"}], note=f"{m}DEFNOTE"
    )

    # An Open311 key and a request filed through it.
    raw_key = f"{m.lower()}{uuid.uuid4().hex}"
    key = with_site(Open311Key, site, name=f"{m}APIKEY", prefix=raw_key[:8], key_hash=hash_key(raw_key))
    api_submission = SubmissionFactory(
        form_page=form,
        contact_name=f"{m}APIRESIDENT",
        location_text=f"{m}APILOC",
        answers={"details": f"{m}APIDETAIL"},
        wizard_token=f"open311-{key.prefix}-{uuid.uuid4().hex}"[:40],
    )
    api_case = FiledCaseFactory(submission=api_submission)

    # Payments: the case's fee with a slip waiting, a household's garbage bill.
    invoice = InvoiceFactory(case=case, number=f"{m}-INV-1", description=f"{m}INVOICE")
    payment = PaymentFactory(invoice=invoice, slip_name=f"{m}SLIP.png")
    payment.slip.save(f"{m.lower()}-slip.jpg", ContentFile(jpeg("red")), save=True)
    household = HouseholdFactory(
        site=site, account_number=f"{m}-G-1", holder_name=f"{m}HOLDER", address=f"{m}HOUSEADDR"
    )
    household_invoice = InvoiceFactory(household=household, number=f"{m}-INV-2", description=f"{m}HOUSEINVOICE")

    # The outbox, privacy and reports.
    notification = NotificationFactory(case=case, subject=f"{m}NOTIFY", body=f"{m}NOTIFYBODY", failed=True)
    subject_request = with_site(
        DataSubjectRequest,
        site,
        kind=DataSubjectRequest.Kind.EXPORT,
        identifier_masked=f"{m}PERSON",
        note=f"{m}DSR",
        handled_by=staff["admin"],
    )
    access_log = with_site(
        PersonalDataAccess,
        site,
        user=staff["officer"],
        username=staff["officer"].username,
        case=case,
        reference=case.reference,
        action=PersonalDataAccess.Action.VIEW,
        detail=f"{m}ACCESS",
    )
    report = MonthlyReport.objects.create(site=site, month=datetime.date(2026, 10, 1), note=f"{m}REPORT")
    report.csv.save(f"{m.lower()}-report.csv", ContentFile(f"{m}REPORTCSV\n".encode()), save=False)
    report.pdf.save(f"{m.lower()}-report.pdf", ContentFile(b"%PDF-1.4\n%" + f"{m}REPORTPDF".encode() + b"\n%%EOF\n"))

    # Field work and outside agencies (issue 21): an agency of the office and an officer's photo.
    agency = Agency.objects.create(site=site, name=f"{m}AGENCY", email="agency@example.com")
    case_photo = CasePhoto.objects.create(
        case=case, role=CasePhoto.Role.BEFORE, file=ContentFile(jpeg(), name="before.jpg"), sha256="0" * 64
    )
    # The help box (issue 22): a volunteer who agreed to be named, in the case's community, so the
    # case's tracking page names them.
    volunteer = Volunteer.objects.create(
        site=site,
        community=area,
        name=f"{m}VOLUNTEER",
        phone="0860000001",
        opted_in_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC),
    )
    Case.objects.filter(pk=case.pk).update(area=area)
    # Satisfaction (issue 22 §5): a counter visit's answer, its service and comment marked.
    feedback_answer = Answer.objects.create(
        site=site, source=Source.COUNTER, department=department, service_title=f"{m}FBSERVICE", overall=4,
        comment=f"{m}FBCOMMENT",
    )  # fmt: skip
    # Issued documents: a template of the office and a draft issued on the case (no certificate needed).
    document_template = DocumentTemplate.objects.create(
        site=site, kind=DocumentKind.CERTIFICATE, title=f"{m}DOCTEMPLATE", body=f"{m}DOCBODY {{reference}}"
    )
    issued = issue(case, document_template, staff["officer"], draft=True)
    # An official letter from the office's letter template, numbered and signed (so its register has a row).
    install_certificate(site, pkcs12_bytes(), PASSPHRASE)
    letter_template = LetterTemplate.objects.create(
        site=site, name=f"{m}LETTERTEMPLATE", office_code=f"{m}CODE", subject=f"{m}LETTERSUBJECT {{reference}}",
        recipient=f"{m}RECIPIENT", body=f"{m}LETTERBODY", signer_name=f"{m}SIGNER", signer_position=f"{m}POSITION",
    )  # fmt: skip
    official_letter = issue_letter(case, letter_template, letter_start(case, letter_template), staff["officer"])

    return {
        "volunteer": volunteer,
        "feedback_answer": feedback_answer,
        "agency": agency,
        "case_photo": case_photo,
        "letter": letter,
        "counter": counter,
        "bookable": bookable,
        "booking": booking,
        "booking_secret": booking_secret,
        "tax_account": tax_account,
        "tax_assessment": tax_assessment,
        "tax_invoice": tax_invoice,
        "marker": m,
        "document_template": document_template,
        "issued": issued,
        "letter_template": letter_template,
        "official_letter": official_letter,
        "register": DocumentRegister.objects.get(site=site, kind=DocumentKind.LETTER),
        "office": office,
        "site": site,
        "host": site.hostname,
        "home_th": office.home_th,
        "home_en": office.home_en,
        "department": department,
        "category": category,
        "form_index": form_index,
        "form": form,
        "service_index": service_index,
        "guide": guide,
        "guide_en": guide_en,
        "news_index": news_index,
        "news": news,
        "draft": draft,
        "image": image,
        "redirect": redirect,
        "document": document,
        "staff": staff,
        "reply_template": reply_template,
        "closure": closure,
        "notification_template": notification_template,
        "retention": retention,
        "area": area,
        "routing_rule": routing_rule,
        "case": case,
        "upload": upload,
        "note": note,
        "reply": reply,
        "link_token": link_token,
        "approval_role": approval_role,
        "stage": stage,
        "deficiency": deficiency,
        "key": key,
        "api_case": api_case,
        "invoice": invoice,
        "payment": payment,
        "household": household,
        "household_invoice": household_invoice,
        "notification": notification,
        "subject_request": subject_request,
        "access_log": access_log,
        "report": report,
        "collection": office.collection,
    }


@pytest.fixture(scope="module")
def offices(django_db_setup, django_db_blocker, tmp_path_factory):
    """{"A": …, "B": …, "shared": the officer of both, "viewer": the province viewer}."""
    folder = tmp_path_factory.mktemp("offices")
    media = override_settings(MEDIA_ROOT=folder / "media", PRIVATE_MEDIA_ROOT=folder / "private")
    with django_db_blocker.unblock(), media:
        with transaction.atomic():
            world = {letter: build_office(letter) for letter in OFFICES}
            a, b = world["A"], world["B"]
            shared = office_staff(
                a["office"],
                StaffRole.OFFICER,
                username="shared.officer",
                first_name="Shared",
                departments=[a["department"], b["department"]],
            )
            shared.groups.add(b["office"].groups[StaffRole.OFFICER])
            world["shared"] = shared
            world["viewer"] = province_viewer(PROVINCE, username="province.viewer", first_name="Viewer")
            yield world
            transaction.set_rollback(True)
