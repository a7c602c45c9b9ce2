"""The queue's CSV and Excel export: in the officer's admin language, labels instead of codes,
Buddhist-Era dates in Thai, and a CSV that Excel opens as UTF-8."""

import csv
import datetime
import io

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook
from wagtail.users.models import UserProfile

from services.cases import workflow
from services.cases.models import Case, CaseStatus, Channel, Priority
from tests.services.cases.support import make_world, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    world = make_world(home_th)
    case, _ = submit(world["form"], channel="counter", filed_by=world["officer_works"])
    workflow.change_status(case, CaseStatus.ACCEPTED)
    workflow.set_priority(case, Priority.URGENT)
    workflow.assign(case, world["officer_works"])
    Case.objects.filter(pk=case.pk).update(
        submitted_at=datetime.datetime(2026, 11, 21, 14, 30, tzinfo=datetime.UTC),
        due_date=datetime.date(2026, 11, 26),
        service_title='=HYPERLINK("http://x.example") แจ้งซ่อม',  # typed by an editor: text, never a formula
    )
    world["case"] = Case.objects.get(pk=case.pk)
    return world


def csv_rows(response):
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]


def labels(language):
    with translation.override(language):
        return {
            "status": str(CaseStatus.ACCEPTED.label),
            "channel": str(Channel.COUNTER.label),
            "priority": str(Priority.URGENT.label),
        }


def test_export_in_thai_has_thai_headers_labels_and_buddhist_era_dates(client, world):
    client.force_login(world["officer_works"])
    thai = labels("th")
    local_submitted = timezone.localtime(world["case"].submitted_at)  # 21:30 in Bangkok
    for rows in (
        csv_rows(client.get("/admin/cases/", {"export": "csv"})),
        xlsx_rows(client.get("/admin/cases/", {"export": "xlsx"})),
    ):
        header, row = rows[0], rows[1]
        assert header[:3] == ["เลขที่เรื่อง", "สถานะ", "บริการ"]
        assert "วันครบกำหนด" in header
        values = dict(zip(header, row, strict=True))
        assert values["เลขที่เรื่อง"] == world["case"].reference
        assert values["สถานะ"] == thai["status"] and thai["status"] != "accepted"
        assert values["ช่องทาง"] == thai["channel"]
        assert values["ความเร่งด่วน"] == thai["priority"]
        assert values["หน่วยงาน"] == "กองช่าง"
        assert values["บริการ"] == '\'=HYPERLINK("http://x.example") แจ้งซ่อม'
        assert values["ผู้รับผิดชอบ"] == "วิชัย"
        assert values["วันที่ยื่น"] == f"21 พ.ย. 2569 {local_submitted:%H:%M} น."
        assert values["วันครบกำหนด"] == "26 พ.ย. 2569"
        assert "2026" not in "".join(str(value) for value in row)
        assert "0812345678" not in str(rows)  # no phone numbers leave in an export


def test_export_in_english_for_an_officer_who_uses_the_admin_in_english(client, world):
    profile = UserProfile.get_for_user(world["officer_works"])
    profile.preferred_language = "en"
    profile.save()
    client.force_login(world["officer_works"])
    english = labels("en")
    for rows in (
        csv_rows(client.get("/admin/cases/", {"export": "csv"})),
        xlsx_rows(client.get("/admin/cases/", {"export": "xlsx"})),
    ):
        values = dict(zip(rows[0], rows[1], strict=True))
        assert values["Status"] == english["status"] == "Accepted"
        assert values["Channel"] == english["channel"]
        assert values["Department"] == "Public Works"
        assert values["Due date"] == "2026-11-26"
