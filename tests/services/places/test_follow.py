"""Following a public report: from its page (or the already-reported screen), once per address,
with a message for each status change and public update by real SMTP (or the SMS gateway
stand-in), each carrying a one-click unfollow link that works; forged and expired links are
refused with a page that says so, never a 500."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from services.cases import workflow
from services.cases.models import Case, CaseEvent, CaseStatus
from services.notifications.models import Notification
from services.places import following
from services.places.models import Follower, FollowOrigin
from tests.services.places import support

pytestmark = pytest.mark.django_db


def report(world, **fields):
    return support.report(world, email="reporter@example.com", **fields)


def follow(client, case, contact="neighbour@example.com", language="th", **extra):
    return client.post(f"/{language}/reports/{case.reference}/follow/", {"contact": contact, "consent": "on", **extra})


def unfollow_link(text):
    return urlsplit(re.search(r"https?://\S+/reports/unfollow/\S+/", text).group(0)).path


def test_follow_from_the_report_page_and_following_twice_is_once(client, world, django_assert_num_queries):
    case = report(world)
    client.get(f"/th/reports/{case.reference}/follow/")  # the office's settings and pages, cached
    # The report, and how many reported it.
    with django_assert_num_queries(2):
        page = client.get(f"/th/reports/{case.reference}/follow/")
    assert page.status_code == 200 and "1 คนแจ้งเรื่องนี้" in page.content.decode()
    follow(client, report(world), contact="elsewhere@example.com")  # this browser's session begins
    # The report, the insert (in a savepoint) and the count; the session is read from the
    # database only without Redis (cached_db sessions then), so it is left out of the count.
    with CaptureQueriesContext(connection) as queries:
        first = follow(client, case)
    assert len([q for q in queries if "django_session" not in q["sql"]]) == 5, [q["sql"] for q in queries]
    assert first.status_code == 200
    assert "ติดตามเรื่องนี้แล้ว" in first.content.decode()
    assert "ne***@example.com" in first.content.decode() and "neighbour@example.com" not in first.content.decode()
    again = follow(client, case, contact="  Neighbour@Example.com ")
    assert again.status_code == 200
    assert "ติดตามเรื่องนี้อยู่แล้ว" in again.content.decode()
    assert Follower.objects.filter(case=case).count() == 1
    # Following from the page is not reporting: the count of people who reported it stays 1.
    assert following.reported_count(case) == 1


def test_a_mobile_in_thai_digits_is_one_follower_by_sms(client, world):
    case = report(world)
    follow(client, case, contact="๐๘๑-๒๓๔-๕๖๗๘")
    follow(client, case, contact="+66 81 234 5678")
    [follower] = Follower.objects.filter(case=case)
    assert (follower.channel, follower.address) == ("sms", "0812345678")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"contact": "not an address", "consent": "on"}, "กรอกอีเมล"),
        ({"contact": "0212345678", "consent": "on"}, "กรอกอีเมล"),  # a landline cannot take SMS
        ({"contact": "a@example.com"}, "ติ๊กช่อง"),
        ({"contact": "x" * 400 + "@example.com", "consent": "on"}, 'aria-invalid="true"'),
    ],
)
def test_bad_input_is_explained_next_to_the_field(client, world, data, message):
    case = report(world)
    response = client.post(f"/th/reports/{case.reference}/follow/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Follower.objects.exists()


@pytest.mark.parametrize("kind", ["private", "merged", "rejected", "unknown", "not public"])
def test_only_public_reports_can_be_followed(client, world, kind):
    case = report(world, status=CaseStatus.REJECTED if kind == "rejected" else CaseStatus.RECEIVED)
    if kind == "private":
        Case.objects.filter(pk=case.pk).update(private_report=True)
    elif kind == "merged":
        Case.objects.filter(pk=case.pk).update(duplicate_of=report(world))
    elif kind == "not public":
        world["service"].public_place = False
        world["service"].save()
    reference = "BSR-69-NOPE0-0" if kind == "unknown" else case.reference
    assert follow(client, case).status_code == 404 if kind != "unknown" else True
    assert client.get(f"/th/reports/{reference}/follow/").status_code == 404
    assert not Follower.objects.exists()


def test_following_is_rate_limited_per_browser_without_locking_out_the_village(client, world, settings):
    settings.PLACES_FOLLOWS_PER_SESSION = 2
    cases = [report(world) for _ in range(3)]
    assert follow(client, cases[0], contact="a1@example.com").status_code == 200
    assert follow(client, cases[1], contact="a2@example.com").status_code == 200
    refused = follow(client, cases[2], contact="a3@example.com")
    assert refused.status_code == 429 and "กรุณารอ" in refused.content.decode()
    # A neighbour on the same Wi-Fi (same address, another browser) still can.
    assert follow(Client(), cases[2], contact="a4@example.com").status_code == 200


def test_one_address_cannot_be_signed_up_to_many_reports(world, settings):
    settings.PLACES_FOLLOWS_PER_CONTACT = 2
    cases = [report(world) for _ in range(3)]
    for case in cases[:2]:
        assert follow(Client(), case, contact="victim@example.com").status_code == 200
    assert follow(Client(), cases[2], contact="victim@example.com").status_code == 429


def test_fixed_reaches_the_follower_by_smtp_with_an_unfollow_link_that_works(
    client, world, smtp, django_capture_on_commit_callbacks
):
    case = report(world)
    follow(client, case, contact="neighbour@example.com")
    follow(Client(), case, contact="reporter@example.com")  # the reporter is told by their own messages
    english = Client()
    english.post(f"/en/reports/{case.reference}/follow/", {"contact": "farang@example.com", "consent": "on"})
    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.change_status(case, CaseStatus.ACCEPTED, world["officer_works"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.change_status(case, CaseStatus.RESOLVED, world["officer_works"], message="เปลี่ยนหลอดแล้ว")
    mine = [m for m in smtp.messages if m["to"] == ["neighbour@example.com"]]
    assert [m["subject"] for m in mine] == [
        f"เรื่องที่ท่านติดตาม {case.reference}: เจ้าหน้าที่รับเรื่องแล้ว",
        f"เรื่องที่ท่านติดตาม {case.reference}: แก้ไขเรียบร้อยแล้ว",
    ]
    fixed = mine[-1]["text"]
    assert "เปลี่ยนหลอดแล้ว" in fixed and f"http://testserver/th/reports/{case.reference}/" in fixed
    assert [m["subject"] for m in smtp.messages if m["to"] == ["farang@example.com"]][-1] == (
        f"Report {case.reference} you follow: Fixed"
    )
    # The reporter got their own "resolved" message, not a second one as a follower.
    assert not [m for m in smtp.messages if m["to"] == ["reporter@example.com"] and "ติดตาม" in m["subject"]]

    link = unfollow_link(fixed)
    confirm = client.get(link)
    assert confirm.status_code == 200 and "เลิกติดตาม" in confirm.content.decode()
    assert Follower.objects.filter(address="neighbour@example.com").exists()  # a GET (a mail scanner) changes nothing
    done = client.post(link)
    assert done.status_code == 200 and "ไม่ได้ติดตามเรื่องนี้แล้ว" in done.content.decode()
    assert not Follower.objects.filter(address="neighbour@example.com").exists()
    assert client.post(link).status_code == 200  # twice: still a clear page
    # The outbox's kept copy no longer holds the link's secret.
    kept = Notification.objects.filter(recipient="neighbour@example.com").values_list("body", flat=True)
    assert all("/reports/unfollow/…/" in body and link not in body for body in kept)


def test_public_updates_reach_followers_and_private_ones_do_not(
    client, world, gateway, django_capture_on_commit_callbacks
):
    case = report(world)
    follow(client, case, contact="0891234567")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.add_note(case, "ช่างไม่ว่าง", world["officer_works"])
        workflow.reply(case, "ขอเบอร์ติดต่อกลับ", world["officer_works"], public=False)
        workflow.reply(case, "ช่างจะเข้าซ่อมวันพรุ่งนี้", world["officer_works"], public=True)
    [sms] = gateway.sms()
    assert sms["json"]["to"] == "0891234567"
    assert "ช่างจะเข้าซ่อมวันพรุ่งนี้" in sms["json"]["message"] and "/reports/unfollow/" in sms["json"]["message"]
    assert CaseEvent.objects.filter(case=case).count() >= 4


def test_a_forged_or_expired_unfollow_link_is_refused_with_a_page(client, world, settings):
    case = report(world)
    follow(client, case)
    follower = Follower.objects.get()
    token = following.unfollow_token(follower)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.post(f"/th/reports/unfollow/{forged}/")
    assert response.status_code == 400 and "ลิงก์นี้ใช้ไม่ได้" in response.content.decode()
    someone_else = signing.dumps([follower.pk, follower.case_id], salt="another-salt")
    assert client.get(f"/th/reports/unfollow/{someone_else}/").status_code == 400
    assert client.get("/th/reports/unfollow/%00%ff/").status_code in (400, 404)
    # A reference that is no reference never reaches the database (PostgreSQL refuses NUL).
    for junk in ("%00", "BSR%00-69", "%ED%A0%80", "x" * 40):
        assert client.get(f"/th/reports/{junk}/follow/").status_code == 404
    settings.SECRET_KEY = "rotated"  # not genuine any more either
    assert client.get(f"/th/reports/unfollow/{token}/").status_code == 400
    settings.SECRET_KEY = "test-only-key"
    old = signing.TimestampSigner(salt=following.UNFOLLOW_SALT)
    expired = signing.dumps([follower.pk, follower.case_id], salt=following.UNFOLLOW_SALT, compress=True)
    settings_max_age = following.UNFOLLOW_MAX_AGE
    following.UNFOLLOW_MAX_AGE = -1
    try:
        response = client.get(f"/th/reports/unfollow/{expired}/")
    finally:
        following.UNFOLLOW_MAX_AGE = settings_max_age
    assert response.status_code == 410 and "ลิงก์นี้หมดอายุแล้ว" in response.content.decode()
    assert old is not None
    assert Follower.objects.count() == 1


def test_the_report_page_shows_how_many_reported_it_and_the_follow_form(client, world):
    case = report(world)
    following.follow(case, "email", "x@example.com", "th", origin=FollowOrigin.ALREADY_REPORTED)
    page = client.get(f"/th/reports/{case.reference}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2 คนแจ้งเรื่องนี้" in text and f'action="/th/reports/{case.reference}/follow/"' in text
    assert "x@example.com" not in text
