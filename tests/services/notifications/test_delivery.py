"""Notifications reach a real SMTP server and a real HTTP gateway, in the resident's language,
exactly once — across an SMTP outage, a gateway error and a worker killed mid-task."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from services.cases import workflow
from services.cases.models import Case, CaseStatus
from services.notifications import outbox
from services.notifications.models import Notification, NotificationTemplate
from services.notifications.tasks import retry_due_notifications, send_notification
from tests.services.cases.support import make_world, submit
from tests.services.notifications.support import file_request

S = Notification.Status


@pytest.fixture
def world(home_th):
    world = make_world(home_th)
    world["works"].email = "works@bansuan.go.th"
    world["works"].save()
    return world


def make_due():
    """Let the backoff pass: every waiting row becomes due now."""
    Notification.objects.filter(status=S.PENDING).update(next_attempt_at=timezone.now())


def to(server, address):
    return [m for m in server.messages if address in m["to"]]


def test_received_reaches_resident_and_department_by_smtp_in_thai(world, smtp, django_capture_on_commit_callbacks):
    case, _receipt = file_request(world, django_capture_on_commit_callbacks, email="somying@example.com")

    [resident] = to(smtp, "somying@example.com")
    assert case.reference in resident["subject"]
    assert resident["subject"] == f"ได้รับคำร้องของท่านแล้ว เลขที่ {case.reference}"
    assert f"http://testserver/t/{case.reference}" in resident["text"]
    assert "สมหญิง ใจดี" in resident["text"]
    # Expected date in the Buddhist Era, as the resident reads dates.
    assert str(case.due_date.year + 543) in resident["text"]
    # The first message carries the tracking link, which opens the resident's details.
    assert re.search(rf'href="http://testserver/t/{case.reference}/[A-Za-z0-9_-]{{22}}"', resident["html"])
    [staff] = to(smtp, "works@bansuan.go.th")
    assert case.reference in staff["subject"] and "กองช่าง" in staff["subject"]
    assert f"/admin/cases/{case.pk}/" in staff["text"]
    assert Notification.objects.filter(status=S.SENT).count() == 2


def test_english_submission_gets_english_messages(world, smtp, django_capture_on_commit_callbacks):
    case, _ = file_request(world, django_capture_on_commit_callbacks, email="tom@example.com", language="en")
    [message] = to(smtp, "tom@example.com")
    assert message["subject"] == f"We have your request {case.reference}"
    assert "We expect to finish by" in message["text"]
    assert str(case.due_date.year) in message["text"] and str(case.due_date.year + 543) not in message["text"]


def test_sms_when_only_a_phone_was_given(world, gateway, django_capture_on_commit_callbacks):
    case, _ = file_request(world, django_capture_on_commit_callbacks, phone="081-234-5678", email="")
    [sms] = gateway.sms()
    assert sms["json"]["to"] == "0812345678"
    assert case.reference in sms["json"]["message"] and "เราได้รับคำร้อง" in sms["json"]["message"]
    assert sms["headers"]["Authorization"] == "Bearer sms-test-key"
    assert sms["headers"]["Idempotency-Key"].startswith("ev")


def test_every_case_event_reaches_the_resident_once(world, smtp, django_capture_on_commit_callbacks):
    case, _ = file_request(world, django_capture_on_commit_callbacks, email="somying@example.com")
    officer = world["officer_works"]
    with django_capture_on_commit_callbacks(execute=True):
        case = workflow.change_status(case, CaseStatus.ACCEPTED, officer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.reply(case, "ทีมช่างจะเข้าไปวันพรุ่งนี้", officer)
    with django_capture_on_commit_callbacks(execute=True):
        case = workflow.change_status(case, CaseStatus.WAITING, officer, message="ขอรูปเสาไฟที่ดับ")
    with django_capture_on_commit_callbacks(execute=True):
        case = workflow.change_status(case, CaseStatus.RESOLVED, officer, message="เปลี่ยนหลอดแล้ว")
    with django_capture_on_commit_callbacks(execute=True):
        case = workflow.change_status(case, CaseStatus.CLOSED, officer, message="ปิดงาน")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.add_note(case, "internal only", officer)

    messages = to(smtp, "somying@example.com")
    assert len(messages) == 6, [m["subject"] for m in messages]
    received, accepted, reply, waiting, resolved, closed = messages
    assert received["subject"].startswith("ได้รับคำร้อง")
    # The status words of a letter say ท่าน like the rest of it (the web page's label says คุณ).
    assert accepted["subject"] == f"คำร้อง {case.reference} ของท่าน: เจ้าหน้าที่รับเรื่องของท่านแล้ว"
    assert reply["subject"] == f"มีคำตอบเรื่องคำร้อง {case.reference} ของท่าน"
    assert waiting["subject"] == f"ขอข้อมูลเพิ่มเติมสำหรับคำร้อง {case.reference}"
    assert closed["subject"] == f"ปิดคำร้อง {case.reference} ของท่านแล้ว"
    assert "ทีมช่างจะเข้าไปวันพรุ่งนี้" in reply["text"]
    assert "ขอรูปเสาไฟที่ดับ" in waiting["text"]
    assert "เปลี่ยนหลอดแล้ว" in resolved["text"] and "#your-request" in resolved["text"]
    assert "ปิดงาน" in closed["text"] and f"/t/{case.reference}#your-request" in closed["text"]
    assert "internal only" not in "".join(m["text"] for m in messages)
    # Every message has its own stable Message-ID (derived from the idempotency key).
    assert len({m["message_id"] for m in messages}) == 6


def test_smtp_outage_submission_succeeds_and_mail_arrives_once_after_restart(
    world, smtp, django_capture_on_commit_callbacks
):
    smtp.stop()
    case, receipt = file_request(world, django_capture_on_commit_callbacks, email="somying@example.com")
    assert receipt.reference == case.reference  # the resident's request went through

    row = Notification.objects.get(case=case, recipient="somying@example.com")
    assert row.status == S.PENDING and row.attempts == 1 and "SMTP" in row.last_error
    assert row.next_attempt_at > timezone.now()

    # Not due yet: the retry job leaves it alone (backoff).
    retry_due_notifications()
    assert Notification.objects.get(pk=row.pk).attempts == 1

    smtp.start()  # same port
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    retry_due_notifications()
    retry_due_notifications()
    assert len(to(smtp, "somying@example.com")) == 1
    row.refresh_from_db()
    assert row.status == S.SENT and row.attempts == 2


def test_gateway_500_is_retried_and_delivered_once(world, gateway, django_capture_on_commit_callbacks):
    gateway.status = [500, 200]
    case, _ = file_request(world, django_capture_on_commit_callbacks, email="")
    row = Notification.objects.get(case=case, channel="sms")
    assert row.status == S.PENDING and "500" in row.last_error
    make_due()
    outbox.retry_due()
    make_due()
    outbox.retry_due()
    row.refresh_from_db()
    assert row.status == S.SENT
    assert len(gateway.sms()) == 2  # the refused try and the delivered one
    assert len({r["headers"]["Idempotency-Key"] for r in gateway.sms()}) == 1


def test_worker_killed_after_claim_sends_exactly_once(world, smtp, django_capture_on_commit_callbacks):
    smtp.stop()
    case, _ = file_request(world, django_capture_on_commit_callbacks, email="somying@example.com")
    row = Notification.objects.get(case=case, recipient="somying@example.com")
    smtp.start()
    make_due()
    # A worker claims the row and is killed before it sends or records anything.
    assert outbox.claim(row.pk)
    # The task is delivered again while the dead worker's lease still holds: nothing is sent.
    assert send_notification(row.pk) is None
    outbox.retry_due()  # sends the department's notice, which was also waiting; not ours
    assert to(smtp, "somying@example.com") == []
    assert len(to(smtp, "works@bansuan.go.th")) == 1
    # The lease runs out (the worker is not coming back): the retry job takes the row over.
    Notification.objects.filter(pk=row.pk).update(
        claimed_at=timezone.now() - timezone.timedelta(seconds=outbox.lease_seconds() + 1)
    )
    assert outbox.retry_due() == 1
    assert outbox.retry_due() == 0
    send_notification(row.pk)  # the original task, redelivered late
    assert len(to(smtp, "somying@example.com")) == 1
    assert Notification.objects.get(pk=row.pk).status == S.SENT


def test_the_same_task_run_twice_sends_once(world, smtp, django_capture_on_commit_callbacks):
    case, _ = file_request(world, django_capture_on_commit_callbacks, email="somying@example.com")
    row = Notification.objects.get(case=case, recipient="somying@example.com")
    assert send_notification(row.pk) is None
    assert outbox.deliver(row.pk) is None
    assert len(to(smtp, "somying@example.com")) == 1


def test_invalid_number_is_undeliverable_and_the_case_is_fine(world, gateway, django_capture_on_commit_callbacks):
    case, receipt = file_request(world, django_capture_on_commit_callbacks, phone="12345", email="")
    row = Notification.objects.get(case=case, channel="sms")
    assert row.status == S.UNDELIVERABLE and "Thai mobile" in row.last_error
    assert gateway.sms() == []
    make_due()
    outbox.retry_due()
    assert gateway.sms() == [] and Notification.objects.get(pk=row.pk).attempts == 0
    assert case.status == CaseStatus.RECEIVED and receipt.reference


def test_gateway_refusing_a_number_is_undeliverable_without_retry(world, gateway, django_capture_on_commit_callbacks):
    gateway.status = [400]
    case, _ = file_request(world, django_capture_on_commit_callbacks, email="")
    row = Notification.objects.get(case=case, channel="sms")
    assert row.status == S.UNDELIVERABLE and "400" in row.last_error
    make_due()
    outbox.retry_due()
    assert len(gateway.sms()) == 1


def test_refused_recipient_at_smtp_is_undeliverable(world, smtp, django_capture_on_commit_callbacks):
    async def refuse(server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp.mailbox.handle_RCPT = refuse
    case, _ = file_request(world, django_capture_on_commit_callbacks, email="nobody@example.com")
    row = Notification.objects.get(case=case, recipient="nobody@example.com")
    assert row.status == S.UNDELIVERABLE
    assert len(to(smtp, "works@bansuan.go.th")) == 1


def test_gives_up_after_max_attempts(world, settings, smtp, django_capture_on_commit_callbacks):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    smtp.stop()
    case, _ = file_request(world, django_capture_on_commit_callbacks, email="somying@example.com")
    row = Notification.objects.get(case=case, recipient="somying@example.com")
    for _attempt in range(4):
        make_due()
        outbox.retry_due()
    row.refresh_from_db()
    assert row.status == S.FAILED and row.attempts == 3


def test_backoff_grows_and_is_capped():
    assert [outbox.backoff(n) for n in (1, 2, 3)] == [60, 120, 240]
    assert outbox.backoff(30) == 6 * 3600


def test_editor_template_replaces_the_wording_and_values_stay_text(world, smtp, django_capture_on_commit_callbacks):
    NotificationTemplate.objects.create(
        event="received", language="th", subject="รับเรื่อง {reference} แล้ว", body="เรียน {name}\nติดตาม: {tracking_url}"
    )
    case, _ = file_request(
        world, django_capture_on_commit_callbacks, email="somying@example.com", contact_name="<b>{reference}</b>"
    )
    [message] = to(smtp, "somying@example.com")
    assert message["subject"] == f"รับเรื่อง {case.reference} แล้ว"
    # A value is never re-read as a placeholder, and never becomes markup in the HTML part.
    assert "เรียน คุณ<b>{reference}</b>" in message["text"]
    assert "&lt;b&gt;{reference}&lt;/b&gt;" in message["html"] and "<b>" not in message["html"]


@pytest.mark.django_db
def test_template_with_an_unknown_placeholder_is_refused():
    template = NotificationTemplate(
        event="received", language="th", subject="{reference}", body="{password} {__class__}"
    )
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert "{password}" in str(error.value) and "{tracking_url}" in str(error.value)


def test_duplicate_key_records_one_row(world, django_capture_on_commit_callbacks):
    values = {"form": "x", "resume_url": "u", "code": "C", "expires": "e", "office": "o"}
    kwargs = {
        "event": "draft_saved",
        "channel": "email",
        "recipient": "a@example.com",
        "language": "th",
        "values": values,
    }
    with django_capture_on_commit_callbacks(execute=False):
        assert outbox.record(key="k1", **kwargs) is not None
        assert outbox.record(key="k1", **kwargs) is None
    assert Notification.objects.filter(idempotency_key="k1").count() == 1


def test_notifications_are_written_in_the_events_transaction(world):
    """A rolled-back change leaves no notification behind (and so sends nothing)."""
    from django.db import transaction

    case, _ = submit(world["form"], email="somying@example.com")
    before = Notification.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.change_status(case, CaseStatus.ACCEPTED, world["officer_works"])
        assert Notification.objects.count() == before + 1
        raise RuntimeError("rolled back")
    assert Notification.objects.count() == before


def test_query_budget_of_a_reply_and_its_delivery(
    world, smtp, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """Notifying adds three queries to the officer's reply (savepoint, insert, release; the
    wording is cached) and sending costs three (claim, read, mark sent)."""
    case, _ = file_request(world, django_capture_on_commit_callbacks, email="somying@example.com")
    case = Case.objects.select_related("submission", "site", "department").get(pk=case.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, django_assert_max_num_queries(4):
        workflow.reply(case, "ทีมช่างกำลังไป", world["officer_works"])
    # One delivery queued after the commit (the other callback renews the public map's cache:
    # a reply is on the case's public timeline).
    assert [callback.__qualname__ for callback in callbacks].count("queue.<locals>._queue") == 1
    row = Notification.objects.get(case=case, event="reply")
    with django_assert_max_num_queries(3):
        assert outbox.deliver(row.pk) == S.SENT
    assert len(to(smtp, "somying@example.com")) == 2
