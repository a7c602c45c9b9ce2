"""Issue 22 §5 figures: satisfaction per service and department (means withheld under three
answers), users per month against the office's target, the channel mix per month and per
community, and volunteers' requests — on the public dashboard and in the monthly report."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from services.areas.models import Area
from services.cases.models import CaseStatus, Channel
from services.feedback import figures
from services.feedback.models import Answer, FeedbackSettings, Source
from services.reporting import monthly
from tests.factories import CaseFactory, StaffFactory
from tests.services.cases.support import make_world

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[98.9, 18.7], [99.1, 18.7], [99.1, 18.9], [98.9, 18.9], [98.9, 18.7]]]}


def label(month):
    return month.strftime("%Y-%m")


@pytest.fixture
def world(home_th):
    world = make_world(home_th)
    site, service = world["site"], world["service"]
    riverside = Area.objects.create(site=site, name="ชุมชนริมน้ำ", name_en="Riverside", shape=SQUARE)
    volunteer = StaffFactory(username="volunteer.a")
    now = timezone.now()
    made = [
        CaseFactory(service=service, channel=Channel.WEB, area=riverside, submitted_at=now),
        CaseFactory(service=service, channel=Channel.LINE, area=riverside, submitted_at=now),
        CaseFactory(
            service=service,
            channel=Channel.VOLUNTEER,
            area=riverside,
            submitted_at=now,
            status=CaseStatus.RESOLVED,
            submission__filed_by=volunteer,
        ),
        CaseFactory(
            service=service, channel=Channel.VOLUNTEER, area=riverside, submitted_at=now, submission__filed_by=volunteer
        ),
        CaseFactory(service=service, channel=Channel.PHONE, submitted_at=now),
    ]
    for case, (ease, overall) in zip(made[:3], [(5, 5), (4, 3), (3, 4)], strict=True):
        Answer.objects.create(
            site=site,
            case=case,
            department=world["works"],
            service=service,
            service_title=service.title,
            ease=ease,
            speed=4,
            staff=5,
            overall=overall,
        )
    # A counter visit to health: one answer only, so its means are withheld.
    Answer.objects.create(site=site, source=Source.COUNTER, department=world["health"], overall=2, ease=2)
    world.update(riverside=riverside, cases=made)
    return world


def table(tables, title):
    return next(rows for found_title, _header, rows in tables if found_title == title)


def test_the_months_tables_hold_hand_counted_figures_in_five_queries(world):
    settings = FeedbackSettings.for_site(world["site"])
    settings.monthly_target = 4
    settings.save()
    month = timezone.localdate().replace(day=1)
    with translation.override("en"), CaptureQueriesContext(connection) as queries:
        tables = figures.monthly_tables(world["site"], month, label)
    assert len(queries.captured_queries) == 5
    with translation.override("th"):
        users_title = "ผู้ใช้บริการรายเดือนเทียบกับเป้าหมาย"
        # Five requests and one counter visit: six users against a target of four.
        assert table(tables, users_title) == [[label(month), 5, 1, 6, 4, 150]]
        assert table(tables, "ช่องทางที่ได้รับเรื่อง รายเดือน") == [[label(month), 1, 1, 0, 2, 1, 5]]
        assert table(tables, "ช่องทางที่ได้รับเรื่อง รายชุมชน") == [
            ["ชุมชนริมน้ำ", 1, 1, 0, 2, 0, 4],
            ["ไม่อยู่ในชุมชน", 0, 0, 0, 0, 1, 1],
        ]
        assert table(tables, "เรื่องที่ยื่นผ่านอาสาสมัคร รายชุมชน") == [["ชุมชนริมน้ำ", 2, 1, 1]]
        by_service = table(tables, "ความพึงพอใจรายบริการ")
        assert ["แจ้งซ่อมไฟฟ้าสาธารณะ", 3, 4.0, 4.0, 5.0, 4.0] in by_service
        # One answer: counted, its means withheld.
        assert ["การมาติดต่ออื่น ๆ", 1, None, None, None, None] in by_service
        by_department = table(tables, "ความพึงพอใจรายกอง")
        assert by_department == [["กองช่าง", 3, 4.0, 4.0, 5.0, 4.0], ["กองสาธารณสุข", 1, None, None, None, None]]


def test_the_target_defaults_to_300(world):
    assert FeedbackSettings.for_site(world["site"]).monthly_target == 300


def test_the_public_dashboard_shows_this_months_users_against_the_target_and_the_channel_mix(client, world):
    html = client.get("/en/dashboard/").content.decode()
    assert "Users per month against the target" in html
    assert "How requests reached us, per month" in html
    assert "How requests reached us, per community" in html
    assert "Requests filed through volunteers, per community" in html
    assert "Satisfaction per department" in html and "Riverside" in html
    th = client.get("/th/dashboard/").content.decode()
    assert "ผู้ใช้บริการรายเดือนเทียบกับเป้าหมาย" in th and "ชุมชนริมน้ำ" in th


def test_the_monthly_report_carries_the_tables(world):
    month = timezone.localdate().replace(day=1)
    titles = [section.title for section in monthly.month_figures(world["site"], month)["sections"]]
    assert "ผู้ใช้บริการรายเดือนเทียบกับเป้าหมาย" in titles
    assert "ความพึงพอใจรายบริการ" in titles


def test_an_answer_outside_the_month_is_not_counted(world):
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    tables = figures.monthly_tables(world["site"], last_month, label)
    with translation.override("th"):
        assert table(tables, "ความพึงพอใจรายบริการ") == []
        assert table(tables, "ผู้ใช้บริการรายเดือนเทียบกับเป้าหมาย") == [[label(last_month), 0, 0, 0, 300, 0]]
