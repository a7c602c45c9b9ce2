"""Factories for every room's tests (factory_boy, wagtail-factories), instead of hand-written builders.

One module, in the order the rooms depend on each other: people and departments, pages (forms,
services, guides, news, the library), submissions, cases and their timeline, payments,
notifications. Each factory makes a valid row with believable Thai data; traits name the states
tests ask for (``CaseFactory(closed=True)``, ``InvoiceFactory(paid=True)``).

Two case factories, because tests need two different things:

- ``FiledCaseFactory`` opens the case the way a resident's request does (a submission handed to
  ``services.cases.intake.open_case``) and moves it with ``services.cases.workflow``: the reference,
  deadline and timeline are the real ones, at the time the test runs.
- ``CaseFactory`` writes the case row directly, with the timeline the workflow would have written:
  for figures over dates in the past (reports, the dashboard), which the workflow cannot backdate.

Every factory skips factory_boy's save after post-generation: a page saved again after
``publish()`` would overwrite the published state with a stale copy, and a case saved again would
bypass the workflow's optimistic lock.
"""

import datetime
import uuid
from decimal import Decimal

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Locale, Page, Site

from forms_builder.models import FormIndexPage, FormPage, Submission
from home.models import HomePage, NewsCategory, NewsIndexPage, NewsPage
from portal.models import Office, StaffGroup, StaffRole
from services.cases import workflow
from services.cases.intake import open_case, phone_last4
from services.cases.models import Case, CaseEvent, CaseSettings, CaseStatus, RejectReason
from services.cases.sla import local_date
from services.models import Department, FormDocument, FormLibraryPage, ServiceCategory, ServiceIndexPage, ServicePage
from services.notifications.models import Notification, NotifyChannel, NotifyEvent
from services.payments.billing import next_receipt_number, settings_for
from services.payments.models import Household, Invoice, InvoiceStatus, Payment
from services.privacy.personal_data import anonymise

S = CaseStatus

DEMO_PASSWORD = "portal-demo-2569"
OFFICERS_GROUP = "Case officers"  # the demo's group of staff who work the queue
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# The form definition a streetlight request was answered against (Submission.form_snapshot).
SNAPSHOT = {
    "title": "แจ้งซ่อมไฟฟ้าสาธารณะ",
    "steps": [
        {
            "title": "รายละเอียด",
            "fields": [
                {"key": "details", "label": "รายละเอียด", "type": "long_text"},
                {"key": "phone", "label": "โทรศัพท์", "type": "phone"},
            ],
        }
    ],
}

# The statuses a case passes through, from received, to reach each status (services.cases.workflow
# allows no shortcut: received → accepted → …).
PATHS = {
    S.RECEIVED: [],
    S.ACCEPTED: [S.ACCEPTED],
    S.IN_PROGRESS: [S.ACCEPTED, S.IN_PROGRESS],
    S.WAITING: [S.ACCEPTED, S.WAITING],
    S.RESOLVED: [S.ACCEPTED, S.RESOLVED],
    S.CLOSED: [S.ACCEPTED, S.RESOLVED, S.CLOSED],
    S.REJECTED: [S.REJECTED],
    # Referred through services.cases.workflow.refer (not change_status): passed to
    # `referred_to` once an officer accepted it.
    S.REFERRED: [S.ACCEPTED, S.REFERRED],
}
# The agency a referred case is passed to unless the caller names another.
AGENCY_NAME = "การไฟฟ้าส่วนภูมิภาค อำเภอเมือง"
REJECTED_MESSAGE = "เรื่องนี้อยู่ในความรับผิดชอบของการไฟฟ้าส่วนภูมิภาค"
CLOSED_MESSAGE = "ปิดเรื่อง"


def default_site():
    return Site.objects.get(is_default_site=True)


def officers_group(name=OFFICERS_GROUP):
    """The staff group, with the one permission every officer needs: entering the admin."""
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    return group


def _publish(page, create, extracted, **kwargs):
    """Post-generation: publish a revision unless ``publish=False`` (as an editor's Publish does)."""
    if create and extracted is not False:
        page.save_revision().publish()


def _publish_if_asked(page, create, extracted, **kwargs):
    """Post-generation: publish a revision only with ``publish=True``; the page is live either way."""
    if create and extracted:
        page.save_revision().publish()


class ModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True


class PageFactory(wagtail_factories.PageFactory):
    """A page added under ``parent`` (a page instance). Thai titles slugify to nothing, so every
    page factory numbers its slugs."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"page-{n}")


# -- People and departments ---------------------------------------------------------------------


class UserFactory(ModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user.{n}")
    password = factory.django.Password(DEMO_PASSWORD)
    first_name = "สมหญิง"


class StaffFactory(UserFactory):
    """An officer: in the "Case officers" group (admin access) and a member of ``departments``,
    whose queues they then see."""

    username = factory.Sequence(lambda n: f"officer.{n}")
    first_name = "วิชัย"

    @factory.post_generation
    def groups(user, create, extracted, **kwargs):
        if create:
            for name in extracted if extracted is not None else [OFFICERS_GROUP]:
                user.groups.add(officers_group(name))

    @factory.post_generation
    def departments(user, create, extracted, **kwargs):
        if create:
            for department in extracted or ():
                department.members.add(user)


class DepartmentFactory(ModelFactory):
    """A department of the default site's office; fetched if the site already has the code."""

    class Meta:
        model = Department
        django_get_or_create = ("site", "code")

    site = factory.LazyFunction(default_site)
    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"กองที่ {n}")
    name_en = ""
    phone = ""


# -- Pages and documents ------------------------------------------------------------------------


class FormIndexPageFactory(PageFactory):
    class Meta:
        model = FormIndexPage

    title = "แบบฟอร์ม"


class FormPageFactory(PageFactory):
    class Meta:
        model = FormPage

    title = "แจ้งซ่อมไฟฟ้าสาธารณะ"
    steps = factory.LazyFunction(list)
    publish = factory.PostGeneration(_publish_if_asked)


def _child(home, model, factory_class, **fields):
    """The page of `model` under `home` (the default site's home page when None), made once."""
    home = home or default_site().root_page.specific
    return model.objects.child_of(home).first() or factory_class(parent=home, **fields)


class ServiceIndexPageFactory(PageFactory):
    class Meta:
        model = ServiceIndexPage

    title = "บริการประชาชน"
    slug = "services"


def services_index(home=None):
    """The services index under `home`, created on first use."""
    return _child(home, ServiceIndexPage, ServiceIndexPageFactory)


class ServicePageFactory(PageFactory):
    """A service under the services index (created if the site has none yet)."""

    class Meta:
        model = ServicePage

    parent = factory.LazyFunction(services_index)
    title = factory.Sequence(lambda n: f"บริการที่ {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    summary = "บริการสำหรับประชาชน"
    department = None
    publish = factory.PostGeneration(_publish_if_asked)


def _repeat(make):
    """n_items rows of a guide's list (channels, steps, documents), numbered from 1."""
    return factory.LazyAttribute(lambda o: [make(i) for i in range(1, o.n_items + 1)])


class GuidePageFactory(ServicePageFactory):
    """A full citizen's manual (building permit): ``n_items`` channels, steps and documents, the
    given blank and example forms; published unless ``publish=False``."""

    class Params:
        n_items = 3
        forms = ()
        samples = ()

    title = "ขออนุญาตก่อสร้างอาคาร"
    slug = "building-permit"
    summary = "ผู้ที่จะก่อสร้างอาคารต้องได้รับใบอนุญาตก่อน"
    legal_basis = "พระราชบัญญัติควบคุมอาคาร พ.ศ. 2522\nกฎกระทรวง พ.ศ. 2528"
    conditions = "<ul><li>เป็นเจ้าของที่ดิน</li></ul>"
    processing_days = 45
    fee_amount = 20
    fee_unit = "ต่อใบอนุญาต"
    fee_note = "ค่าตรวจแบบตารางเมตรละ 0.50 บาท"
    complaint_channels = "ศูนย์ดำรงธรรม โทร 1567\nสำนักปลัดเทศบาล"
    channels = _repeat(
        lambda i: (
            "channel",
            {"place": f"กองช่าง ช่องที่ {i}", "days": "จันทร์–ศุกร์", "hours": "08:30–16:30 น.", "note": ""},
        )
    )
    steps = _repeat(
        lambda i: ("step", {"description": f"ขั้นตอนที่ {i} ตรวจเอกสาร", "duration": f"{i} วัน", "responsible": "กองช่าง"})
    )
    documents = _repeat(
        lambda i: ("document", {"name": f"เอกสารหมายเลข {i}", "originals": 1, "copies": 2, "note": "รับรองสำเนา"})
    )
    blank_forms = factory.LazyAttribute(lambda o: [("form", {"document": d, "caption": ""}) for d in o.forms])
    sample_forms = factory.LazyAttribute(lambda o: [("form", {"document": d, "caption": "ดูวิธีกรอก"}) for d in o.samples])
    publish = factory.PostGeneration(_publish)


class FormLibraryPageFactory(PageFactory):
    class Meta:
        model = FormLibraryPage

    title = "ดาวน์โหลดแบบฟอร์ม"
    slug = "downloads"


class ServiceCategoryFactory(ModelFactory):
    """A category of the Thai locale; fetched if that slug exists."""

    class Meta:
        model = ServiceCategory
        django_get_or_create = ("locale", "slug")

    locale = factory.LazyFunction(lambda: Locale.objects.get(language_code="th"))
    slug = factory.Sequence(lambda n: f"category-{n}")
    name = "ก่อสร้างและที่ดิน"


class FormDocumentFactory(ModelFactory):
    """A blank form in the library, its file stored with Wagtail's metadata (size, hash)."""

    class Meta:
        model = FormDocument

    title = "แบบคำขออนุญาตก่อสร้าง"
    form_code = factory.Sequence(lambda n: f"ข.{n}")
    category = None
    content = MINIMAL_PDF
    filename = "form.pdf"

    @classmethod
    def _create(cls, model_class, *args, content, filename, **kwargs):
        document = model_class(**kwargs)
        document.file.save(filename, ContentFile(content), save=False)
        document._set_document_file_metadata()
        document.save()
        return document


class NewsIndexPageFactory(PageFactory):
    class Meta:
        model = NewsIndexPage

    title = "ข่าวประชาสัมพันธ์"
    slug = "news"


class NewsPageFactory(PageFactory):
    """News item ``n``, dated n days ago; tagged with ``tags``, published unless ``publish=False``."""

    class Meta:
        model = NewsPage

    class Params:
        n = factory.Sequence(lambda n: n + 1)

    title = factory.LazyAttribute(lambda o: f"ข่าวที่ {o.n}")
    slug = factory.LazyAttribute(lambda o: f"news-{o.n}")
    intro = factory.LazyAttribute(lambda o: f"สรุปข่าวที่ {o.n}")
    date = factory.LazyAttribute(lambda o: timezone.localdate() - datetime.timedelta(days=o.n))
    category = NewsCategory.NEWS
    body = factory.LazyAttribute(lambda o: [("paragraph", f"<p>เนื้อหาข่าวที่ {o.n}</p>")])

    @factory.post_generation
    def tags(page, create, extracted, **kwargs):
        if create and extracted:
            page.tags.set(list(extracted))
            page.save()

    # Declared after the tags: the published revision carries them.
    publish = factory.PostGeneration(_publish)


# -- Submissions and cases ----------------------------------------------------------------------


class SubmissionFactory(ModelFactory):
    """A completed streetlight form, as the wizard saves it before the intake opens the case."""

    class Meta:
        model = Submission

    class Params:
        phone = "0812345678"

    form_page = None
    form_title = factory.LazyAttribute(lambda o: o.form_page.title if o.form_page else "คำร้องทั่วไป")
    form_snapshot = factory.LazyFunction(lambda: dict(SNAPSHOT))
    answers = factory.LazyAttribute(lambda o: {"details": "ไฟดับหน้าบ้านเลขที่ 12", "phone": o.phone})
    contact_name = "สมหญิง ใจดี"
    contact_phone = factory.SelfAttribute("phone")
    contact_email = ""
    location_text = "ซอย 3 หมู่ 2"
    wizard_token = factory.LazyFunction(lambda: uuid.uuid4().hex)


def _status_is(*statuses, then, otherwise=None):
    """A declaration worth ``then(obj)`` when the case's status is one of ``statuses``."""
    return factory.LazyAttribute(lambda o: then(o) if o.status in statuses else otherwise)


class _CaseStates(ModelFactory):
    """The traits both case factories share: one per status, overdue, and anonymised."""

    class Meta:
        abstract = True

    class Params:
        received = factory.Trait(status=S.RECEIVED)
        accepted = factory.Trait(status=S.ACCEPTED)
        in_progress = factory.Trait(status=S.IN_PROGRESS)
        waiting = factory.Trait(status=S.WAITING)
        resolved = factory.Trait(status=S.RESOLVED)
        closed = factory.Trait(status=S.CLOSED)
        rejected = factory.Trait(status=S.REJECTED)
        referred = factory.Trait(status=S.REFERRED)
        # Being worked on, three days past its deadline (waiting cases are never overdue).
        overdue = factory.Trait(
            status=S.IN_PROGRESS, due_date=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(3))
        )

    status = S.RECEIVED
    reject_reason = _status_is(S.REJECTED, then=lambda o: RejectReason.NOT_OURS, otherwise="")
    referred_to = _status_is(S.REFERRED, then=lambda o: AGENCY_NAME, otherwise="")
    public_reason = factory.LazyAttribute(
        lambda o: {S.REJECTED: REJECTED_MESSAGE, S.CLOSED: CLOSED_MESSAGE}.get(o.status, "")
    )

    @factory.post_generation
    def anonymised(case, create, extracted, **kwargs):
        """``anonymised=True``: the PDPA anonymisation, for real (services.privacy)."""
        if create and extracted:
            anonymise(case)
            case.refresh_from_db()


class FiledCaseFactory(_CaseStates):
    """A case opened by the real intake from a submission, then moved to its status by the real
    workflow as ``officer``. ``case.receipt`` is what the resident was shown. A due date is
    written over the intake's only when a trait or the caller gives one (``overdue=True``)."""

    class Meta:
        model = Case

    submission = factory.SubFactory(SubmissionFactory)
    officer = None
    due_date = None

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("A filed case exists only once the intake has saved it: use create().")

    @classmethod
    def _create(
        cls, model_class, *args, submission, status, officer, due_date, reject_reason, public_reason, referred_to
    ):
        receipt = open_case(submission)
        case = model_class.objects.get(reference=receipt.reference)
        for step in PATHS[CaseStatus(status)]:
            if step == S.REFERRED:
                workflow.refer(case, officer, agency_name=referred_to)
                continue
            message = public_reason if step in (S.REJECTED, S.CLOSED) else ""
            workflow.change_status(case, step, officer, message=message, reject_reason=reject_reason)
        if due_date is not None:
            model_class.objects.filter(pk=case.pk).update(due_date=due_date)
            case.refresh_from_db()
        case.receipt = receipt
        return case


class CaseFactory(_CaseStates):
    """A case row written directly, dated as given, with the timeline the workflow writes (a
    "created" event, then one public status event per step); ``timeline=False`` writes none."""

    class Meta:
        model = Case

    site = factory.LazyFunction(default_site)
    reference = factory.Sequence(lambda n: f"TST-69-{n:05d}-F")
    submitted_at = factory.LazyFunction(timezone.now)
    submission = factory.SubFactory(SubmissionFactory, submitted_at=factory.SelfAttribute("..submitted_at"))
    service = None
    service_title = factory.LazyAttribute(lambda o: o.service.title if o.service else o.submission.form_title)
    department = factory.LazyAttribute(lambda o: o.service.department if o.service else None)
    contact_phone_last4 = factory.LazyAttribute(lambda o: phone_last4(o.submission.contact_phone))
    location_text = factory.SelfAttribute("submission.location_text")
    due_date = factory.LazyAttribute(lambda o: local_date(o.submitted_at) + datetime.timedelta(days=15))
    waiting_since = _status_is(S.WAITING, S.REFERRED, then=lambda o: timezone.localdate())
    resolved_at = _status_is(S.RESOLVED, S.CLOSED, then=lambda o: max(o.submitted_at, timezone.now()))
    closed_at = _status_is(S.CLOSED, then=lambda o: o.resolved_at)

    @factory.post_generation
    def timeline(case, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CREATED, public=True, created_at=case.submitted_at)
        previous = S.RECEIVED
        for step in PATHS[CaseStatus(case.status)]:
            at = {S.RESOLVED: case.resolved_at, S.CLOSED: case.closed_at}.get(step) or case.submitted_at
            message = case.public_reason if step in (S.REJECTED, S.CLOSED) else ""
            kind = CaseEvent.Kind.STATUS
            if step == S.REFERRED:  # the line workflow.refer writes
                kind, message = CaseEvent.Kind.REFERRED, f"ส่งต่อให้{case.referred_to}แล้ว"
            CaseEvent.objects.create(
                case=case,
                kind=kind,
                public=True,
                from_status=previous,
                to_status=step,
                message=message,
                created_at=at,
            )
            previous = step


class CaseEventFactory(ModelFactory):
    """One line of a timeline: an internal note, or with ``reply=True`` a reply the resident reads."""

    class Meta:
        model = CaseEvent

    class Params:
        reply = factory.Trait(kind=CaseEvent.Kind.REPLY, public=True, message="ช่างจะเข้าไปซ่อมพรุ่งนี้")

    case = factory.SubFactory(CaseFactory)
    kind = CaseEvent.Kind.NOTE
    public = False
    actor = None
    message = "โทรนัดผู้แจ้งแล้ว"
    created_at = factory.LazyFunction(timezone.now)


# -- Payments -----------------------------------------------------------------------------------


class HouseholdFactory(ModelFactory):
    """A household billed monthly for garbage collection."""

    class Meta:
        model = Household

    site = factory.LazyFunction(default_site)
    account_number = factory.Sequence(lambda n: f"G-{n:04d}")
    house_number = factory.Sequence(lambda n: f"{n + 1}/3")
    holder_name = "สมชาย ใจดี"
    address = "หมู่ 2 ซอย 3"
    garbage_fee = Decimal("20.00")
    wastewater_fee = Decimal("0")


class InvoiceFactory(ModelFactory):
    """A fee owed for a case (``household=...`` for a household's months instead). Unpaid by
    default; ``paid=True`` gives it the next number of the site's real receipt book."""

    class Meta:
        model = Invoice

    class Params:
        unpaid = factory.Trait(status=InvoiceStatus.UNPAID)
        paid = factory.Trait(
            status=InvoiceStatus.PAID,
            paid_at=factory.LazyFunction(timezone.now),
            receipt_number=factory.LazyAttribute(
                lambda o: next_receipt_number(o.site, settings_for(o.site).receipt_prefix or "RC")
            ),
        )

    household = None
    case = factory.Maybe("household", yes_declaration=None, no_declaration=factory.SubFactory(CaseFactory))
    site = factory.LazyAttribute(lambda o: (o.case or o.household).site)
    number = factory.Sequence(lambda n: f"INV-TST-{n:05d}")
    reference = factory.LazyAttribute(lambda o: o.case.reference if o.case else o.household.account_number)
    amount = Decimal("20.00")
    description = "ค่าธรรมเนียมใบอนุญาต"
    status = InvoiceStatus.UNPAID


class PaymentFactory(ModelFactory):
    """A transfer slip waiting to be checked; ``confirmed=True`` or ``rejected=True`` once checked."""

    class Meta:
        model = Payment

    class Params:
        confirmed = factory.Trait(status=Payment.Status.CONFIRMED, decided_at=factory.LazyFunction(timezone.now))
        rejected = factory.Trait(
            status=Payment.Status.REJECTED,
            decided_at=factory.LazyFunction(timezone.now),
            reason="ยอดเงินในสลิปไม่ตรงกับใบแจ้งหนี้",
        )

    invoice = factory.SubFactory(InvoiceFactory)
    method = Payment.Method.SLIP
    status = Payment.Status.PENDING
    slip_name = "slip.png"
    slip_type = "image/png"


# -- Notifications ------------------------------------------------------------------------------


class NotificationFactory(ModelFactory):
    """An e-mail telling the resident their request was received, waiting in the outbox;
    ``sent=True`` or ``failed=True`` for what the worker made of it."""

    class Meta:
        model = Notification

    class Params:
        sent = factory.Trait(status=Notification.Status.SENT, attempts=1, sent_at=factory.LazyFunction(timezone.now))
        failed = factory.Trait(status=Notification.Status.FAILED, attempts=5, last_error="SMTP 550 mailbox unavailable")

    case = factory.SubFactory(CaseFactory)
    department = factory.SelfAttribute("case.department")
    event = NotifyEvent.RECEIVED
    channel = NotifyChannel.EMAIL
    recipient = "somying@example.com"
    subject = factory.LazyAttribute(lambda o: f"ได้รับคำร้อง {o.case.reference}" if o.case else "ได้รับคำร้อง")
    body = "เราได้รับคำร้องของท่านแล้ว"
    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
    status = Notification.Status.PENDING


# -- Offices ------------------------------------------------------------------------------------

# What each office role may do, as Django model permissions (app label → actions) and Wagtail
# page and collection permissions on the office's own home pages and collection.
OFFICE_APPS = (
    "cases",
    "payments",
    "notifications",
    "privacy",
    "reporting",
    "open311",
    "services",
    "areas",
    "agencies",
    "home",
    "forms_builder",
)
PAGE_ACTIONS = {
    StaffRole.OFFICE_ADMIN: ("add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"),
    StaffRole.EDITOR: ("add_page", "change_page"),
    StaffRole.MODERATOR: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
}
COLLECTION_ACTIONS = {
    StaffRole.OFFICE_ADMIN: ("add", "change", "choose", "delete"),
    StaffRole.EDITOR: ("add", "change", "choose"),
    StaffRole.MODERATOR: ("add", "change", "choose"),
}
ROLE_GROUP_NAMES = {
    StaffRole.OFFICE_ADMIN: "{name} administrators",
    StaffRole.EDITOR: "{name} editors",
    StaffRole.MODERATOR: "{name} moderators",
    StaffRole.OFFICER: "{name} officers",
}


def _office_group(site, role, name):
    """The auth group of `site` for `role`, with the permissions that role has in its office."""
    group = Group.objects.create(name=ROLE_GROUP_NAMES[role].format(name=name))
    StaffGroup.objects.create(group=group, site=site, role=role)
    group.permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    if role == StaffRole.OFFICE_ADMIN:
        group.permissions.add(*Permission.objects.filter(content_type__app_label__in=OFFICE_APPS))
        group.permissions.add(*Permission.objects.filter(content_type__app_label="auth", codename__endswith="_user"))
    return group


def _grant_pages_and_collection(group, role, homes, collection):
    page_permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=PAGE_ACTIONS.get(role, ())
    )
    for home in homes:
        for permission in page_permissions:
            GroupPagePermission.objects.create(group=group, page=home, permission=permission)
    codenames = [f"{action}_{kind}" for action in COLLECTION_ACTIONS.get(role, ()) for kind in ("image", "document")]
    for permission in Permission.objects.filter(
        content_type__app_label__in=("wagtailimages", "wagtaildocs"), codename__in=codenames
    ):
        GroupCollectionPermission.objects.create(group=group, collection=collection, permission=permission)


def _letters(number, width=2):
    """`number` written in the letters A–Z, at least `width` of them (0 is "AA")."""
    letters = ""
    while number or len(letters) < width:
        number, digit = divmod(number, 26)
        letters = chr(ord("A") + digit) + letters
    return letters


class OfficeFactory(ModelFactory):
    """One more office on the install: a Wagtail Site on ``hostname`` with its Thai home page and
    the English translation beside it, its ``portal.models.Office`` row (``province``), a
    collection of its own for images and documents, and one staff group per office role
    (``office.groups[StaffRole.EDITOR]``), each tied to the office by a ``StaffGroup`` and given
    that role's permissions on the office's pages and collection only.

    ``office.site``, ``office.home_th``, ``office.home_en``, ``office.collection`` and
    ``office.groups`` are what tests build on; ``office_staff(office, role)`` adds a person."""

    class Meta:
        model = Office

    name = factory.Sequence(lambda n: f"อบต.ทดสอบ {n}")
    hostname = factory.Sequence(lambda n: f"office{n}.localhost")
    province = "เชียงใหม่"
    # Letters only, as CaseSettings.clean() insists: TAA, TAB, … TZZ, TBAA …
    reference_prefix = factory.Sequence(lambda n: "T" + _letters(n))

    @classmethod
    def _create(cls, model_class, *args, name, hostname, province, reference_prefix):
        thai = Locale.objects.get(language_code="th")
        english = Locale.objects.get(language_code="en")
        slug = hostname.split(".")[0]
        home_th = Page.get_first_root_node().add_child(instance=HomePage(title=name, slug=slug, locale=thai))
        home_th.save_revision().publish()
        home_en = home_th.copy_for_translation(english)
        home_en.slug = f"{slug}-en"
        home_en.save_revision().publish()
        site = Site.objects.create(hostname=hostname, port=80, root_page=home_th, site_name=name)
        office, _created = model_class.objects.get_or_create(site=site)
        office.province = province
        office.save()
        settings = CaseSettings.for_site(site)
        settings.reference_prefix = reference_prefix
        settings.save()
        office.home_th, office.home_en = home_th.specific, home_en.specific
        office.collection = Collection.get_first_root_node().add_child(name=name)
        office.groups = {}
        for role in ROLE_GROUP_NAMES:
            group = _office_group(site, role, name)
            _grant_pages_and_collection(group, role, (office.home_th, office.home_en), office.collection)
            office.groups[role] = group
        return office


def office_staff(office, role, *, departments=(), **fields):
    """A person working for `office` in `role` (in that office's group for the role)."""
    return StaffFactory(groups=[office.groups[role].name], departments=list(departments), **fields)


def province_viewer(province, **fields):
    """A person who may read the figures of every office in `province`."""
    group = Group.objects.create(name=f"Province viewers {province} {Group.objects.count()}")
    StaffGroup.objects.create(group=group, site=None, role=StaffRole.PROVINCE_VIEWER, province=province)
    group.permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    return StaffFactory(groups=[group.name], **fields)
