"""PDPA erasure and export that reach every copy (issue 16, section 3).

A hostile test found a resident's data alive after the data protection officer's erase: the
saved draft (still resumable, with name and national ID), the draft-link recipient, phone and
e-mail in notification keys, officers' invoice descriptions, the payment slip, sessions with
half-filled answers, and copies in SQLite's write-ahead log; the export left out the slip, the
after photo, drafts, invoices, payments and notifications.

Here one resident has every kind of record (a case through the real intake and workflow, a
reply with a file, an after photo, an invoice, a rejected slip, messages, a draft saved through
the real wizard with its resume link sent by SMS, an abandoned filling with a photo, an officer's
queue search for their phone). After the erase, every table of the database, every stored file
and (SQLite) the database file and its write-ahead log are read for the name, phone, national ID
and e-mail, in every form they were typed or stored in, and none is found.
"""

import datetime
import io
import json
import re
import zipfile
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone
from django_q.models import Schedule

from forms_builder import demo
from forms_builder.models import Draft, FormPage, PendingUpload, SubmissionFile
from portal.i18n import ascii_digits
from services.cases import workflow
from services.cases.models import Case, CaseEvent, CasePhoto, CaseStatus
from services.feedback.views import save_case_answer
from services.line.models import Conversation, LineEvent
from services.notifications.models import LineContact, Notification
from services.payments import billing
from services.payments.models import Payment
from services.places.models import Follower
from services.privacy import personal_data as privacy
from services.privacy.models import PersonalDataAccess
from services.privacy.tasks import purge_expired_sessions_and_drafts
from tests.factories import InvoiceFactory
from tests.forms_builder.helpers import Filler, jpeg_bytes
from tests.services.cases.support import submit

NAME = "วิไลวรรณ ศรีสุขสวัสดิ์"
PHONE = "0867452319"
NATIONAL_ID = "3100601234565"
EMAIL = "wilaiwan.srisuk@example.co.th"
LINE_USER = "U3f1c0a9e8d7b6a5f4e3d2c1b0a998877"  # the LINE user ID LINE gave her chats and login
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def thai(digits):
    return digits.translate(THAI_DIGITS)


def spellings():
    """Every form the person's details may have been typed or stored in: as given, with
    separators, with Thai digits, +66, and as JSON writes non-ASCII text (\\u0e27...)."""
    plain = {
        NAME,
        "ศรีสุขสวัสดิ์",  # the surname alone: rare enough to be theirs
        PHONE,
        "086-745-2319",
        "086 745 2319",
        "+66867452319",
        "66867452319",
        thai(PHONE),
        NATIONAL_ID,
        "3-1006-01234-56-5",
        thai(NATIONAL_ID),
        EMAIL,
        LINE_USER,
    }
    escaped = {json.dumps(text)[1:-1] for text in plain if not text.isascii()}
    return plain | escaped


NUMBERS = (PHONE, "66867452319", NATIONAL_ID)


def found_in(text):
    """The spellings found in `text`, also once digits are ASCII and separators removed."""
    if not text:
        return set()
    folded = text.casefold()
    hits = {needle for needle in spellings() if needle.casefold() in folded}
    compact = re.sub(r"[\s\-.()]", "", ascii_digits(text))
    return hits | {number for number in NUMBERS if number in compact}


def as_text(value):
    if value is None or isinstance(value, (int, float, bool, datetime.date, datetime.datetime)):
        return ""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "ignore")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def scan_tables():
    """{(table, column): spellings} over every table of the connection, every column read as
    text; sessions are also decoded (they are signed and encoded)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    hits = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - names from the database's own catalogue, quoted
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = as_text(value)
                    if table == "django_session" and column == "session_data":
                        text += as_text(store.decode(text))
                    if found := found_in(text):
                        hits.setdefault((table, column), set()).update(found)
    return hits


def stored_files():
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return {path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()}


def scan_files():
    hits = {}
    for path in stored_files():
        if found := found_in(path.read_bytes().decode("utf-8", "ignore") + " " + str(path)):
            hits[str(path)] = found
    return hits


def reply_file_bytes():
    """What a resident attaches to a reply: a letter that carries their ID number in plain text."""
    return f"%PDF-1.4\n% สำเนาบัตร {NAME} {NATIONAL_ID} โทร {PHONE} {EMAIL}\n%%EOF\n".encode()


def elderly_form(world):
    """The demo's elderly allowance form (name and national ID on its first step), published
    beside the world's form."""
    spec = next(form for form in demo.FORMS if form["slug"] == "elderly-allowance-form")
    page = FormPage(title=spec["title"]["th"], slug=spec["slug"], short_code="elderly-erase", next_steps="")
    page.steps = demo.stream(spec, "th")
    world["form"].get_parent().add_child(instance=page)
    page.save_revision().publish()
    return FormPage.objects.get(pk=page.pk)


def save_draft_and_send_link(page):
    """A resident types their name and national ID (in Thai digits), saves, and asks for the
    resume link by SMS to their phone (typed in Thai digits too): a Draft, its session and a
    notification."""
    client = Client()
    filler = Filler(client, page)
    assert client.get(page.url).status_code == 200
    first = filler.definition["steps"][0]["name"]
    saved = filler.post(first, {"full_name": NAME, "national_id": thai(NATIONAL_ID)}, extra={"wizard_save": "1"})
    assert saved.status_code == 302
    sent = client.post(page.subpage_url("saved"), {"contact": thai(PHONE)})
    assert sent.status_code == 302, sent.content.decode()[:500]
    return client, Draft.objects.get()


def abandon_a_filling(form_page):
    """Another browser: the name, phone and e-mail typed on the last step and a photo uploaded,
    never sent nor saved, and the session has since expired."""
    client = Client()
    filler = Filler(client, form_page)
    assert client.get(form_page.url).status_code == 200
    what, where, who = [step["name"] for step in filler.definition["steps"]]
    filler.post(
        what,
        {"category": "road", "details": f"ถนนหน้าบ้าน{NAME}"},
        files={"photos": SimpleUploadedFile("hole.jpg", jpeg_bytes())},
    )
    filler.post(where, {"location__text": "ซอย 7"})
    filler.post(who, {"full_name": NAME, "phone": "086 745 2319", "email": EMAIL})
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(days=1)
    )
    return client


def build_person(world, complaint_form):
    """One resident with every kind of record the portal keeps (see the module docstring)."""
    officer = world["officer_works"]
    case, _receipt = submit(
        world["form"],
        phone=PHONE,
        email=EMAIL,
        contact_name=NAME,
        answers={"details": f"ไฟดับหน้าบ้าน {NAME}", "phone": PHONE, "national_id": NATIONAL_ID},
    )
    workflow.change_status(case, CaseStatus.ACCEPTED, officer)
    workflow.reply(case, f"เรียนคุณ{NAME} ช่างจะโทร 086-745-2319 ก่อนเข้าไป", officer)
    workflow.resident_reply(case, f"สะดวกช่วงเย็นค่ะ ติดต่อ {EMAIL}")
    event = case.events.filter(kind=CaseEvent.Kind.RESIDENT_REPLY).latest("created_at")
    reply_file = SubmissionFile(
        submission=case.submission,
        field_key=f"reply:{event.pk}",
        original_name=f"บัตร {NAME}.pdf",
        content_type="application/pdf",
        size=len(reply_file_bytes()),
    )
    reply_file.file.save("reply.pdf", ContentFile(reply_file_bytes()), save=False)
    reply_file.save()

    invoice = InvoiceFactory(case=case, description=f"ค่าธรรมเนียมของ {NAME} โทร {PHONE}")
    slip = billing.upload_slip(invoice, SimpleUploadedFile("slip.jpg", jpeg_bytes(), "image/jpeg"))
    billing.reject(slip, officer, f"ชื่อผู้โอนไม่ใช่ {NAME}")

    case.refresh_from_db()
    workflow.change_status(case, CaseStatus.RESOLVED, officer, after_photo=ContentFile(jpeg_bytes(), name="after.jpg"))
    case.refresh_from_db()
    # The satisfaction questionnaire (services/feedback) keeps its own copy of the comment.
    assert save_case_answer(
        case, {"ease": 5, "speed": 4, "staff": 5, "overall": 5, "comment": f"ขอบคุณค่ะ {NAME} โทร {PHONE}"}
    )

    neighbour, _receipt = submit(world["form"], phone="0811111111")
    workflow.add_note(neighbour, f"เพื่อนบ้าน คุณ{NAME} (๐๘๖-๗๔๕-๒๓๑๙) แจ้งเรื่องเดียวกัน", officer)

    staff = Client()
    staff.force_login(officer)
    assert staff.get("/admin/cases/", {"export": "csv", "q": PHONE}).status_code == 200

    draft_client, draft = save_draft_and_send_link(elderly_form(world))
    abandoned = abandon_a_filling(complaint_form)
    chat_by_line(case)
    case.refresh_from_db()
    return {"case": case, "draft": draft, "slip": slip, "draft_client": draft_client, "abandoned": abandoned}


def chat_by_line(case):
    """She linked her request to LINE, follows the office's account and started another report
    by chat: what the LINE area keeps by her LINE user ID."""
    type(case.submission).objects.filter(pk=case.submission_id).update(line_user_id=LINE_USER)
    LineContact.objects.create(site=case.site, user_id=LINE_USER)
    LineEvent.objects.create(
        site=case.site,
        event_id="01JLINEERASE0000000000000",
        kind="message",
        user_id=LINE_USER,
        payload={"source": {"userId": LINE_USER}, "message": {"type": "text", "text": f"ถนนพังหน้าบ้าน{NAME}"}},
    )
    Conversation.objects.create(site=case.site, user_id=LINE_USER, description=f"ถนนพังหน้าบ้าน{NAME}")
    neighbour = Case.objects.filter(site=case.site).exclude(pk=case.pk).first()
    Follower.objects.create(case=neighbour, channel="line", address=LINE_USER, language="th")


@pytest.fixture
def complaint_form(world):
    spec = next(form for form in demo.FORMS if form["slug"] == "complaint-form")
    page = FormPage(title=spec["title"]["th"], slug=spec["slug"], short_code="complaint-erase", next_steps="")
    page.steps = demo.stream(spec, "th")
    world["form"].get_parent().add_child(instance=page)
    page.save_revision().publish()
    return FormPage.objects.get(pk=page.pk)


@pytest.mark.django_db
def test_the_person_is_everywhere_before_the_erase(world, complaint_form):
    """The scan finds what it looks for: every kind of record holds the person before."""
    before = stored_files()
    person = build_person(world, complaint_form)
    hits = scan_tables()
    for table in (
        "forms_builder_submission",
        "forms_builder_draft",
        "django_session",
        "services_caseevent",
        "services_notification",
        "services_invoice",
        "services_payment",
        "services_personaldataaccess",
        "line_conversation",
        "line_lineevent",
        "notifications_linecontact",
        "places_follower",
    ):
        assert any(where[0] == table for where in hits), table
    assert scan_files(), "the reply file names the person"
    new_files = stored_files() - before
    assert len(new_files) == 4  # the reply file, the slip, the after photo, the abandoned filling's photo
    assert person["slip"].slip and person["case"].after_photo


@pytest.mark.django_db
def test_erase_leaves_nothing_in_any_table_or_stored_file(world, complaint_form):
    before = stored_files()
    person = build_person(world, complaint_form)
    draft = person["draft"]

    erased = privacy.erase_person(thai(NATIONAL_ID))  # the officer may type it as written on a letter

    assert (erased.submissions, erased.cases, erased.drafts, erased.events) == (1, 1, 1, 1)
    assert erased.sessions == 2  # the draft's browser and the abandoned filling's
    for client in (person["draft_client"], person["abandoned"]):  # gone from a session cache too
        assert (
            not import_module(settings.SESSION_ENGINE)
            .SessionStore(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)
            .load()
        )
    assert scan_tables() == {}
    assert scan_files() == {}
    assert stored_files() <= before  # the reply file, slip, after photo and both fillings' photos are gone
    # What a resident would notice: the resume link and code no longer open anything.
    page = draft.form_page
    assert person["draft_client"].get(f"{page.url}resume/{draft.token}/").status_code == 404
    assert Client().get(f"{page.url}resume/", {"code": draft.code}).status_code == 404
    # The records the figures and the accounts need stay, without the person.
    payment = Payment.objects.get(pk=person["slip"].pk)
    assert payment.status == Payment.Status.REJECTED and not payment.slip and payment.reason == privacy.REDACTED
    assert payment.invoice.amount > 0 and payment.invoice.description == person["case"].service_title
    assert Notification.objects.filter(case=person["case"]).exists()
    assert PersonalDataAccess.objects.filter(action="export", username="officer.works").exists()
    # The photos' evidence (issue 21): the after photo's row stays for the figures, without its file,
    # its camera, its position or the original's hash.
    photos = CasePhoto.objects.filter(case=person["case"])
    assert photos.filter(role=CasePhoto.Role.AFTER).exists()
    assert not photos.exclude(file="").exists() and not photos.exclude(sha256="").exists()
    assert not photos.exclude(device="").exists() and not photos.filter(latitude__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL keeps dead row versions in its data files until VACUUM reuses the space, and "
    "its write-ahead log until segments are recycled: no checkpoint removes them on demand, so only "
    "the live data (the tables, scanned above) can be clean at once; the README says what VACUUM "
    "FULL does and does not guarantee.",
)
def test_erase_leaves_nothing_in_the_sqlite_file_or_its_write_ahead_log(world, complaint_form):
    """Committed for real (a transactional test): the pages reach the database file and the WAL."""
    build_person(world, complaint_form)
    database = Path(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1

    def raw():
        return b"".join(path.read_bytes() for path in (database, Path(f"{database}-wal")) if path.exists()).decode(
            "utf-8", "ignore"
        )

    assert found_in(raw())  # before: the person is in the bytes on disk
    privacy.erase_person(EMAIL)
    assert found_in(raw()) == set()
    assert Path(f"{database}-wal").stat().st_size == 0  # checkpointed and truncated


@pytest.mark.django_db
def test_export_includes_drafts_slips_photos_invoices_payments_and_messages(world, complaint_form):
    person = build_person(world, complaint_form)
    data, count = privacy.export_person(PHONE)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    exported = json.loads(archive.read("person.json"))
    assert count == 1
    case = exported["submissions"][0]["case"]
    assert case["after_photo"] in names and case["after_photo"].startswith("photos/")
    [invoice] = case["invoices"]
    assert NAME in invoice["description"] and invoice["amount"] == "20.00"
    [payment] = invoice["payments"]
    assert payment["status"] == "rejected" and NAME in payment["reason"]
    assert archive.read(payment["slip"]) == person["slip"].slip.open("rb").read()
    [draft] = exported["drafts"]
    assert NAME in json.dumps(draft, ensure_ascii=False) and draft["form"] == person["draft"].form_page.title
    replies = [f for f in exported["submissions"][0]["files"] if f["field"].startswith("reply:")]
    assert archive.read(replies[0]["in_archive"]) == reply_file_bytes()
    sent = {(n["event"], n["recipient"]) for n in exported["notifications"]}
    assert ("draft_saved", PHONE) in sent  # the resume link, not tied to any case
    assert any(event == "reply" and recipient == EMAIL for event, recipient in sent)
    assert all(n["recipient"] in (PHONE, EMAIL) for n in exported["notifications"])  # not the staff's


@pytest.mark.django_db
def test_erase_keeps_a_volunteer_signed_in_but_takes_the_residents_answers(world, complaint_form, django_user_model):
    """A volunteer filing for the resident: their session loses the half-filled form, not the sign-in."""
    volunteer = django_user_model.objects.create_user("volunteer.erase", password="x" * 12)
    client = Client()
    client.force_login(volunteer)
    filler = Filler(client, complaint_form)
    client.get(complaint_form.url)
    what, where, who = [step["name"] for step in filler.definition["steps"]]
    filler.post(what, {"category": "road", "details": "ถนนเป็นหลุม"})
    filler.post(where, {"location__text": "ซอย 7"})
    filler.post(who, {"full_name": NAME, "phone": PHONE})
    assert found_in(json.dumps(dict(client.session.items()), ensure_ascii=False))
    submit(world["form"], phone=PHONE, contact_name=NAME)
    key = client.session.session_key

    privacy.erase_person(PHONE)

    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    assert session.get("_auth_user_id") == str(volunteer.pk)
    assert not [name for name in session.keys() if name.startswith("wizard_")]
    assert found_in(json.dumps(dict(session.items()), ensure_ascii=False)) == set()


@pytest.mark.django_db
def test_purge_job_removes_expired_sessions_and_drafts_with_their_files(world, complaint_form, settings):
    settings.FORMS_BUILDER_DRAFT_DAYS = 30
    save_draft_and_send_link(elderly_form(world))
    abandon_a_filling(complaint_form)  # its session expired yesterday; its photo is a pending upload
    live = Client()
    live.get(complaint_form.url)  # someone filling a form now
    Draft.objects.update(updated_at=timezone.now() - datetime.timedelta(days=31))
    PendingUpload.objects.update(created_at=timezone.now() - datetime.timedelta(days=31))
    [photo] = [Path(upload.file.path) for upload in PendingUpload.objects.all()]
    assert Session.objects.filter(expire_date__lt=timezone.now()).count() == 1

    assert purge_expired_sessions_and_drafts() == {"sessions": 1, "drafts": 1, "uploads": 1}

    assert not Session.objects.filter(expire_date__lt=timezone.now()).exists()
    assert Session.objects.filter(session_key=live.session.session_key).exists()  # a live filling stays
    assert not Draft.objects.exists() and not PendingUpload.objects.exists() and not photo.exists()
    assert purge_expired_sessions_and_drafts() == {"sessions": 0, "drafts": 0, "uploads": 0}  # twice: nothing more


@pytest.mark.django_db
def test_purge_job_is_scheduled_once_a_night():
    call_command("setup_schedules")
    call_command("setup_schedules")
    schedule = Schedule.objects.get(name="pdpa: purge expired sessions and drafts")
    assert schedule.func == "services.privacy.tasks.purge_expired_sessions_and_drafts"
    assert schedule.schedule_type == Schedule.DAILY
    assert timezone.localtime(schedule.next_run).hour == 2
    assert Schedule.objects.filter(name="pdpa: purge expired sessions and drafts").count() == 1


@pytest.mark.django_db
def test_the_timeline_stays_append_only_in_the_database_for_every_column(world):
    """Redacting a timeline is the one change the database allows. Cases 0002 added a column to
    case events, which on SQLite rebuilt the table and dropped its trigger; privacy 0002 puts it
    back over every column, the new one included."""
    case, _receipt = submit(world["form"])
    event = case.events.first()
    for sql, params in (
        ("UPDATE services_caseevent SET message = %s WHERE id = %s", ["rewritten", event.pk]),
        ("UPDATE services_caseevent SET for_resident = NOT for_resident WHERE id = %s", [event.pk]),
        ("UPDATE services_caseevent SET message = %s, kind = 'note' WHERE id = %s", [privacy.REDACTED, event.pk]),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE services_caseevent SET message = %s WHERE id = %s", [privacy.REDACTED, event.pk])
    assert CaseEvent.objects.get(pk=event.pk).message == privacy.REDACTED
