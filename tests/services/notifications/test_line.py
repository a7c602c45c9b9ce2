"""Messages to LINE (issue 19 §5), against the fake LINE platform (tests/line_platform.py), which
checks every body against line-bot-sdk's models of LINE's schema, each office's bearer token and
the X-Line-Retry-Key: a resident linked to a LINE user gets their status changes, replies,
"is it fixed?" and one-time codes as one Flex push each, from their own office's channel; a rate
limit is waited out; a block stops the pushes (the case stays), a follow resumes them."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from services.cases import access, workflow
from services.cases.models import Case, CaseEvent, CaseStatus
from services.notifications import events, line, outbox
from services.notifications.channels import BLOCKED, LINE_ALT_TEXT_LIMIT
from services.notifications.models import LineContact, Notification, NotificationSettings, NotifyEvent
from services.notifications.views import why_not_delivered
from tests.factories import CaseFactory, FiledCaseFactory, SubmissionFactory
from tests.line_platform import SECRET, TOKEN, LinePlatform, user_id
from tests.services.cases.support import make_world
from tests.services.payments.two_offices import B_HOST, two_offices

S = Notification.Status
PUSH = "/v2/bot/message/push"
B_TOKEN = "line-token-of-nongbua"
B_SECRET = "line-secret-of-nongbua"
RESIDENT = user_id(1)


@pytest.fixture
def platform(settings):
    server = LinePlatform(tokens=(TOKEN, B_TOKEN))
    settings.LINE_API_URL = settings.LINE_DATA_API_URL = server.url
    settings.LINE_CHANNEL_TOKEN = TOKEN
    settings.LINE_CHANNEL_SECRET = SECRET
    yield server
    server.close()


@pytest.fixture
def world(home_th):
    world = make_world(home_th)
    world["works"].email = "works@bansuan.go.th"
    world["works"].save()
    return world


def file_by_line(world, capture, line_user=RESIDENT, **extra):
    """A web e-form filed with "continue with LINE": the intake opens the case, the on-commit
    tasks (the outbox's sends, synchronous in the tests) have run when this returns."""
    with capture(execute=True):
        submission = SubmissionFactory(form_page=world["form"], line_user_id=line_user, **extra)
        receipt = FiledCaseFactory(submission=submission).receipt
    return Case.objects.get(reference=receipt.reference)


def push_requests(platform, to=None):
    """The push calls LINE accepted or answered, with their headers, in order."""
    return [r for r in platform.requests if r["path"] == PUSH and (to is None or (r.get("json") or {}).get("to") == to)]


def bubble(push):
    """(altText, title, text, button label, button URI) of a one-bubble Flex push."""
    [message] = push["messages"]
    assert message["type"] == "flex"
    body = message["contents"]["body"]["contents"]
    [button] = message["contents"]["footer"]["contents"]
    text = body[1]["text"] if len(body) > 1 else ""
    return message["altText"], body[0]["text"], text, button["action"]["label"], button["action"]["uri"]


def set_status(case, target, user=None, capture=None, **kwargs):
    with capture(execute=True):
        workflow.change_status(Case.objects.get(pk=case.pk), target, user, **kwargs)


# -- One Flex push per event, from the case's own office -------------------------------------------


def test_status_changes_arrive_as_one_flex_push_each_with_the_offices_own_token(
    db, platform, django_capture_on_commit_callbacks
):
    a, b = two_offices()
    config = NotificationSettings.for_site(b.site)
    config.line_channel_secret, config.line_channel_token = B_SECRET, B_TOKEN
    config.save()
    for office, n in ((a, 1), (b, 2)):
        office.case.submission.line_user_id = user_id(n)
        office.case.submission.save(update_fields=["line_user_id"])
        set_status(office.case, CaseStatus.ACCEPTED, office.officer, django_capture_on_commit_callbacks)

    [to_a] = push_requests(platform, user_id(1))
    [to_b] = push_requests(platform, user_id(2))
    assert to_a["headers"]["Authorization"] == f"Bearer {TOKEN}"  # the main office: the environment's channel
    assert to_b["headers"]["Authorization"] == f"Bearer {B_TOKEN}"  # office B: its own
    assert to_a["headers"]["X-Line-Retry-Key"] != to_b["headers"]["X-Line-Retry-Key"]
    alt, title, text, label, uri = bubble(to_b["json"])
    assert b.case.reference in title and "เจ้าหน้าที่รับเรื่องของท่านแล้ว" in title  # the status line
    assert b.case.reference in alt and uri in alt  # altText: the plain message, link included
    assert label == "ติดตามคำร้อง" and uri == f"http://{B_HOST}/t/{b.case.reference}"
    assert uri not in text  # the button carries the link; the bubble's text does not repeat it
    assert "อบต.หนองบัว" in text
    assert platform.refused == []
    # No e-mail or SMS besides: one channel per resident.
    rows = Notification.objects.filter(case__in=[a.case, b.case], event=NotifyEvent.STATUS)
    assert sorted(rows.values_list("channel", "status")) == [("line", S.SENT), ("line", S.SENT)]


def test_a_push_is_never_sent_twice(platform, world, django_capture_on_commit_callbacks):
    """The worker died after LINE accepted the push and before the row said so: the retry goes out
    with the same X-Line-Retry-Key, LINE answers 409, and the row counts as sent."""
    case = file_by_line(world, django_capture_on_commit_callbacks)
    row = Notification.objects.get(case=case, event=NotifyEvent.RECEIVED)
    assert row.status == S.SENT
    Notification.objects.filter(pk=row.pk).update(status=S.PENDING, sent_at=None)
    assert outbox.deliver(row.pk) == S.SENT
    first, again = push_requests(platform)
    assert first["headers"]["X-Line-Retry-Key"] == again["headers"]["X-Line-Retry-Key"]
    assert len(platform.pushes(to=user_id(1))) == 1


def test_a_staff_reply_written_in_the_admin_reaches_line(platform, world, client, django_capture_on_commit_callbacks):
    case = file_by_line(world, django_capture_on_commit_callbacks, contact_email="somying@example.com")
    client.force_login(world["officer_works"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/cases/{case.pk}/", {"action": "reply", "reply": "ทีมช่างจะเข้าไปซ่อมพรุ่งนี้เช้า"})
    assert response.status_code == 302
    received, reply = platform.pushes(to=user_id(1))
    _alt, title, text, label, uri = bubble(reply)
    assert case.reference in title and "ทีมช่างจะเข้าไปซ่อมพรุ่งนี้เช้า" in text
    assert uri == f"http://testserver/t/{case.reference}"
    # The "received" message opened the resident's details without a code (its fresh link); the
    # kept copy of the link loses that secret once sent.
    assert re.fullmatch(rf"http://testserver/t/{case.reference}/[A-Za-z0-9_-]{{22}}", bubble(received)[4])
    kept = Notification.objects.get(case=case, event=NotifyEvent.RECEIVED)
    assert kept.link == f"http://testserver/t/{case.reference}/…"
    assert not Notification.objects.filter(case=case, recipient="somying@example.com").exists()
    assert platform.refused == []


def test_resolved_asks_is_it_fixed_and_a_long_reply_stays_within_lines_limits(
    platform, world, django_capture_on_commit_callbacks
):
    case = file_by_line(world, django_capture_on_commit_callbacks, language="en")
    long_reply = "The streetlight pole must be replaced. " * 150
    with django_capture_on_commit_callbacks(execute=True):
        workflow.reply(Case.objects.get(pk=case.pk), long_reply, world["officer_works"])
    set_status(case, CaseStatus.ACCEPTED, world["officer_works"], django_capture_on_commit_callbacks)
    set_status(case, CaseStatus.IN_PROGRESS, world["officer_works"], django_capture_on_commit_callbacks)
    set_status(case, CaseStatus.RESOLVED, world["officer_works"], django_capture_on_commit_callbacks)
    pushes = platform.pushes(to=user_id(1))
    assert len(pushes) == 5 and platform.refused == []
    alt, _title, text, _label, _uri = bubble(pushes[1])
    assert len(alt) <= LINE_ALT_TEXT_LIMIT and alt.endswith("…")
    assert "The streetlight pole must be replaced." in text
    _alt, title, _text, label, uri = bubble(pushes[-1])
    assert label == "Is it fixed? Tell us" and uri == f"http://testserver/t/{case.reference}#your-request"
    assert "Done" in title


def test_a_case_filed_in_the_chat_gets_no_second_received_message(platform, world):
    """The chat's reply (services.line) gave the reference: no push repeats it. Later events do go."""
    submission = SubmissionFactory(form_page=world["form"], line_user_id=user_id(5))
    case = CaseFactory(site=world["site"], department=world["works"], submission=submission, channel="line")
    created = CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CREATED)
    assert not Notification.objects.filter(case=case, event=NotifyEvent.RECEIVED).exists()
    assert events.notify_resident(case, created, NotifyEvent.RECEIVED) == []


def test_the_answer_a_line_front_end_left_in_the_form_still_counts(platform, world, django_capture_on_commit_callbacks):
    """Forms filled before Submission.line_user_id carried the LINE user as an answer."""
    with django_capture_on_commit_callbacks(execute=True):
        submission = SubmissionFactory(
            form_page=world["form"],
            contact_email="somying@example.com",
            answers={"details": "ไฟดับ", "line_user_id": user_id(3)},
        )
        FiledCaseFactory(submission=submission)
    [push] = platform.pushes(to=user_id(3))
    assert bubble(push)[3] == "ติดตามคำร้อง"


def test_the_staff_line_group_gets_new_requests_with_a_button_to_the_case(
    platform, world, django_capture_on_commit_callbacks
):
    group = "C" + "fedcba9876543210" * 2
    config = NotificationSettings.for_site(world["site"])
    config.staff_line_to = group
    config.save()
    case = file_by_line(world, django_capture_on_commit_callbacks, line_user="")
    [push] = platform.pushes(to=group)
    alt, _title, _text, label, uri = bubble(push)
    assert alt.startswith(f"มีคำร้องใหม่เข้ากองช่าง: {case.reference}")
    assert label == "เปิดคำร้อง" and uri == f"http://testserver/admin/cases/{case.pk}/"


# -- Rate limits and outages -------------------------------------------------------------------


def test_a_429_is_waited_out_for_at_least_its_retry_after(platform, world, django_capture_on_commit_callbacks):
    platform.answer(PUSH, 429, {"Retry-After": "300"}, {"message": "Too Many Requests"})
    before = timezone.now()
    case = file_by_line(world, django_capture_on_commit_callbacks)
    row = Notification.objects.get(case=case, event=NotifyEvent.RECEIVED)
    assert row.status == S.PENDING and "429" in row.last_error
    # LINE asked for five minutes: more than the outbox's own first backoff (one minute).
    assert row.next_attempt_at >= before + datetime.timedelta(seconds=300)
    assert outbox.deliver(row.pk, now=before + datetime.timedelta(seconds=299)) is None  # not due: LINE is not asked
    assert len(push_requests(platform)) == 1
    assert outbox.deliver(row.pk, now=row.next_attempt_at) == S.SENT
    refused, accepted = push_requests(platform)
    assert refused["headers"]["X-Line-Retry-Key"] == accepted["headers"]["X-Line-Retry-Key"]
    assert len(platform.pushes(to=user_id(1))) == 1


def test_a_retry_after_date_is_understood_too(platform, world, django_capture_on_commit_callbacks):
    later = timezone.now() + datetime.timedelta(hours=2)
    platform.answer(PUSH, 429, {"Retry-After": later.strftime("%a, %d %b %Y %H:%M:%S GMT")})
    case = file_by_line(world, django_capture_on_commit_callbacks)
    row = Notification.objects.get(case=case, event=NotifyEvent.RECEIVED)
    assert row.next_attempt_at >= later - datetime.timedelta(seconds=1)


def test_a_server_error_is_retried_and_sent_once(platform, world, django_capture_on_commit_callbacks):
    platform.answer(PUSH, 500, times=2)
    case = file_by_line(world, django_capture_on_commit_callbacks)
    row = Notification.objects.get(case=case, event=NotifyEvent.RECEIVED)
    assert row.status == S.PENDING
    assert outbox.deliver(row.pk, now=row.next_attempt_at) == S.PENDING
    row.refresh_from_db()
    assert outbox.deliver(row.pk, now=row.next_attempt_at) == S.SENT
    assert len(push_requests(platform)) == 3 and len(platform.pushes()) == 1


def test_an_office_without_a_line_channel_is_not_configured(
    platform, settings, world, django_capture_on_commit_callbacks
):
    """No token anywhere: the resident who also gave an e-mail address is told by e-mail."""
    settings.LINE_CHANNEL_TOKEN = ""
    case = file_by_line(world, django_capture_on_commit_callbacks, contact_email="somying@example.com")
    assert Notification.objects.get(case=case, event=NotifyEvent.RECEIVED).channel == "email"
    assert push_requests(platform) == []


# -- Follow, unfollow, block --------------------------------------------------------------------


def test_a_block_stops_the_pushes_and_keeps_the_case_a_follow_resumes_them(
    platform, world, django_capture_on_commit_callbacks
):
    case = file_by_line(world, django_capture_on_commit_callbacks)
    officer = world["officer_works"]
    line.set_following(world["site"], user_id(1), False)
    assert not line.is_reachable(world["site"], user_id(1))
    set_status(case, CaseStatus.ACCEPTED, officer, django_capture_on_commit_callbacks)
    assert len(platform.pushes(to=user_id(1))) == 1  # only the "received" before the block
    assert Case.objects.filter(pk=case.pk, status=CaseStatus.ACCEPTED).exists()
    row = Notification.objects.get(case=case, event=NotifyEvent.STATUS)
    # Recorded, not retried: staff see why the resident was not told.
    assert row.status == S.UNDELIVERABLE and row.last_error == BLOCKED
    assert str(why_not_delivered(row)) == "ผู้ยื่นคำร้องบล็อกบัญชี LINE ของหน่วยงาน: ไม่ได้ส่ง"
    assert outbox.retry_due() == 0

    line.set_following(world["site"], user_id(1), True)
    set_status(case, CaseStatus.IN_PROGRESS, officer, django_capture_on_commit_callbacks)
    assert len(platform.pushes(to=user_id(1))) == 2
    assert LineContact.objects.filter(site=world["site"], user_id=user_id(1)).count() == 1


def test_a_block_between_writing_and_sending_is_honoured(platform, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        submission = SubmissionFactory(form_page=world["form"], line_user_id=user_id(1))
        case = Case.objects.get(reference=FiledCaseFactory(submission=submission).receipt.reference)
    line.set_following(world["site"], user_id(1), False)
    row = Notification.objects.get(case=case, event=NotifyEvent.RECEIVED)
    assert outbox.deliver(row.pk) == S.UNDELIVERABLE
    assert push_requests(platform) == []


def test_a_blocked_resident_who_gave_an_email_is_told_by_email(platform, world, django_capture_on_commit_callbacks):
    line.set_following(world["site"], user_id(1), False)
    case = file_by_line(world, django_capture_on_commit_callbacks, contact_email="somying@example.com")
    row = Notification.objects.get(case=case, event=NotifyEvent.RECEIVED)
    assert row.channel == "email" and row.recipient == "somying@example.com"
    assert push_requests(platform) == []


def test_a_late_event_does_not_undo_a_newer_one_and_offices_are_separate(db):
    a, b = two_offices()
    now = timezone.now()
    line.set_following(a.site, user_id(1), False, at=now)
    line.set_following(a.site, user_id(1), True, at=now - datetime.timedelta(minutes=1))  # redelivered late
    line.set_following(a.site, user_id(1), False, at=now)  # and twice
    assert not line.is_reachable(a.site, user_id(1))
    assert line.is_reachable(b.site, user_id(1))  # blocking one office is not blocking the other
    assert line.is_reachable(a.site.pk, user_id(2))  # LINE never told us anything about this one
    assert LineContact.objects.count() == 1


# -- One-time codes ------------------------------------------------------------------------------


def test_a_one_time_code_goes_to_line(platform, world, django_capture_on_commit_callbacks):
    case = file_by_line(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = access.request_code(case, "phone", "th")
    assert outcome.ok and outcome.sent_to == "LINE"
    push = platform.pushes(to=user_id(1))[-1]
    alt, title, text, _label, uri = bubble(push)
    code = re.search(r"\d{6}", text).group()
    assert code in alt and case.reference in title
    assert uri == f"http://testserver/t/{case.reference}"
    row = Notification.objects.get(case=case, event=NotifyEvent.TRACKING_CODE)
    assert row.channel == "line" and row.status == S.SENT and code not in row.body  # the kept copy forgets it
    assert platform.refused == []


def test_a_blocked_resident_gets_the_code_by_sms(gateway, platform, world, django_capture_on_commit_callbacks):
    # `gateway` first: it points LINE_API_URL at itself, the platform then takes it back.
    case = file_by_line(world, django_capture_on_commit_callbacks)
    line.set_following(world["site"], user_id(1), False)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = access.request_code(case, "phone", "th")
    assert outcome.ok and outcome.sent_to != "LINE"
    assert len(gateway.sms()) == 1 and len(platform.pushes(to=user_id(1))) == 1  # the "received" only


# -- The office's channel -----------------------------------------------------------------------


def test_credentials_come_from_the_office_then_the_environment_for_the_main_office_only(settings, db):
    a, b = two_offices()
    settings.LINE_CHANNEL_SECRET, settings.LINE_CHANNEL_TOKEN = "env-secret", "env-token"
    assert (line.credentials(a.site).secret, line.credentials(a.site).token) == ("env-secret", "env-token")
    assert line.credentials(b.site) is None  # another office never borrows the install's channel
    config = NotificationSettings.for_site(b.site)
    config.line_channel_secret, config.line_channel_token = B_SECRET, B_TOKEN
    config.save()
    assert (line.credentials(b.site).secret, line.credentials(b.site.pk).token) == (B_SECRET, B_TOKEN)
    own = NotificationSettings.for_site(a.site)
    own.line_channel_secret, own.line_channel_token = "a-secret", ""
    own.save()
    # Half filled in: the office's own channel, never its secret with the environment's token.
    assert (line.credentials(a.site).secret, line.credentials(a.site).token) == ("a-secret", "")
    assert "a-secret" not in repr(line.credentials(a.site))
    settings.LINE_CHANNEL_SECRET = settings.LINE_CHANNEL_TOKEN = ""
    own.line_channel_secret = ""
    own.save()
    assert line.credentials(a.site) is None


def test_office_administrators_set_their_channel_in_the_settings_form(admin_client, site):
    url = reverse("wagtailsettings:edit", args=["notifications", "notificationsettings", site.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="line_channel_secret"' in page and 'name="line_channel_token"' in page
