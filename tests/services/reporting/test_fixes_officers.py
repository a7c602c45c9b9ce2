"""Issue 21's figures: fixes confirmed, disputed and flagged and referrals per department (the
public dashboard and the monthly report), and officers' figures for the department head only."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone, translation

from services.cases import evidence, workflow
from services.cases.models import CaseStatus
from services.reporting import fixes, monthly, officers
from tests.factories import StaffFactory
from tests.services.cases.evidence_support import bare_photo, upload
from tests.services.cases.support import make_world, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    world = make_world(home_th)
    head = StaffFactory(username="head.works", departments=[world["works"]])
    world["works"].head = head
    world["works"].save()
    other_head = StaffFactory(username="head.health", departments=[world["health"]])
    world["health"].head = other_head
    world["health"].save()
    world.update(head=head, other_head=other_head)
    return world


def fixed(world, phone, *, photo=None):
    case, _ = submit(world["form"], phone=phone)
    officer = world["officer_works"]
    workflow.change_status(case, CaseStatus.ACCEPTED, officer)
    workflow.assign(case, officer, world["head"])
    recorded = evidence.record_photo(case, upload(photo), role="after", user=officer) if photo else None
    return workflow.change_status(case, CaseStatus.RESOLVED, officer, message="ซ่อมแล้ว", after_photo=recorded)


def test_the_department_table_counts_confirmed_disputed_flagged_and_referred(world):
    workflow.confirm_fix(fixed(world, "0810000001"))
    workflow.confirm_fix(fixed(world, "0810000002"))
    workflow.dispute_fix(fixed(world, "0810000003", photo=bare_photo()))  # flagged: no capture data
    referred, _ = submit(world["form"], phone="0810000004")
    workflow.change_status(referred, CaseStatus.ACCEPTED, world["officer_works"])
    workflow.refer(referred, world["officer_works"], agency_name="การไฟฟ้าส่วนภูมิภาค")
    later = timezone.now() + datetime.timedelta(days=4)
    with mock.patch("django.utils.timezone.now", return_value=later):
        workflow.agency_done(referred, agency_name="การไฟฟ้าส่วนภูมิภาค")
    with translation.override("en"):
        [section] = fixes.dashboard_sections(world["site"], today=timezone.localdate() + datetime.timedelta(days=5))
    assert section.header[1] == "Fixes confirmed by residents"
    assert section.rows == [["Public Works", 2, 1, 1, 1, "4.0"]]
    [thai] = fixes.monthly_sections(world["site"], timezone.localdate())
    assert thai.rows[0][0] == "กองช่าง" and thai.rows[0][1:5] == [2, 1, 1, 1]
    assert any(s.title == thai.title for s in monthly.month_figures(world["site"], timezone.localdate())["sections"])


def test_nothing_to_count_gives_no_table(world):
    assert fixes.dashboard_sections(world["site"]) == []


def test_officers_figures_for_the_department_head(client, world):
    fixed(world, "0820000001")
    fixed(world, "0820000002", photo=bare_photo("blue"))
    client.force_login(world["head"])
    response = client.get("/admin/reports/officers/")
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert row["department"] == "กองช่าง" and row["officer"] == "วิชัย" or row["officer"]
    assert row["done"] == 2 and row["flagged"] == 1 and row["median_days"] == 0.0
    assert "officer-figures" in client.get("/admin/").content.decode()


def test_another_departments_head_officers_and_strangers_cannot_see_them(client, world):
    fixed(world, "0830000001")
    client.force_login(world["other_head"])
    response = client.get("/admin/reports/officers/")
    assert response.status_code == 200 and response.context["rows"] == []  # their own department: empty
    assert "วิชัย" not in response.content.decode()
    client.force_login(world["officer_works"])  # heads nothing: refused (Wagtail sends them home)
    refused = client.get("/admin/reports/officers/")
    assert refused.status_code in (302, 403) and refused.get("Location", "/admin/") == "/admin/"
    client.logout()
    response = client.get("/admin/reports/officers/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not officers.can_read(world["officer_health"])
