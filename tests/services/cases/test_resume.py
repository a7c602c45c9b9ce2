"""Leaving "waiting for the resident" by any path restarts the clock the same way (issue 20): the
case's deadline and the current and later stages' expected dates move by the working days it
waited, whether the officer changes the status, the resident replies, or uploads the documents
their record of missing documents asked for. Finished stages keep their dates."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from services.cases import stages
from services.cases.models import CaseStatus, StageStatus
from services.cases.sla import WorkingCalendar
from tests.forms_builder.helpers import PDF_BYTES
from tests.services.cases.stage_support import permit_world
from tests.services.cases.support import open_link, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "public"


def by_status_form(client, case, world):
    client.force_login(world["officer_works"])
    case.refresh_from_db()
    response = client.post(
        f"/admin/cases/{case.pk}/", {"action": "status", "version": case.version, "status": CaseStatus.IN_PROGRESS}
    )
    assert response.status_code == 302


def by_resident_reply(client, case, world):
    open_link(client, case)
    response = client.post(f"/t/{case.reference}/reply", {"message": "ส่งเอกสารให้ที่สำนักงานแล้วค่ะ"})
    assert response.status_code == 302


def by_upload(client, case, world):
    open_link(client, case)
    response = client.post(
        f"/t/{case.reference}/missing",
        {"files__upload": SimpleUploadedFile("แบบแปลน.pdf", PDF_BYTES, content_type="application/pdf")},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("resume", [by_status_form, by_resident_reply, by_upload], ids=lambda f: f.__name__)
def test_every_way_out_of_waiting_moves_the_deadline_and_the_stages_alike(client, home_th, resume):
    world = permit_world(home_th)
    case, _ = submit(world["form"])
    stages.move(case, world["officer_works"])  # stage 1 done, stage 2 (7 days) under way
    done, current, later = list(case.stages.order_by("order"))[:3]
    # A later stage with a date already (an office may plan ahead): it moves too.
    type(later).objects.filter(pk=later.pk).update(expected_date=timezone.localdate() + datetime.timedelta(days=20))
    stages.record_deficiencies(case, [{"name": "สำเนาโฉนดที่ดิน", "problem": "missing"}], "", world["officer_works"])

    # The resident took a week (five working days or so) to answer.
    since = timezone.localdate() - datetime.timedelta(days=7)
    type(case).objects.filter(pk=case.pk).update(waiting_since=since)
    case.refresh_from_db()
    calendar = WorkingCalendar(case.site)
    waited = calendar.working_days_between(since, timezone.localdate())
    assert waited > 0
    before = {s.pk: s.expected_date for s in case.stages.all()}
    due_before = case.due_date

    resume(client, case, world)

    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.waiting_since is None
    assert case.due_date == calendar.add_working_days(due_before, waited)
    after = {s.pk: s for s in case.stages.all()}
    assert after[done.pk].status == StageStatus.DONE and after[done.pk].expected_date == before[done.pk]
    assert after[current.pk].expected_date == calendar.add_working_days(before[current.pk], waited)
    assert after[later.pk].expected_date == calendar.add_working_days(before[later.pk], waited)
    assert after[later.pk].expected_date > before[later.pk]


def test_a_case_that_waited_no_working_day_moves_nothing(client, home_th):
    world = permit_world(home_th)
    case, _ = submit(world["form"])
    stages.record_deficiencies(case, [{"name": "สำเนาโฉนดที่ดิน", "problem": "missing"}], "", world["officer_works"])
    case.refresh_from_db()
    before = {s.pk: s.expected_date for s in case.stages.all()}
    due_before = case.due_date
    by_status_form(client, case, world)
    case.refresh_from_db()
    assert case.due_date == due_before
    assert {s.pk: s.expected_date for s in case.stages.all()} == before
