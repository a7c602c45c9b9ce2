"""The Licensing Facilitation Act's delay notice (B.E. 2558, section 10) as its own message (issue
20): once a permit request passes its published time, the resident is told, on the channel they
chose, which request it is, by how much it is late, where it stands, when the office now expects
to finish, that they will hear again every 7 days, and where to follow it. Offices word it their
own way like every other message. It is its own line on the resident's timeline, not a reply."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from portal.templatetags.portal_tags import thaidate
from services.cases import stages
from services.cases.models import CaseEvent
from services.cases.sla import WorkingCalendar
from services.notifications.models import Notification, NotificationTemplate, NotifyChannel, NotifyEvent
from tests.services.cases.stage_support import permit_world
from tests.services.cases.support import open_link, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    return permit_world(home_th)


def late(case, days=3):
    """The case's published time passed `days` ago; the daily job runs."""
    type(case).objects.filter(pk=case.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=days))
    case.refresh_from_db()
    assert stages.send_delay_notices() == 1
    return Notification.objects.get(case=case, event=NotifyEvent.DELAY_NOTICE)


def expected_finish(case):
    """The date the notice promises: the current stage's own date (or the next working day if
    that has passed) plus the stages still to come."""
    calendar = WorkingCalendar(case.site)
    rows = list(case.stages.order_by("order"))
    current = next(s for s in rows if s.status in ("current", "awaiting"))
    start = max(calendar.add_working_days(timezone.localdate(), 1), current.expected_date)
    return calendar.add_working_days(start, sum(s.duration_days for s in rows if s.status == "pending"))


def test_the_notice_tells_the_resident_by_sms_in_thai_what_the_act_requires(client, world):
    case, _ = submit(world["form"])
    notice = late(case, days=3)
    assert notice.channel == NotifyChannel.SMS and notice.recipient == "0812345678"  # what they gave
    assert notice.subject == f"แจ้งความล่าช้า: คำขอ {case.reference} ของท่าน"
    body = notice.body
    assert case.reference in body and "ขออนุญาตก่อสร้างอาคาร" in body
    assert "เกินระยะเวลาที่ประกาศไว้ 11 วันทำการ มาแล้ว 3 วัน" in body
    assert "ขณะนี้อยู่ในขั้นตอน: ยื่นคำขอ เจ้าหน้าที่ตรวจความครบถ้วน (งานธุรการ)" in body
    with translation.override("th"):
        assert f"คาดว่าจะแล้วเสร็จภายในวันที่ {thaidate(expected_finish(case), 'long')}" in body
    assert "พ.ศ. 2558 มาตรา 10" in body and "ทุก 7 วัน" in body
    assert f"/t/{case.reference}" in body

    # On the timeline it is a notice of its own, which the resident reads once verified.
    event = case.events.get(kind=CaseEvent.Kind.DELAY_NOTICE)
    assert event.for_resident and not event.public
    assert not case.events.filter(kind=CaseEvent.Kind.REPLY).exists()
    open_link(client, case)
    page = client.get(f"/t/{case.reference}").content.decode()
    assert 'class="case-timeline-notice"' in page and "แจ้งความล่าช้า (พ.ร.บ.การอำนวยความสะดวกฯ)" in page
    assert "มาตรา 10" in page
    anyone = Client().get(f"/t/{case.reference}").content.decode()
    assert "มาตรา 10" not in anyone  # holding only the reference is not enough


def test_the_notice_names_the_approver_a_stage_waits_for_and_goes_by_email_in_english(world):
    case, _ = submit(world["form"], phone="", email="somchai@example.com", language="en")
    stages.move(case, world["officer_works"])
    stages.move(case, world["officer_works"])
    stages.move(case, world["officer_works"])  # the third stage goes to the clerk
    notice = late(case, days=9)
    assert notice.channel == NotifyChannel.EMAIL and notice.recipient == "somchai@example.com"
    assert notice.subject == f"Notice of delay: your request {case.reference}"
    assert "has passed the published time of 11 working days (9 days over)" in notice.body
    assert "Where it is now: เสนอปลัดลงนามใบอนุญาต (สำนักปลัด), awaiting approval: ปลัดเทศบาล" in notice.body
    assert "section 10" in notice.body and "every 7 days" in notice.body
    with translation.override("en"):
        assert f"We now expect to finish by {thaidate(expected_finish(case), 'long')}" in notice.body
    # Running again the same week sends nothing more.
    assert stages.send_delay_notices() == 0
    assert Notification.objects.filter(case=case, event=NotifyEvent.DELAY_NOTICE).count() == 1


def test_an_office_words_the_notice_its_own_way(world):
    NotificationTemplate.objects.create(
        site=world["site"],
        event=NotifyEvent.DELAY_NOTICE,
        language="th",
        subject="เรื่อง {reference} ล่าช้า",
        body="{name} เรื่อง {service} ช้ากว่า {days} วันทำการ {days_over} วัน ({stage}) คาดว่าเสร็จ {expected_date} {tracking_url}",
    )
    case, _ = submit(world["form"])
    notice = late(case, days=2)
    assert notice.subject == f"เรื่อง {case.reference} ล่าช้า"
    assert notice.body.startswith("คุณสมหญิง ใจดี เรื่อง ขออนุญาตก่อสร้างอาคาร ช้ากว่า 11 วันทำการ 2 วัน (ยื่นคำขอ")
    assert f"/t/{case.reference}" in notice.body


def test_a_template_with_a_placeholder_the_notice_does_not_have_is_refused(world):
    template = NotificationTemplate(
        site=world["site"], event=NotifyEvent.DELAY_NOTICE, language="th", subject="ล่าช้า", body="{admin_url}"
    )
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    message = str(error.value)
    assert "{admin_url}" in message and "{expected_date}" in message and "{days_over}" in message
