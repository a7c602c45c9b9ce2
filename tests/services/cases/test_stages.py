"""Stages from the guide, approvals and incomplete applications (issue 20, items 1-3): a case of a
service with steps follows its own copy of them; officers move it from the case page under the
optimistic lock; a stage needing the clerk waits for a clerk of the same office; a record of
missing documents pauses the clock until the resident uploads them; the Act's delay notice goes
out once per 7 days; services without steps are untouched."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from services.cases import stages, tasks
from services.cases.models import ApprovalRole, CaseEvent, CaseStatus, DeficiencyRecord, DelayNotice, StageStatus
from services.cases.sla import WorkingCalendar, local_date
from services.notifications.models import Notification, NotifyEvent
from services.reporting.delays import delayed_cases_section
from tests.factories import OfficeFactory, StaffFactory
from tests.forms_builder.helpers import PDF_BYTES
from tests.services.cases.stage_support import permit_world
from tests.services.cases.support import make_world, open_link, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "public"


@pytest.fixture
def world(home_th):
    return permit_world(home_th)


@pytest.fixture
def case(world):
    return submit(world["form"])[0]


def stage_rows(case):
    return list(case.stages.order_by("order"))


def staff_post(client, case, **data):
    case.refresh_from_db()
    return client.post(f"/admin/cases/{case.pk}/", {"version": case.version, **data})


def test_a_case_copies_the_guides_steps_and_keeps_them_when_the_guide_changes(world, case):
    rows = stage_rows(case)
    assert [s.name for s in rows][1] == "นายช่างตรวจสถานที่ก่อสร้าง"
    assert [s.duration_days for s in rows] == [1, 7, 2, 1]  # Thai digits read; duration_days wins
    assert rows[2].approval_role == "clerk" and rows[0].responsible == "งานธุรการ"
    assert rows[0].status == StageStatus.CURRENT and rows[0].started_at == case.submitted_at
    calendar = WorkingCalendar(case.site)
    assert rows[0].expected_date == calendar.add_working_days(local_date(case.submitted_at), 1)
    assert all(s.status == StageStatus.PENDING for s in rows[1:])

    service = world["service"]
    service.steps = [("step", {"description": "ขั้นตอนใหม่", "duration": "3 วัน", "responsible": "กองคลัง"})]
    service.save()
    assert [s.name for s in stage_rows(case)][0] == "ยื่นคำขอ เจ้าหน้าที่ตรวจความครบถ้วน"
    newer, _ = submit(world["form"], phone="0899999999")
    assert [s.name for s in stage_rows(newer)] == ["ขั้นตอนใหม่"]


def test_a_service_without_steps_keeps_the_plain_flow(client, home_th):
    world = make_world(home_th)
    case, _ = submit(world["form"])
    assert not case.stages.exists()
    page = client.get(f"/t/{case.reference}").content.decode()
    assert 'id="stages"' not in page
    client.force_login(world["officer_works"])
    assert 'id="stages"' not in client.get(f"/admin/cases/{case.pk}/").content.decode()


def test_an_officer_moves_the_case_through_its_stages_on_the_timeline(client, world, case):
    client.force_login(world["officer_works"])
    page = client.get(f"/admin/cases/{case.pk}/").content.decode()
    assert "ยื่นคำขอ เจ้าหน้าที่ตรวจความครบถ้วน" in page and 'value="stage"' in page

    response = staff_post(client, case, action="stage")
    assert response.status_code == 302
    rows = stage_rows(case)
    assert rows[0].status == StageStatus.DONE and rows[1].status == StageStatus.CURRENT
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    event = case.events.filter(kind=CaseEvent.Kind.STAGE).last()
    assert event.actor == world["officer_works"] and "นายช่างตรวจสถานที่ก่อสร้าง" in event.message and event.public


def test_moving_with_a_stale_version_is_a_conflict_and_moves_nothing(client, world, case):
    client.force_login(world["officer_works"])
    stale = case.version
    stages.move(case, world["officer_works"])  # another officer, meanwhile
    response = client.post(f"/admin/cases/{case.pk}/", {"version": stale, "action": "stage"}, follow=True)
    assert response.status_code == 400
    assert "Someone else changed this case" in response.content.decode() or "มีผู้อื่น" in response.content.decode()
    assert [s.status for s in stage_rows(case)][:3] == [StageStatus.DONE, StageStatus.CURRENT, StageStatus.PENDING]


def refused(response):
    """Wagtail's answer to PermissionDenied: back to the dashboard with "no permission"."""
    return response.status_code in (302, 403) and "approvals" not in response.get("Location", "")


def to_approval(case, officer):
    for _done in range(3):  # the first two stages, then the third's "done: send for approval"
        stages.move(case, officer)
    return case.stages.get(status=StageStatus.AWAITING_APPROVAL)


def test_a_stage_needing_the_clerk_waits_for_a_clerk_of_the_office(client, world, case, django_assert_max_num_queries):
    stage = to_approval(case, world["officer_works"])
    assert stage.order == 3
    with pytest.raises(stages.workflow.WorkflowError):
        stages.move(case, world["officer_works"])  # the officer cannot skip the sign-off

    client.force_login(world["clerk"])
    client.get("/admin/cases/approvals/")  # warm caches (site settings, permissions, menu)
    # Measured 14: Wagtail's admin page, then 2 of ours; +1 since issue 21: the Reports menu asks
    # whether the person heads a department (officers' figures).
    with django_assert_max_num_queries(15) as captured:
        listing = client.get("/admin/cases/approvals/").content.decode()
    assert case.reference in listing and "เสนอปลัดลงนามใบอนุญาต" in listing
    one = len(captured)
    for index in range(5):
        to_approval(submit(world["form"], phone=f"08{index:08d}")[0], world["officer_works"])
    with django_assert_max_num_queries(one):  # six waiting cost what one did
        assert client.get("/admin/cases/approvals/").content.decode().count('class="case-approval-card"') == 6

    response = client.post(f"/admin/cases/approvals/{stage.pk}/", {"decision": "approve", "reason": ""})
    assert response.status_code == 302
    rows = stage_rows(case)
    assert rows[2].status == StageStatus.DONE and rows[2].decided_by == world["clerk"]
    assert rows[3].status == StageStatus.CURRENT
    event = case.events.get(kind=CaseEvent.Kind.APPROVED)
    assert event.actor == world["clerk"] and "ประเสริฐ ปลัด" in event.message and "ปลัดเทศบาล" in event.message
    assert f'href="/admin/cases/approvals/{stage.pk}/"' not in client.get("/admin/cases/approvals/").content.decode()


def test_approving_without_the_role_is_refused(client, world, case):
    stage = to_approval(case, world["officer_works"])
    client.force_login(world["officer_works"])
    assert refused(client.get(f"/admin/cases/approvals/{stage.pk}/"))
    assert refused(client.post(f"/admin/cases/approvals/{stage.pk}/", {"decision": "approve"}))
    with pytest.raises(stages.NotApprover):
        stages.approve(stage, world["officer_works"])
    assert case.stages.get(pk=stage.pk).status == StageStatus.AWAITING_APPROVAL


def test_a_clerk_of_another_office_cannot_see_or_decide(client, world, case):
    stage = to_approval(case, world["officer_works"])
    other = OfficeFactory(name="อบต.หนองบัว", hostname="nongbua.localhost", reference_prefix="NBA")
    outsider = StaffFactory(username="clerk.nongbua")
    role = ApprovalRole.objects.create(site=other.site, key="clerk")
    role.members.add(outsider)
    client.force_login(outsider)
    assert case.reference not in client.get("/admin/cases/approvals/").content.decode()
    assert refused(client.get(f"/admin/cases/approvals/{stage.pk}/"))
    assert refused(client.post(f"/admin/cases/approvals/{stage.pk}/", {"decision": "approve"}))
    assert case.stages.get(pk=stage.pk).status == StageStatus.AWAITING_APPROVAL


def test_sending_back_needs_a_reason_next_to_the_field(client, world, case):
    stage = to_approval(case, world["officer_works"])
    client.force_login(world["clerk"])
    response = client.post(f"/admin/cases/approvals/{stage.pk}/", {"decision": "send_back", "reason": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_reason-error"' in page
    assert case.stages.get(pk=stage.pk).status == StageStatus.AWAITING_APPROVAL

    client.post(f"/admin/cases/approvals/{stage.pk}/", {"decision": "send_back", "reason": "แบบแปลนยังไม่ลงนามวิศวกร"})
    assert case.stages.get(pk=stage.pk).status == StageStatus.CURRENT
    event = case.events.get(kind=CaseEvent.Kind.SENT_BACK)
    assert event.actor == world["clerk"] and "แบบแปลนยังไม่ลงนามวิศวกร" in event.message


def test_a_record_of_missing_documents_pauses_the_clock_until_the_upload(client, world, case, settings):
    officer = world["officer_works"]
    client.force_login(officer)
    page = client.get(f"/admin/cases/{case.pk}/").content.decode()
    assert "แบบแปลนและรายการประกอบแบบแปลน" in page  # the guide's documents to tick

    response = staff_post(client, case, action="deficiency", doc_1="missing", doc_2="wrong", note="โฉนดไม่ชัด")
    assert response.status_code == 302
    case.refresh_from_db()
    record = case.deficiencies.get()
    assert case.status == CaseStatus.WAITING and case.waiting_since is not None
    assert [i["name"] for i in record.items] == ["แบบแปลนและรายการประกอบแบบแปลน", "สำเนาโฉนดที่ดิน"]
    told = Notification.objects.get(case=case, event=NotifyEvent.INFO_REQUESTED)
    assert "แบบแปลนและรายการประกอบแบบแปลน" in told.body

    pdf = client.get(f"/admin/cases/{case.pk}/records/{record.pk}/pdf/")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert case.reference in text and "โฉนดที่ดิน" in text
    assert str(record.created_at.year + 543) in text  # Buddhist Era

    # A week later the resident uploads them from the tracking page.
    due_before = case.due_date
    waited = timezone.localdate() - datetime.timedelta(days=7)
    type(case).objects.filter(pk=case.pk).update(waiting_since=waited)
    resident = client.__class__()
    open_link(resident, case)
    track = resident.get(f"/t/{case.reference}").content.decode()
    assert "แบบแปลนและรายการประกอบแบบแปลน" in track and 'action="/t/' in track and "/missing" in track
    assert resident.get(f"/t/{case.reference}/record/{record.pk}").status_code == 200

    wrong = resident.post(
        f"/t/{case.reference}/missing",
        {"files__upload": SimpleUploadedFile("แบบแปลน.pdf", b"MZ not a pdf", content_type="application/pdf")},
    )
    assert wrong.status_code == 400 and "แบบแปลน.pdf" in wrong.content.decode()
    assert 'id="id_files__upload-error"' in wrong.content.decode()
    record.refresh_from_db()
    assert record.resolved_at is None

    settings.FORMS_BUILDER_MAX_UPLOAD_MB = 1
    big = resident.post(
        f"/t/{case.reference}/missing",
        {"files__upload": SimpleUploadedFile("ใหญ่.pdf", PDF_BYTES + b"0" * (2 * 1024 * 1024))},
    )
    assert big.status_code == 400 and "ใหญ่.pdf" in big.content.decode()
    settings.FORMS_BUILDER_MAX_UPLOAD_MB = 10

    ok = resident.post(
        f"/t/{case.reference}/missing",
        {"files__upload": SimpleUploadedFile("แบบแปลน.pdf", PDF_BYTES, content_type="application/pdf")},
    )
    assert ok.status_code == 302
    record.refresh_from_db()
    case.refresh_from_db()
    assert record.resolved_at is not None and case.status == CaseStatus.IN_PROGRESS
    assert case.due_date > due_before  # the clock paused: the deadline moved by the days waited
    assert case.submission.files.filter(field_key=f"deficiency:{record.pk}").count() == 1


def test_the_tracking_page_shows_every_stage_in_a_few_queries(client, world, case, django_assert_max_num_queries):
    stages.move(case, world["officer_works"])
    url = f"/t/{case.reference}"
    client.get(url)
    with django_assert_max_num_queries(4) as captured:
        page = client.get(url).content.decode()
    assert len(captured) <= 4
    assert "เสร็จเมื่อ" in page or "Done on" in page
    assert "นายช่างตรวจสถานที่ก่อสร้าง" in page and "ออกใบอนุญาตก่อสร้าง" in page
    assert str(case.submitted_at.year + 543) in page  # dates in the Buddhist Era
    assert "ของ 11 วันทำการ" in page or "of 11 working days" in page


def test_delay_notices_go_once_per_seven_days_and_the_monthly_report_lists_them(world, case):
    today = timezone.localdate()
    type(case).objects.filter(pk=case.pk).update(due_date=today - datetime.timedelta(days=3))
    assert tasks.send_delay_notices() == 1
    assert tasks.send_delay_notices() == 0  # run twice: one notice
    notice = case.events.get(kind=CaseEvent.Kind.DELAY_NOTICE)  # its own kind, not a reply
    assert "2558" in notice.message and "มาตรา 10" in notice.message and notice.for_resident
    assert not case.events.filter(kind=CaseEvent.Kind.REPLY).exists()
    assert Notification.objects.filter(case=case, event=NotifyEvent.DELAY_NOTICE).count() == 1
    assert not Notification.objects.filter(case=case, event=NotifyEvent.REPLY).exists()

    assert stages.send_delay_notices(today + datetime.timedelta(days=4)) == 0  # day 7: same week
    assert stages.send_delay_notices(today + datetime.timedelta(days=5)) == 1  # day 8: the next notice
    assert DelayNotice.objects.filter(case=case).count() == 2

    (section,) = delayed_cases_section(case.site, today.replace(day=1))
    assert section.rows and section.rows[0][0] == case.reference


def test_no_delay_notice_while_waiting_for_the_residents_documents(world, case):
    stages.record_deficiencies(case, [{"name": "สำเนาโฉนดที่ดิน", "problem": "missing"}], "", world["officer_works"])
    type(case).objects.filter(pk=case.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=30))
    assert stages.send_delay_notices() == 0
    assert not DeficiencyRecord.objects.filter(resolved_at__isnull=False).exists()


def test_the_approval_role_keys_match_the_guides_choices():
    from services.blocks import APPROVAL_ROLES  # noqa: PLC0415 - the one test of the two lists
    from services.cases.models import ApprovalRoleKey  # noqa: PLC0415 - as above

    assert [key for key, _label in APPROVAL_ROLES] == ApprovalRoleKey.values
