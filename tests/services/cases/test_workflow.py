"""The case lifecycle: intake, routing, state machine, SLA pause, reopen, rating, append-only timeline."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from forms_builder.models import Submission
from services.cases import workflow
from services.cases.models import Case, CaseEvent, CaseSettings, CaseStatus, OfficeClosure
from services.cases.sla import WorkingCalendar
from tests.services.cases.support import make_world, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    return make_world(home_th)


def test_intake_opens_a_routed_case_with_reference_due_date_and_timeline(world):
    before = timezone.now()
    case, receipt = submit(world["form"])
    assert receipt.reference.startswith("BSR-69-") or receipt.reference.startswith("BSR-")
    assert receipt.tracking_url == f"/t/{case.reference}"
    assert case.department == world["works"]
    assert case.service.specific == world["service"]
    assert case.service_title == "แจ้งซ่อมไฟฟ้าสาธารณะ"
    assert case.status == CaseStatus.RECEIVED
    assert case.channel == "web"
    assert case.location_text == "ซอย 3 หมู่ 2"
    expected = WorkingCalendar(world["site"]).add_working_days(timezone.localdate(before), 3)
    assert case.due_date == receipt.expected_date == expected
    assert [e.kind for e in case.events.all()] == [CaseEvent.Kind.CREATED]


def test_category_department_is_the_fallback_route(world):
    from services.models import ServiceCategory

    category = ServiceCategory.objects.create(name="ไฟฟ้าและถนน", slug="roads", department=world["health"])
    service = world["service"]
    service.department = None
    service.category = category
    service.save()
    case, _ = submit(world["form"])
    assert case.department == world["health"]


def test_unrouted_request_goes_to_the_default_department(world):
    settings = CaseSettings.for_site(world["site"])
    settings.default_department = world["health"]
    settings.save()
    case, _ = submit(None)
    assert case.department == world["health"]
    assert case.service is None
    assert case.service_title == "คำร้องทั่วไป"


def test_reference_collision_is_retried(world, monkeypatch):
    first, _ = submit(world["form"])
    from services.cases import references

    codes = iter([first.reference, references.generate("BSR", 2026)])
    monkeypatch.setattr(references, "generate", lambda *a, **k: next(codes))
    second, _ = submit(world["form"])
    assert second.reference != first.reference
    assert Case.objects.count() == 2


def test_happy_path_and_illegal_transitions(world):
    case, _ = submit(world["form"])
    officer = world["officer_works"]
    with pytest.raises(workflow.IllegalTransition):
        workflow.change_status(case, CaseStatus.RESOLVED, officer)
    workflow.change_status(case, CaseStatus.ACCEPTED, officer)
    workflow.change_status(case, CaseStatus.IN_PROGRESS, officer)
    photo = SimpleUploadedFile("after.jpg", b"\xff\xd8\xff fake jpeg", content_type="image/jpeg")
    workflow.change_status(case, CaseStatus.RESOLVED, officer, message="เปลี่ยนหลอดแล้ว", after_photo=photo)
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert case.resolved_at is not None
    assert case.after_photo.name.startswith("cases/after/")
    with pytest.raises(workflow.WorkflowError):
        workflow.change_status(case, CaseStatus.CLOSED, officer)  # no reason for the resident
    workflow.change_status(case, CaseStatus.CLOSED, officer, message="ปิดเรื่อง")
    assert case.status == CaseStatus.CLOSED
    assert case.public_reason == "ปิดเรื่อง"
    with pytest.raises(workflow.IllegalTransition):
        workflow.change_status(case, CaseStatus.IN_PROGRESS, officer)
    statuses = [e.to_status for e in case.events.filter(kind=CaseEvent.Kind.STATUS)]
    assert statuses == ["accepted", "in_progress", "resolved", "closed"]


def test_reject_needs_a_reason_and_a_category(world):
    case, _ = submit(world["form"])
    with pytest.raises(workflow.WorkflowError):
        workflow.change_status(case, CaseStatus.REJECTED, message="ซ้ำ")
    with pytest.raises(workflow.WorkflowError):
        workflow.change_status(case, CaseStatus.REJECTED, reject_reason="duplicate")
    workflow.change_status(case, CaseStatus.REJECTED, message="ซ้ำกับเรื่องเดิม", reject_reason="duplicate")
    assert case.status == CaseStatus.REJECTED


def test_concurrent_edit_gives_a_conflict_not_a_lost_change(world):
    case, _ = submit(world["form"])
    seen_by_a = Case.objects.get(pk=case.pk)
    seen_by_b = Case.objects.get(pk=case.pk)
    workflow.assign(seen_by_b, world["officer_works"], expected_version=seen_by_b.version)
    with pytest.raises(workflow.EditConflict):
        workflow.change_status(seen_by_a, CaseStatus.ACCEPTED, expected_version=seen_by_a.version)
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED
    assert case.assignee == world["officer_works"]


def test_waiting_for_the_resident_pauses_the_clock(world, monkeypatch):
    case, _ = submit(world["form"])
    workflow.change_status(case, CaseStatus.ACCEPTED)
    due = case.due_date
    start = timezone.now()
    workflow.change_status(case, CaseStatus.WAITING, message="ขอรูปถ่ายเพิ่ม")
    assert not case.is_overdue(due + datetime.timedelta(days=30))  # paused cases are never overdue
    # Five working days later the resident answers: the deadline moves by five working days.
    calendar = WorkingCalendar(world["site"])
    later_day = calendar.add_working_days(timezone.localdate(start), 5)
    later = timezone.make_aware(datetime.datetime.combine(later_day, datetime.time(10)))
    monkeypatch.setattr(timezone, "now", lambda: later)
    workflow.resident_reply(case, "ส่งรูปแล้วค่ะ")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.due_date == calendar.add_working_days(due, 5)


def test_overdue_and_due_soon_flags(world):
    case, _ = submit(world["form"])
    assert not case.is_overdue(case.due_date)
    assert case.is_overdue(case.due_date + datetime.timedelta(days=1))
    assert case.is_due_soon(WorkingCalendar(world["site"]), 2, today=case.due_date)
    assert Case.objects.overdue(case.due_date + datetime.timedelta(days=1)).count() == 1


def test_resident_reopens_within_the_window_with_a_reason(world, monkeypatch):
    case, _ = submit(world["form"])
    for status in (CaseStatus.ACCEPTED, CaseStatus.RESOLVED):
        workflow.change_status(case, status)
    with pytest.raises(workflow.WorkflowError):
        workflow.reopen(case, "  ")
    workflow.reopen(case, "ไฟดับอีกแล้ว")
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.events.filter(kind=CaseEvent.Kind.REOPENED, public=True).count() == 1
    workflow.change_status(case, CaseStatus.RESOLVED)
    too_late = timezone.now() + datetime.timedelta(days=CaseSettings.for_site(case.site).reopen_days + 1)
    monkeypatch.setattr(timezone, "now", lambda: too_late)
    with pytest.raises(workflow.IllegalTransition):
        workflow.reopen(case, "ยังไม่ได้แก้")


def test_rating_once_after_resolution(world):
    case, _ = submit(world["form"])
    with pytest.raises(workflow.WorkflowError):
        workflow.rate(case, 5)
    workflow.change_status(case, CaseStatus.ACCEPTED)
    workflow.change_status(case, CaseStatus.RESOLVED)
    with pytest.raises(workflow.WorkflowError):
        workflow.rate(case, 6)
    workflow.rate(case, 4, "รวดเร็ว")
    stale = Case.objects.get(pk=case.pk)
    stale.rating = None  # a double submit from an old page
    with pytest.raises(workflow.WorkflowError):
        workflow.rate(stale, 1)
    case.refresh_from_db()
    assert (case.rating, case.rating_comment) == (4, "รวดเร็ว")


def test_timeline_is_append_only_and_cases_cannot_vanish(world):
    case, _ = submit(world["form"])
    event = case.events.get()
    event.message = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=case).update(message="x")
    with pytest.raises(ProtectedError):
        Submission.objects.filter(pk=case.submission_id).delete()
    world["form"].delete()
    world["service"].delete()
    case.refresh_from_db()
    assert case.service is None
    assert case.service_title == "แจ้งซ่อมไฟฟ้าสาธารณะ"


def test_office_closure_counts_in_intake_due_dates(world):
    today = timezone.localdate()
    calendar = WorkingCalendar(world["site"])
    first_working = calendar.add_working_days(today, 1)
    OfficeClosure.objects.create(site=world["site"], date=first_working, reason="ปิดสำนักงาน")
    case, _ = submit(world["form"])
    assert case.due_date == WorkingCalendar(world["site"]).add_working_days(today, 3)
    assert case.due_date == calendar.add_working_days(today, 4)  # `calendar` predates the closure
