"""Limits that stop abuse without locking out honest residents (issue 16, §5 and §4's uploads).

Thousands of phones share one address behind a mobile carrier's NAT and a village shares one
Wi-Fi: a form is refused for what identifies a bot (a form sent faster than a person can fill
it, steps skipped, the honeypot) or one session sending many, and an address only by a high
ceiling. Staff and volunteers are exempt, and logged."""

import logging
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from forms_builder import wizard
from forms_builder.models import Draft, PendingUpload, Submission
from tests.forms_builder.helpers import Filler, jpeg_bytes

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"  # one carrier-grade NAT address for everyone below


class Clock:
    """The wizard's clock, moved by hand: a person takes minutes, a test milliseconds."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def time(self):
        return self.now


@pytest.fixture
def clock(monkeypatch, settings):
    settings.FORMS_BUILDER_MIN_FILL_SECONDS = 5  # on, as in production (the test settings turn it off)
    fake = Clock()
    monkeypatch.setattr(wizard, "time", fake)
    return fake


def resident():
    return Client(REMOTE_ADDR=ADDRESS)


def fill(client, page, clock=None, seconds=60, photo=None):
    """A resident goes through the three steps of the complaint form, taking `seconds`."""
    f = Filler(client, page)
    assert client.get(page.url).status_code == 200
    what, where, who = [s["name"] for s in f.definition["steps"]]
    files = {"photos": photo} if photo else {}
    f.post(what, {"category": "road", "details": "ถนนเป็นหลุมลึก"}, files=files)
    f.post(where, {"location__text": "หน้าวัดบ้านสวน"})
    f.post(who, {"full_name": "สมศรี ใจดี", "phone": "0812345678", "consent": "on"})
    if clock:
        clock.now += seconds
    assert f.current() == "check"
    return f


def send(f):
    """Press Send; the refusal shown at the top of the page, or None when the form was sent."""
    response = f.post("check")
    if response.status_code == 302:
        assert "/sent/" in response["Location"]
        return None
    assert response.status_code == 200
    return [str(m) for m in response.context["form"].non_field_errors()] or list(response.context["form"].errors)


def test_forty_residents_behind_one_address_all_get_through(make_form, clock):
    page = make_form("complaint-form")
    refused = [send(fill(resident(), page, clock)) for _ in range(40)]
    assert refused == [None] * 40
    assert Submission.objects.count() == 40


def test_a_bot_posting_straight_to_the_last_step_is_refused(make_form, clock):
    page = make_form("complaint-form")
    bot = resident()
    f = Filler(bot, page)
    bot.get(page.url)  # the bot takes a token, then skips the steps
    clock.now += 600
    answers = {
        "category": "road",
        "details": "spam",
        "location__text": "x",
        "full_name": "Bot",
        "phone": "0812345678",
        "consent": "on",
    }
    for step in ("check", f.definition["steps"][-1]["name"]):
        response = f.post(step, answers)
        assert response.status_code == 302 and response["Location"] == page.url
    assert "กรุณาตอบขั้นตอนนี้ก่อน" in bot.get(page.url).content.decode()
    # Without the page's token (no session at all) it is refused outright.
    blind = Client(REMOTE_ADDR=ADDRESS).post(page.post_url, {"wizard_token": "x", f"{f.prefix}-current_step": "check"})
    assert blind.status_code == 400
    assert not Submission.objects.exists()


def test_a_form_sent_faster_than_a_person_could_is_refused_and_kept(make_form, clock):
    page = make_form("complaint-form")
    client = resident()
    f = fill(client, page, clock, seconds=2)  # three steps and the check page in two seconds
    assert send(f) == ["ส่งแบบฟอร์มไม่ได้ กรุณาลองใหม่"]  # neutral: a bot learns nothing
    assert not Submission.objects.exists()
    html = client.get(page.url).content.decode()
    assert "ถนนเป็นหลุมลึก" in html and "หน้าวัดบ้านสวน" in html  # the answers are kept
    clock.now += 10  # a person who really was that quick presses Send again
    assert send(f) is None and Submission.objects.count() == 1


def test_a_draft_resumed_on_another_phone_counts_from_its_first_start(make_form, clock):
    page = make_form("complaint-form")
    first = resident()
    f = Filler(first, page)
    first.get(page.url)
    what, where, who = [s["name"] for s in f.definition["steps"]]
    f.post(what, {"category": "road", "details": "ถนนเป็นหลุมลึก"}, extra={"wizard_save": "1"})
    clock.now += 86_400  # the next day, on the phone of a grandchild: two quick steps and Send
    other = resident()
    assert other.get(f"{page.url}resume/{Draft.objects.get().token}/").status_code == 302
    g = Filler(other, page)
    other.get(page.url)
    g.post(where, {"location__text": "หน้าวัด"})
    g.post(who, {"full_name": "สมศรี ใจดี", "phone": "0812345678", "consent": "on"})
    assert send(g) is None


def test_one_session_sending_many_forms_is_slowed_not_its_neighbours(make_form, clock, settings):
    settings.FORMS_BUILDER_SUBMITS_PER_SESSION = 2
    page = make_form("complaint-form")
    busy = resident()
    assert [send(fill(busy, page, clock)) for _ in range(2)] == [None, None]
    refusal = send(fill(busy, page, clock))
    assert refusal and "เบราว์เซอร์นี้" in refusal[0] and "รอหนึ่งชั่วโมง" in refusal[0]
    assert send(fill(resident(), page, clock)) is None  # the next resident on the same Wi-Fi
    assert Submission.objects.count() == 3


def test_the_address_ceiling_still_stops_a_flood(make_form, clock, settings):
    settings.FORMS_BUILDER_SUBMITS_PER_HOUR = 3
    page = make_form("complaint-form")
    assert [send(fill(resident(), page, clock)) for _ in range(3)] == [None] * 3
    refusal = send(fill(resident(), page, clock))
    assert refusal and "อินเทอร์เน็ตนี้" in refusal[0]
    assert Submission.objects.count() == 3


def test_volunteers_are_exempt_and_logged(make_form, clock, settings, django_user_model, caplog):
    settings.FORMS_BUILDER_SUBMITS_PER_HOUR = 1
    settings.FORMS_BUILDER_SUBMITS_PER_SESSION = 1
    page = make_form("complaint-form")
    volunteer = django_user_model.objects.create_user("aor", password="x" * 12)
    volunteer.groups.add(Group.objects.get_or_create(name="Volunteers")[0])
    client = resident()
    client.force_login(volunteer)
    with caplog.at_level(logging.INFO, logger="forms_builder.wizard"):
        # A volunteer types fast: the timing check is for anonymous posts too.
        assert [send(fill(client, page, clock, seconds=1)) for _ in range(3)] == [None] * 3
    assert Submission.objects.filter(filed_by=volunteer).count() == 3
    logged = [r.getMessage() for r in caplog.records if "exempt" in r.getMessage()]
    assert len(logged) == 3 and f"volunteer {volunteer.pk} from {ADDRESS}" in logged[0]


def photo(name):
    return SimpleUploadedFile(name, jpeg_bytes(), "image/jpeg")


def upload_error(response):
    return re.search(r'id="error-photos">(.*?)</p>', response.content.decode(), re.S)


def test_a_filling_holds_a_bounded_number_of_uploads(make_form, settings):
    settings.FORMS_BUILDER_UPLOADS_PER_FILLING = 2
    page = make_form("complaint-form")
    client = resident()
    f = Filler(client, page)
    client.get(page.url)
    what = f.definition["steps"][0]["name"]
    # Upload, untick, upload again: every file is checked and re-encoded on the server.
    for name in ("a.jpg", "b.jpg"):
        f.post(what, {"category": "road", "details": ""}, files={"photos": photo(name)})
    response = f.post(what, {"category": "road", "details": "ถนนเป็นหลุมลึก"}, files={"photos": photo("c.jpg")})
    assert "มีไฟล์ที่แนบไว้แล้ว 2 ไฟล์" in upload_error(response)[1]
    assert PendingUpload.objects.count() == 2
    assert "ถนนเป็นหลุมลึก" in response.content.decode() and f.current() == what  # the rest is kept


def test_uploads_per_address_have_a_ceiling_with_a_message_next_to_the_field(make_form, settings):
    settings.FORMS_BUILDER_UPLOADS_PER_ADDRESS_PER_HOUR = 2
    page = make_form("complaint-form")
    for number in range(3):
        client = resident()
        f = Filler(client, page)
        client.get(page.url)
        what = f.definition["steps"][0]["name"]
        response = f.post(what, {"category": "road", "details": "หลุม"}, files={"photos": photo(f"{number}.jpg")})
    error = upload_error(response)
    assert error and "ส่งไฟล์จากอินเทอร์เน็ตนี้มากเกินไป" in error[1]
    assert PendingUpload.objects.count() == 2
    assert "หลุม" in response.content.decode()
