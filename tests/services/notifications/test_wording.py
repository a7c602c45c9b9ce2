"""How messages address the resident (issue 14): one form of address made by one function
(`render.addressee`) for every message — Thai "คุณ" and the name without the title the resident
typed ("นางสมศรี" is greeted "คุณสมศรี", never "คุณนางสมศรี"), and ท่าน throughout the body;
in English the name without its title."""

import pytest
from django.utils import translation

from services.cases import workflow
from services.cases.models import CaseStatus
from services.notifications.models import Notification, NotificationTemplate, NotifyEvent
from services.notifications.render import addressee, redact, render
from tests.services.cases.support import make_world
from tests.services.notifications.support import file_request

pytestmark = pytest.mark.django_db

RESIDENT_EVENTS = [NotifyEvent.RECEIVED, NotifyEvent.STATUS, NotifyEvent.REPLY, NotifyEvent.INFO_REQUESTED]
RESIDENT_EVENTS += [NotifyEvent.CLOSED, NotifyEvent.DRAFT_SAVED, NotifyEvent.DELAY_NOTICE]


@pytest.fixture
def world(home_th):
    return make_world(home_th)


@pytest.mark.parametrize(
    ("typed", "thai", "english"),
    [
        ("นางสมศรี ใจดี", "คุณสมศรี ใจดี", "สมศรี ใจดี"),
        ("นางสาวมาลัย ศรีสุข", "คุณมาลัย ศรีสุข", "มาลัย ศรีสุข"),
        ("นายสมชาย  ใจดี", "คุณสมชาย ใจดี", "สมชาย ใจดี"),
        ("น.ส. มาลัย", "คุณมาลัย", "มาลัย"),
        ("ด.ช.ก้อง", "คุณก้อง", "ก้อง"),
        ("ด.ญ. แก้ว", "คุณแก้ว", "แก้ว"),
        ("เด็กหญิงแก้ว", "คุณแก้ว", "แก้ว"),
        ("คุณ สมชาย", "คุณสมชาย", "สมชาย"),
        ("Mrs. Jane Doe", "คุณJane Doe", "Jane Doe"),
        ("Miss Aye", "คุณAye", "Aye"),
        ("MR Aung Kyaw", "คุณAung Kyaw", "Aung Kyaw"),
        # Names that only begin like a title keep every letter.
        ("คุณากร ทองดี", "คุณคุณากร ทองดี", "คุณากร ทองดี"),
        ("นายิกา ดี", "คุณนายิกา ดี", "นายิกา ดี"),
        ("Missy Jones", "คุณMissy Jones", "Missy Jones"),
        ("", "ผู้ยื่นคำร้อง", "resident"),
    ],
)
def test_addressee_strips_a_typed_title_and_adds_khun_in_thai(typed, thai, english):
    with translation.override("th"):
        assert addressee(typed) == thai
    with translation.override("en"):
        assert addressee(typed) == english


@pytest.mark.parametrize("event", RESIDENT_EVENTS)
def test_each_message_kind_to_a_resident_says_khun_once_and_than_in_the_body(event):
    with translation.override("th"):
        name = addressee("นางสมศรี ใจดี")
    values = {
        "name": name,
        "reference": "BSR-69-7KQ2M-4",
        "service": "แจ้งไฟฟ้าสาธารณะชำรุด",
        "status": "อยู่ระหว่างดำเนินการ",
        "message": "ทีมช่างจะเข้าไปวันพรุ่งนี้",
        "form": "แจ้งไฟฟ้าสาธารณะชำรุด",
        "office": "เทศบาลตำบลบ้านสวนริมน้ำ",
    }
    subject, text, _html = render(event, "th", values)
    assert "คุณนาง" not in text and "คุณคุณ" not in text
    assert "คุณ" not in subject
    if event != NotifyEvent.DRAFT_SAVED:  # the saved-form link names nobody
        assert text.startswith("เรียน คุณสมศรี ใจดี\n")
    assert text.count("คุณ") == (0 if event == NotifyEvent.DRAFT_SAVED else 1)  # only the greeting
    assert "ท่าน" in text or "ท่าน" in subject


def test_every_letter_of_a_case_greets_the_resident_once(world, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    case, _ = file_request(world, capture, email="somsri@example.com", contact_name="นางสมศรี ใจดี")
    officer = world["officer_works"]
    with capture(execute=True):
        case = workflow.change_status(case, CaseStatus.ACCEPTED, officer)
    with capture(execute=True):
        workflow.reply(case, "ทีมช่างจะเข้าไปวันพรุ่งนี้", officer)
    with capture(execute=True):
        case = workflow.change_status(case, CaseStatus.WAITING, officer, message="ขอรูปเสาไฟที่ดับ")
    with capture(execute=True):
        case = workflow.change_status(case, CaseStatus.RESOLVED, officer, message="เปลี่ยนหลอดแล้ว")
    with capture(execute=True):
        case = workflow.change_status(case, CaseStatus.CLOSED, officer, message="ปิดงาน")
    letters = list(Notification.objects.filter(recipient="somsri@example.com").order_by("pk"))
    assert len(letters) == 6
    for letter in letters:
        assert letter.body.startswith("เรียน คุณสมศรี ใจดี\n"), letter.body
        assert letter.body.count("คุณ") == 1, letter.body  # the body says ท่าน
        assert "ท่าน" in letter.body
    # The status words inside a letter say ท่าน too (the web page's label says คุณ).
    assert "เจ้าหน้าที่รับเรื่องของท่านแล้ว" in letters[1].body


def test_sms_and_english_use_the_same_form_of_address(world, django_capture_on_commit_callbacks):
    file_request(world, django_capture_on_commit_callbacks, phone="0812345678", contact_name="น.ส.มาลัย ศรีสุข")
    [sms] = Notification.objects.filter(channel="sms")
    assert sms.body.startswith("เรียน คุณมาลัย ศรีสุข\n")
    file_request(
        world, django_capture_on_commit_callbacks, email="jane@example.com", contact_name="Mrs Jane Doe", language="en"
    )
    [english] = Notification.objects.filter(recipient="jane@example.com")
    assert english.body.startswith("Dear Jane Doe,\n")


def test_an_editors_template_with_khun_before_the_name_does_not_greet_twice(world, django_capture_on_commit_callbacks):
    NotificationTemplate.objects.create(
        event="received", language="th", subject="รับเรื่อง {reference} แล้ว", body="เรียน คุณ{name}\nติดตาม: {tracking_url}"
    )
    file_request(world, django_capture_on_commit_callbacks, email="somsri@example.com", contact_name="นางสมศรี ใจดี")
    [letter] = Notification.objects.filter(recipient="somsri@example.com")
    assert letter.body.startswith("เรียน คุณสมศรี ใจดี\n")


@pytest.mark.parametrize("language", ["th", "en", "my"])
def test_the_kept_copy_loses_an_agencys_link_secret_and_nothing_else(language):
    """The agency's capability link (/<lang>/agency/<22 characters>/) goes as the tracking link's
    secret does; a shorter or longer run after /agency/ is no such link and is left alone."""
    secret = "Ab3_-x" + "k" * 16
    text = f"เปิดเรื่อง: https://office.go.th/{language}/agency/{secret}/ (อ้างอิง BSR-69-00001-K)"
    kept = redact("agency_referral", text)
    assert secret not in kept
    assert kept == f"เปิดเรื่อง: https://office.go.th/{language}/agency/…/ (อ้างอิง BSR-69-00001-K)"
    for not_a_secret in ("/th/agency/short/", "/th/agency/" + "k" * 23 + "/"):
        assert redact("agency_referral", not_a_secret) == not_a_secret
