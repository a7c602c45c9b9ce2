""" "Is it fixed?" (issue 21 §2): the resident of a resolved case answers once on the tracking
page; yes closes the case, no reopens it with a higher priority and tells the department head."""

import pytest
from django.utils import timezone

from services.cases import workflow
from services.cases.models import Case, CaseEvent, CaseStatus, Priority
from services.notifications.models import Notification, NotifyEvent
from tests.factories import StaffFactory
from tests.services.cases.support import make_world, open_link, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    return make_world(home_th)


def resolved(world, priority=Priority.NORMAL):
    case, _ = submit(world["form"], email="somchai@example.com")
    officer = world["officer_works"]
    workflow.change_status(case, CaseStatus.ACCEPTED, officer)
    workflow.set_priority(case, priority, officer)
    return workflow.change_status(case, CaseStatus.RESOLVED, officer, message="เปลี่ยนหลอดแล้ว")


def answer(client, case, **data):
    return client.post(f"/t/{case.reference}/fixed", data)


def test_yes_closes_the_case_with_the_residents_confirmation(client, world):
    case = resolved(world)
    open_link(client, case)
    page = client.get(f"/t/{case.reference}").content.decode()
    assert 'id="is-it-fixed"' in page and f'action="/t/{case.reference}/fixed"' in page
    response = answer(client, case, answer="yes")
    assert response.status_code == 302 and "done=fixed" in response["Location"]
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at and case.fix_answer == "yes"
    assert case.public_reason == "ผู้แจ้งยืนยันว่าแก้ไขแล้ว" or case.public_reason
    assert case.events.filter(kind=CaseEvent.Kind.FIX_CONFIRMED, public=True).exists()
    page = client.get(f"/t/{case.reference}").content.decode()
    assert 'id="is-it-fixed"' not in page  # closed: no question
    assert 'name="overall"' in page  # the satisfaction questionnaire follows


def test_no_reopens_with_priority_and_tells_the_department_head(client, world, django_capture_on_commit_callbacks):
    head = StaffFactory(username="head.works", email="head.works@example.com", departments=[world["works"]])
    world["works"].head = head
    world["works"].save()
    case = resolved(world, Priority.NORMAL)
    open_link(client, case)
    response = answer(client, case, answer="no", comment="ไฟยังดับอยู่ทุกคืน")
    assert response.status_code == 302 and "done=not-fixed" in response["Location"]
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.priority == Priority.HIGH
    assert case.resolved_at is None and case.due_date >= timezone.localdate()
    event = case.events.get(kind=CaseEvent.Kind.FIX_DISPUTED)
    assert event.message == "ไฟยังดับอยู่ทุกคืน"
    notice = Notification.objects.get(event=NotifyEvent.FIX_DISPUTED)
    assert notice.recipient == "head.works@example.com" and notice.language == "th"
    assert case.reference in notice.subject and "ไฟยังดับอยู่ทุกคืน" in notice.body
    # The comment is the resident's own: not on the open timeline.
    client.logout()
    client.cookies.clear()
    assert "ไฟยังดับอยู่ทุกคืน" not in client.get(f"/t/{case.reference}").content.decode()


def test_a_high_priority_case_becomes_urgent(world):
    case = resolved(world, Priority.HIGH)
    workflow.dispute_fix(case)
    assert Case.objects.get(pk=case.pk).priority == Priority.URGENT


def test_a_second_answer_is_refused_politely(client, world):
    case = resolved(world)
    open_link(client, case)
    stale = Case.objects.get(pk=case.pk)
    answer(client, case, answer="no")
    with pytest.raises(workflow.WorkflowError):
        workflow.confirm_fix(stale)  # a second tab, still showing the question
    response = answer(client, case, answer="yes")
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_PROGRESS
    assert 'class="error-message"' in response.content.decode()


def test_the_question_comes_back_after_the_next_fix(world):
    case = resolved(world)
    workflow.dispute_fix(case)
    assert not case.asks_if_fixed()
    workflow.change_status(case, CaseStatus.RESOLVED, world["officer_works"], message="ซ่อมใหม่แล้ว")
    case.refresh_from_db()
    assert case.asks_if_fixed()


def test_no_question_before_the_case_is_resolved_or_to_strangers(client, world):
    case, _ = submit(world["form"])
    open_link(client, case)
    assert 'id="is-it-fixed"' not in client.get(f"/t/{case.reference}").content.decode()
    assert answer(client, case, answer="yes").status_code == 400
    other = resolved(world)
    assert answer(client, other, answer="yes").status_code == 403  # not verified for that case
    assert Case.objects.get(pk=other.pk).status == CaseStatus.RESOLVED


def test_the_resolved_message_links_to_the_question(world, django_capture_on_commit_callbacks):
    case = resolved(world)
    notice = Notification.objects.filter(case=case, event=NotifyEvent.STATUS).latest("pk")
    assert f"/t/{case.reference}#your-request" in notice.body
