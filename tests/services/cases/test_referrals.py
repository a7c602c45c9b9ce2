"""Referral to an outside agency (issue 21 §3, the cases side): the case says where it went,
the office's clock stops, and it comes back by the agency's "done" or the office taking it back."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone
from wagtail import hooks

from services.cases import workflow
from services.cases.admin_views import CASE_ACTIONS_HOOK
from services.cases.models import Case, CaseEvent, CaseStatus
from services.cases.sla import WorkingCalendar
from tests.services.cases.support import make_world, open_link, submit

pytestmark = pytest.mark.django_db

AGENCY = "การไฟฟ้าส่วนภูมิภาค"


@pytest.fixture
def world(home_th):
    return make_world(home_th)


def accepted(world):
    case, _ = submit(world["form"])
    return workflow.change_status(case, CaseStatus.ACCEPTED, world["officer_works"])


def test_referring_tells_the_resident_where_and_when_and_pauses_the_clock(world):
    case = accepted(world)
    workflow.refer(case, world["officer_works"], agency_name=AGENCY)
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED and case.referred_to == AGENCY
    assert case.waiting_since == timezone.localdate()
    event = case.events.get(kind=CaseEvent.Kind.REFERRED)
    assert event.public and event.to_status == CaseStatus.REFERRED
    year = timezone.localdate().year + 543
    assert event.message.startswith(f"ส่งต่อให้{AGENCY}") or AGENCY in event.message
    assert str(year) in event.message  # Buddhist-Era year on a Thai resident's page
    assert not case.is_overdue(timezone.localdate() + datetime.timedelta(days=400))
    assert not Case.objects.overdue(timezone.localdate() + datetime.timedelta(days=400)).filter(pk=case.pk).exists()


def test_taking_back_moves_the_due_date_by_the_working_days_referred(world):
    case = accepted(world)
    due = case.due_date
    workflow.refer(case, world["officer_works"], agency_name=AGENCY)
    calendar = WorkingCalendar(world["site"])
    later = timezone.now() + datetime.timedelta(days=14)
    days = calendar.working_days_between(timezone.localdate(), timezone.localtime(later).date())
    assert days >= 8
    with mock.patch("django.utils.timezone.now", return_value=later):
        workflow.take_back(case, world["officer_works"])
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.referred_to == "" and case.waiting_since is None
    assert case.due_date == calendar.add_working_days(due, days)
    assert case.events.filter(kind=CaseEvent.Kind.TAKEN_BACK, public=True).exists()


def test_the_agency_posts_updates_and_done_resolves_the_case(world):
    case = accepted(world)
    workflow.refer(case, world["officer_works"], agency_name=AGENCY)
    workflow.agency_update(case, "ส่งทีมแล้ว", agency_name=AGENCY)
    workflow.agency_done(case, agency_name=AGENCY, message="เปลี่ยนหม้อแปลงแล้ว")
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.resolved_at and case.waiting_since is None
    kinds = list(case.events.public().values_list("kind", flat=True))
    assert kinds[-2:] == [CaseEvent.Kind.AGENCY_UPDATE, CaseEvent.Kind.AGENCY_DONE]
    with pytest.raises(workflow.IllegalTransition):
        workflow.agency_update(case, "อีกครั้ง", agency_name=AGENCY)  # no longer with the agency


def test_only_a_case_being_worked_on_can_be_referred_and_the_lock_holds(world):
    case, _ = submit(world["form"])
    with pytest.raises(workflow.IllegalTransition):
        workflow.refer(case, world["officer_works"], agency_name=AGENCY)
    case = workflow.change_status(case, CaseStatus.ACCEPTED, world["officer_works"])
    with pytest.raises(workflow.WorkflowError):
        workflow.refer(case, world["officer_works"], agency_name="  ")
    stale = case.version
    workflow.assign(case, world["officer_works"])
    with pytest.raises(workflow.EditConflict):
        workflow.refer(case, world["officer_works"], agency_name=AGENCY, expected_version=stale)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED


def test_other_rooms_add_links_to_the_officers_case_page(client, world):
    case = accepted(world)

    def link(request, case):
        return [("ส่งต่อหน่วยงานอื่น", f"/admin/agencies/refer/{case.pk}/")]

    client.force_login(world["officer_works"])
    with hooks.register_temporarily(CASE_ACTIONS_HOOK, link):
        page = client.get(f"/admin/cases/{case.pk}/").content.decode()
    assert f'href="/admin/agencies/refer/{case.pk}/"' in page and "ส่งต่อหน่วยงานอื่น" in page


def test_the_resident_reads_where_the_case_went_and_may_still_write(client, world):
    case = accepted(world)
    workflow.refer(case, world["officer_works"], agency_name=AGENCY)
    open_link(client, case)
    page = client.get(f"/t/{case.reference}").content.decode()
    assert f"ส่งต่อให้{AGENCY} เมื่อ" in page
    assert f'action="/t/{case.reference}/reply"' in page
    response = client.post(f"/t/{case.reference}/reply", {"message": "ไฟยังดับครับ"})
    assert response.status_code == 302
    assert case.events.filter(kind=CaseEvent.Kind.RESIDENT_REPLY).exists()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REFERRED
