"""PDPA: consent recorded per submission, retention and anonymisation that keep the statistics,
data-subject export and erasure, the access log read by the data protection officer, and no
personal data in logs or error reports."""

import datetime
import io
import json
import logging
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from forms_builder.models import Submission, SubmissionFile
from portal.models import StaffGroup, StaffRole
from portal.security import PersonalDataFilter, PersonalDataReporterFilter, mask_personal_data
from services.cases import workflow
from services.cases.models import Case, CaseEvent, CaseStatus
from services.privacy import personal_data as privacy
from services.privacy.models import (
    Anonymisation,
    DataSubjectRequest,
    PersonalDataAccess,
    PrivacySettings,
    RetentionRule,
)
from services.privacy.tasks import anonymise_expired_cases
from services.reporting import stats
from tests.security.conftest import denied
from tests.services.cases.support import submit

pytestmark = pytest.mark.django_db

NATIONAL_ID = "1101700230705"


def closed_case(world, days_ago, **kwargs):
    """A case handled to the end (accepted, replied, resolved, rated, closed) `days_ago` days ago."""
    case, _ = submit(world["form"], **kwargs)
    officer = world["officer_works"]
    workflow.change_status(case, CaseStatus.ACCEPTED, officer)
    workflow.reply(case, "ช่างจะไปบ้านคุณสมหญิง โทร 0812345678 พรุ่งนี้", officer)
    workflow.change_status(case, CaseStatus.RESOLVED, officer)
    workflow.rate(case, 4, "ขอบคุณค่ะ สมหญิง 0812345678")
    case.refresh_from_db()
    workflow.change_status(case, CaseStatus.CLOSED, officer, message="ปิดเรื่อง")
    ended = timezone.now() - datetime.timedelta(days=days_ago)
    Case.objects.filter(pk=case.pk).update(closed_at=ended, resolved_at=ended)
    case.refresh_from_db()
    return case


def attach_file(case, content=b"photo-bytes"):
    upload = SubmissionFile(
        submission=case.submission,
        field_key="photo",
        original_name="บ้าน.jpg",
        content_type="image/jpeg",
        size=len(content),
    )
    upload.file.save("house.jpg", ContentFile(content), save=False)
    upload.save()
    return upload


def figures():
    """The dashboard's figures without the moment they were computed (to the second), which
    differs between two computations that straddle a second boundary."""
    computed = stats.compute()
    computed.pop("generated_at")
    return computed


def test_anonymising_removes_personal_data_and_keeps_the_figures(world):
    case = closed_case(world, days_ago=800, email="somying@example.com")
    Case.objects.filter(pk=case.pk).update(latitude="13.756331", longitude="100.501765")
    Submission.objects.filter(pk=case.submission_id).update(
        latitude="13.756331", longitude="100.501765", line_user_id="U" + "a" * 32
    )
    upload = attach_file(case)
    stored = upload.file.name
    storage = upload.file.storage
    other = closed_case(world, days_ago=5)
    before = figures()
    assert privacy.anonymise(case) is True
    assert privacy.anonymise(case) is False  # twice: nothing more to do
    assert figures() == before
    case.refresh_from_db()
    submission = Submission.objects.get(pk=case.submission_id)
    assert (submission.contact_name, submission.contact_phone, submission.contact_email) == ("", "", "")
    assert submission.line_user_id == ""  # updates can no longer reach the person's LINE
    assert submission.answers == {} and submission.location_text == ""
    assert submission.latitude == Decimal("13.76") and case.longitude == Decimal("100.50")
    assert case.rating == 4 and case.rating_comment == "" and case.status == CaseStatus.CLOSED
    assert getattr(case, "contact_phone_last4", "") == ""  # the queue's phone search copy goes too
    assert not submission.files.exists() and not storage.exists(stored)
    messages = list(CaseEvent.objects.filter(case=case).values_list("message", flat=True))
    assert all(m in ("", privacy.REDACTED) for m in messages)
    assert privacy.REDACTED in messages
    assert CaseEvent.objects.filter(case=case).count() == len(messages)  # redacted, not deleted
    other.submission.refresh_from_db()
    assert other.submission.contact_name == "สมหญิง ใจดี"  # only that case


def test_anonymised_case_pages_still_work(client, world):
    case = closed_case(world, days_ago=800)
    privacy.anonymise(case)
    client.force_login(world["officer_works"])
    page = client.get(f"/admin/cases/{case.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "สมหญิง" not in html and "0812345678" not in html
    assert client.get(f"/t/{case.reference}").status_code == 200


def test_retention_task_follows_the_default_and_each_service_rule(world):
    old = closed_case(world, days_ago=2 * 365 + 1)
    young = closed_case(world, days_ago=2 * 365 - 1)
    open_case_, _ = submit(world["form"])
    assert anonymise_expired_cases() == 1
    assert Anonymisation.objects.filter(case=old, reason="retention").exists()
    assert not Anonymisation.objects.filter(case__in=[young, open_case_]).exists()
    assert anonymise_expired_cases() == 0  # idempotent
    # A service kept for ten years: nothing of it goes; a site keeping one year: the young one goes.
    RetentionRule.objects.create(service=world["service"], retention_days=3650)
    third = closed_case(world, days_ago=900)
    assert anonymise_expired_cases() == 0
    RetentionRule.objects.all().delete()
    PrivacySettings.objects.update_or_create(site=world["site"], defaults={"default_retention_days": 365})
    assert anonymise_expired_cases() == 2
    assert set(Anonymisation.objects.values_list("case_id", flat=True)) == {old.pk, young.pk, third.pk}


SCHEDULE_NAME = "pdpa: anonymise cases past their retention period"


def test_retention_schedule_is_created_once(capsys):
    from django_q.models import Schedule

    # The one command every install runs (README's production steps, make run, compose).
    call_command("setup_schedules")
    call_command("setup_schedules")
    schedule = Schedule.objects.get(name=SCHEDULE_NAME)
    assert schedule.func == "services.privacy.tasks.anonymise_expired_cases"
    assert schedule.schedule_type == Schedule.DAILY
    assert timezone.localtime(schedule.next_run).hour == 3  # at night, office time
    assert Schedule.objects.filter(name=SCHEDULE_NAME).count() == 1


@pytest.fixture
def dpo(django_user_model):
    user = django_user_model.objects.create_user("dpo", password="portal-demo-2569")
    group, _ = Group.objects.get_or_create(name="Data protection officers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="handle_personal_data")
    )
    # A data protection officer works for an office (issue 17): the default site's here.
    StaffGroup.objects.get_or_create(
        group=group, defaults={"site": Site.objects.get(is_default_site=True), "role": StaffRole.OFFICE_ADMIN}
    )
    user.groups.add(group)
    return user


def test_export_finds_a_person_by_national_id_phone_or_email(client, world, dpo):
    mine, _ = submit(world["form"], phone="0891234567", email="Somying@Example.com")
    Submission.objects.filter(pk=mine.submission_id).update(
        answers={"details": "ไฟดับ", "phone": "0891234567", "national_id": NATIONAL_ID}
    )
    attach_file(mine, b"the-id-card")
    someone_else, _ = submit(world["form"], phone="0811111111")
    for query in (NATIONAL_ID, "1-1017-00230-70-5", "089-123-4567", "+66 89 123 4567", "somying@example.com"):
        found = privacy.find_submissions(query)
        assert [s.pk for s in found] == [mine.submission_id], query
    client.force_login(dpo)
    response = client.post(
        "/admin/privacy/requests/", {"identifier": NATIONAL_ID, "action": "export", "note": "หนังสือ 12/2569"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    person = json.loads(archive.read("person.json"))
    assert [s["case"]["reference"] for s in person["submissions"]] == [mine.reference]
    assert person["submissions"][0]["contact"]["phone"] == "0891234567"
    assert someone_else.reference not in archive.read("person.json").decode()
    files = [name for name in archive.namelist() if name.startswith("files/")]
    assert len(files) == 1 and archive.read(files[0]) == b"the-id-card"
    request = DataSubjectRequest.objects.get()
    assert request.kind == "export" and request.identifier_masked == "*********0705" and request.submissions == 1
    assert PersonalDataAccess.objects.filter(action="subject_export", username="dpo").exists()


def test_erase_needs_confirmation_then_anonymises(client, world, dpo):
    case, _ = submit(world["form"], phone="0891234567")
    client.force_login(dpo)
    refused = client.post("/admin/privacy/requests/", {"identifier": "0891234567", "action": "erase"})
    assert refused.status_code == 400
    assert "Tick this box" in refused.content.decode() or "ทำเครื่องหมาย" in refused.content.decode()
    assert not Anonymisation.objects.exists()
    done = client.post("/admin/privacy/requests/", {"identifier": "0891234567", "action": "erase", "confirm": "on"})
    assert done.status_code == 302
    assert Anonymisation.objects.get(case=case).reason == "erasure"
    assert privacy.find_submissions("0891234567") == []
    assert DataSubjectRequest.objects.get(kind="erase").cases == 1


def test_dpo_pages_are_for_the_dpo_only(client, world, dpo):
    client.force_login(world["officer_works"])
    assert denied(client, "/admin/privacy/requests/")
    assert denied(client, "/admin/privacy/access-log/")
    assert "/admin/privacy/" not in client.get("/admin/").content.decode()
    client.force_login(dpo)
    assert client.get("/admin/privacy/requests/").status_code == 200
    bad = client.post("/admin/privacy/requests/", {"identifier": "hello", "action": "find"})
    assert bad.status_code == 400


def test_access_log_records_who_opened_which_case(client, world, dpo):
    works_case, _ = submit(world["form"])
    upload = attach_file(works_case)
    client.force_login(world["officer_works"])
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/admin/cases/{works_case.pk}/")
    logging_queries = [q["sql"] for q in queries if "services_personaldataaccess" in q["sql"]]
    assert len(logging_queries) == 1 and logging_queries[0].startswith("INSERT")  # the log costs one query
    client.get(f"/admin/cases/{works_case.pk}/files/{upload.pk}/")
    client.get("/admin/cases/?export=csv&status=open")
    client.get("/admin/cases/")  # the queue lists no personal data: not logged
    client.force_login(world["officer_health"])
    assert denied(client, f"/admin/cases/{works_case.pk}/")  # refused: nothing seen, nothing logged
    lines = list(PersonalDataAccess.objects.order_by("id").values_list("username", "action", "case__reference"))
    assert lines == [
        ("officer.works", "view", works_case.reference),
        ("officer.works", "file", works_case.reference),
        ("officer.works", "export", None),
    ]
    client.force_login(dpo)
    html = client.get("/admin/privacy/access-log/", {"q": works_case.reference}).content.decode()
    assert html.count("officer.works") == 2
    entry = PersonalDataAccess.objects.first()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        PersonalDataAccess.objects.all().delete()


def test_logs_mask_national_ids_phones_and_emails():
    record = logging.LogRecord(
        "portal",
        logging.ERROR,
        __file__,
        1,
        "intake failed for %s (%s, %s)",
        (NATIONAL_ID, "081-234-5678", "a.b@c.go.th"),
        None,
    )
    try:
        raise ValueError("bad id 1-1017-00230-70-5 phone +66812345678 mail x@y.com")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    PersonalDataFilter().filter(record)
    text = logging.Formatter().format(record)
    for secret in (NATIONAL_ID, "1-1017-00230-70-5", "081-234-5678", "+66812345678", "a.b@c.go.th", "x@y.com"):
        assert secret not in text
    assert "[national-id]" in text and "[phone]" in text and "[email]" in text
    # Ordinary numbers survive: references, dates, counts.
    assert mask_personal_data("BSR-2569-00042 on 2026-11-21: 360 cases") == "BSR-2569-00042 on 2026-11-21: 360 cases"


def test_logging_config_masks_through_the_real_handler():
    """The console handler the LOGGING setting builds carries the filter."""
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, PersonalDataFilter) for f in h.filters)]
    assert handlers, "settings.LOGGING must put PersonalDataFilter on the console handler"
    stream = io.StringIO()
    old = handlers[0].setStream(stream)
    try:
        logging.getLogger("services.cases.intake").error("resident %s called from %s", NATIONAL_ID, "0891234567")
    finally:
        handlers[0].setStream(old)
    assert NATIONAL_ID not in stream.getvalue() and "0891234567" not in stream.getvalue()
    assert "[national-id]" in stream.getvalue()


def test_error_reports_hide_what_residents_typed():
    request = RequestFactory().post("/th/forms/1/step/", {"national_id": NATIONAL_ID, "name": "สมหญิง"})
    cleaned = PersonalDataReporterFilter().get_post_parameters(request)
    assert NATIONAL_ID not in str(cleaned) and "สมหญิง" not in str(cleaned)


def test_access_log_filters_exports_and_is_read_only(client, world, dpo):
    works_case, _ = submit(world["form"])
    client.force_login(world["officer_works"])
    client.get(f"/admin/cases/{works_case.pk}/")
    client.get(f"/admin/cases/{works_case.pk}/receipt/")
    client.force_login(dpo)
    page = client.get("/admin/privacy/access-log/", {"action": "receipt"}).content.decode()
    assert page.count("officer.works") == 1
    export = client.get("/admin/privacy/access-log/", {"export": "csv"})
    assert export.status_code == 200
    rows = b"".join(export.streaming_content).decode()
    assert rows.count(works_case.reference) == 2 and "officer.works" in rows
    entry = PersonalDataAccess.objects.first()
    assert client.get(f"/admin/privacy/access-log/edit/{entry.pk}/").status_code in (302, 403)
    assert client.post(f"/admin/privacy/access-log/delete/{entry.pk}/").status_code in (302, 403)
    assert PersonalDataAccess.objects.count() == 2
    client.force_login(world["officer_works"])
    assert denied(client, "/admin/privacy/access-log/?export=csv")
