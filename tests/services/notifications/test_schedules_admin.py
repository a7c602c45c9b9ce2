"""Scheduled notices (SLA reminders, escalations, digest, monthly report), the schedules
themselves, and the staff page of failed deliveries with its resend action."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from portal.schedules import SCHEDULES
from services.cases.models import Case
from services.cases.sla import WorkingCalendar
from services.notifications import digests as reports
from services.notifications import events
from services.notifications.models import Notification, NotificationSettings
from tests.services.cases.support import make_world
from tests.services.notifications.support import file_request

S = Notification.Status


@pytest.fixture
def world(home_th):
    world = make_world(home_th)
    User = get_user_model()
    head = User.objects.create_user("head.works", email="head.works@bansuan.go.th", password="x" * 12)
    works = world["works"]
    works.email, works.head = "works@bansuan.go.th", head
    works.save()
    world["officer_works"].email = "wichai@bansuan.go.th"
    world["officer_works"].save()
    return world


def to(server, address):
    return [m for m in server.messages if address in m["to"]]


def run_job(capture, job, *args):
    with capture(execute=True):
        return job(*args)


def test_setup_schedules_is_idempotent(db):
    call_command("setup_schedules", stdout=open("/dev/null", "w"))  # noqa: SIM115
    mine = Schedule.objects.filter(name__in=SCHEDULES)  # other rooms schedule their own jobs too
    first = {row.name: (row.func, row.schedule_type, row.next_run) for row in mine}
    call_command("setup_schedules", stdout=open("/dev/null", "w"))  # noqa: SIM115
    second = {row.name: (row.func, row.schedule_type, row.next_run) for row in mine.all()}
    assert first == second and set(first) == set(SCHEDULES)
    assert first["notify: retry due notifications"][:2] == ("services.notifications.tasks.retry_due_notifications", "I")
    assert first["purge: expired form drafts"][0] == "forms_builder.tasks.purge_expired_drafts"
    # Every scheduled function exists.
    from importlib import import_module

    for func, *_rest in SCHEDULES.values():
        module, name = func.rsplit(".", 1)
        assert callable(getattr(import_module(module), name))
    # A changed definition is corrected in place.
    Schedule.objects.filter(name="notify: retry due notifications").update(minutes=30)
    call_command("setup_schedules", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Schedule.objects.get(name="notify: retry due notifications").minutes == 1
    assert mine.count() == len(SCHEDULES)


def test_due_tomorrow_reminds_the_assignee_and_overdue_escalates_to_the_head_once(
    world, smtp, django_capture_on_commit_callbacks
):
    due_case, _ = file_request(world, django_capture_on_commit_callbacks, email="a@example.com")
    late_case, _ = file_request(world, django_capture_on_commit_callbacks, email="b@example.com")
    today = timezone.localdate()
    calendar = WorkingCalendar(world["site"])
    Case.objects.filter(pk=due_case.pk).update(
        due_date=calendar.add_working_days(today, 1), assignee=world["officer_works"]
    )
    Case.objects.filter(pk=late_case.pk).update(due_date=today - datetime.timedelta(days=3))
    smtp.messages.clear()

    assert run_job(django_capture_on_commit_callbacks, events.sla_reminders, today) == 2
    assert run_job(django_capture_on_commit_callbacks, events.sla_reminders, today) == 0  # same deadline: once

    [reminder] = to(smtp, "wichai@bansuan.go.th")
    assert reminder["subject"] == f"ครบกำหนดพรุ่งนี้: คำร้อง {due_case.reference}"
    [escalation] = to(smtp, "head.works@bansuan.go.th")
    assert escalation["subject"] == f"เกินกำหนด: คำร้อง {late_case.reference} (3 วัน)"
    assert f"/admin/cases/{late_case.pk}/" in escalation["text"]
    assert len(smtp.messages) == 2


def test_weekly_digest_counts_per_department(world, smtp, django_capture_on_commit_callbacks):
    file_request(world, django_capture_on_commit_callbacks, email="a@example.com")
    smtp.messages.clear()
    next_week = timezone.localdate() + datetime.timedelta(days=7)
    assert run_job(django_capture_on_commit_callbacks, reports.weekly_digest, next_week) == 1
    assert run_job(django_capture_on_commit_callbacks, reports.weekly_digest, next_week) == 0
    [digest] = to(smtp, "works@bansuan.go.th")
    assert digest["subject"] == "กองช่าง: สรุปคำร้องประจำสัปดาห์"
    assert "คำร้องใหม่: 1" in digest["text"] and "ยังไม่เสร็จ: 1" in digest["text"]


def test_monthly_report_goes_to_the_executives(world, smtp, django_capture_on_commit_callbacks):
    case, _ = file_request(world, django_capture_on_commit_callbacks, email="a@example.com")
    Case.objects.filter(pk=case.pk).update(rating=4, rated_at=timezone.now())
    config = NotificationSettings.for_site(world["site"])
    config.executive_emails = "mayor@bansuan.go.th\n\nclerk@bansuan.go.th"
    config.save()
    smtp.messages.clear()
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    assert run_job(django_capture_on_commit_callbacks, reports.monthly_report, next_month) == 2
    assert run_job(django_capture_on_commit_callbacks, reports.monthly_report, next_month) == 0
    [report] = to(smtp, "mayor@bansuan.go.th")
    this_month = timezone.localdate()
    assert report["subject"] == f"รายงานคำร้องประจำเดือน {this_month.month:02d}/{this_month.year + 543}"
    assert "รับเรื่อง: 1" in report["text"] and "4.0 จาก 5 (1 ความเห็น)" in report["text"]
    assert "ค้างอยู่ ณ สิ้นเดือน: 1" in report["text"]
    assert len(to(smtp, "clerk@bansuan.go.th")) == 1


@pytest.fixture
def failures(world, settings, django_capture_on_commit_callbacks):
    """One undeliverable notice in each department (SMS numbers that are not Thai mobiles)."""
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"
    works_case, _ = file_request(world, django_capture_on_commit_callbacks, phone="12345")
    health_case, _ = file_request(world, django_capture_on_commit_callbacks, phone="99999")
    Case.objects.filter(pk=health_case.pk).update(department=world["health"])
    Notification.objects.filter(case=health_case).update(department=world["health"])
    return works_case, health_case


def test_failed_deliveries_page_is_scoped_to_the_officers_department(world, failures, client):
    works_case, health_case = failures
    client.force_login(world["officer_works"])
    response = client.get(reverse("notification_failed:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert works_case.reference in page and health_case.reference not in page
    assert "ไม่ใช่หมายเลขโทรศัพท์มือถือ" in page and "*6789" not in page


def test_resident_without_queue_access_is_refused(world, failures, client):
    User = get_user_model()
    client.force_login(User.objects.create_user("nobody", password="x" * 12))
    assert client.get(reverse("notification_failed:index")).status_code in (302, 403)


def test_resend_delivers_after_the_address_is_fixed(world, failures, client, smtp, django_capture_on_commit_callbacks):
    works_case, health_case = failures
    row = Notification.objects.get(case=works_case, channel="sms")
    # Staff corrected the contact: the row now points at a reachable email (as after a data fix).
    Notification.objects.filter(pk=row.pk).update(channel="email", recipient="fixed@example.com")
    client.force_login(world["officer_works"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notification_failed:resend", args=[row.pk]))
    assert response.status_code == 302
    assert len(to(smtp, "fixed@example.com")) == 1
    assert Notification.objects.get(pk=row.pk).status == S.SENT
    # Another department's row cannot be resent by this officer.
    other = Notification.objects.get(case=health_case, channel="sms")
    refused = client.post(reverse("notification_failed:resend", args=[other.pk]))
    # A 404 (which LocaleMiddleware turns into a redirect to a language-prefixed URL that 404s too).
    assert refused.status_code in (404, 302) and refused.get("Location") != reverse("notification_failed:index")
    assert Notification.objects.get(pk=other.pk).status == S.UNDELIVERABLE
    # A sent row is never resent.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notification_failed:resend", args=[row.pk]))
    assert len(to(smtp, "fixed@example.com")) == 1


def test_editor_is_told_which_placeholders_exist(db, client, django_user_model):
    from services.notifications.models import NotificationTemplate

    client.force_login(django_user_model.objects.create_superuser("boss", password="x" * 12))
    url = reverse("wagtailsnippets_notifications_notificationtemplate:add")
    data = {"event": "reply", "language": "th", "subject": "ตอบ {reference}", "body": "{secret}"}
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and "{secret}" in page and "{tracking_url}" in page
    assert not NotificationTemplate.objects.exists()
    data["body"] = "{message}\n{tracking_url}"
    assert client.post(url, data).status_code == 302
    assert NotificationTemplate.objects.get().body == "{message}\n{tracking_url}"


def test_failed_deliveries_filter_export_and_no_hand_editing(world, failures, client):
    """The listing is Wagtail's (filters, spreadsheet export) and stays read-only: the default
    shows problems, "Show" narrows to rows waiting to retry, the export masks recipients, and
    nobody edits or adds a row by hand."""
    works_case, _ = failures
    Notification.objects.create(
        event="reply",
        channel="email",
        recipient="somchai@example.com",
        body="ตอบกลับ",
        idempotency_key="test-retrying",
        case=works_case,
        site=works_case.site,  # as the outbox records it: the office that sends it (issue 17)
        department=world["works"],
        status=S.PENDING,
        attempts=1,
        last_error="timed out",
    )
    client.force_login(world["officer_works"])
    index = reverse("notification_failed:index")
    assert index in client.get("/admin/").content.decode()  # the menu item (the sidebar's JSON)
    default = client.get(index).content.decode()
    waiting = client.get(index, {"show": "retrying"}).content.decode()
    assert works_case.reference in default and "timed out" not in default
    assert "timed out" in waiting and "so***@example.com" in waiting
    export = client.get(index, {"show": "retrying", "export": "csv"})
    rows = b"".join(export.streaming_content).decode()
    assert export.status_code == 200 and "so***@example.com" in rows and "somchai@example.com" not in rows
    row = Notification.objects.get(idempotency_key="test-retrying")
    assert f"{index}new/" not in default and f"{index}edit/" not in default
    assert client.get(f"{index}edit/{row.pk}/").status_code in (302, 403)
    assert client.get(f"{index}new/").status_code in (302, 403)
