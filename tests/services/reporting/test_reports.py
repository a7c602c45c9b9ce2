"""Monthly reports (PDF with a Thai font, CSV for Excel), usage statistics without personal data,
the staff dashboard panels on the admin home, the Open311 key admin and the schedules."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import Schedule
from pypdf import PdfReader
from wagtail import hooks

from portal.schedules import ensure_schedules
from services import pdf_fonts
from services.open311.models import Open311Key
from services.reporting import monthly, usage
from services.reporting.models import MonthlyReport, PageViewCount
from services.reporting.tasks import build_monthly_report
from tests.services.cases.support import make_world
from tests.services.reporting.support import fixed_cases

pytestmark = pytest.mark.django_db
OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def world(home_th):
    world = make_world(home_th)
    fixed_cases(world)
    return world


@pytest.fixture
def private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def test_monthly_report_pdf_and_csv_have_the_months_figures(world, private_media):
    PageViewCount.objects.create(site=world["site"], month=OCTOBER, section="services", views=321)
    report = MonthlyReport.objects.get(pk=build_monthly_report(world["site"].pk, OCTOBER.isoformat()))
    assert report.note == ""
    text = report.csv.open("rb").read().decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text[1:].splitlines()
    # October: 2 received, 2 resolved, median 6.0, p90 10, 50% on time, satisfaction 4.0
    assert lines[1] == "2026-10,รวม,ทุกบริการ,2,2,6.0,10.0,50.0,4.0"
    assert "2026-10,services,321" in lines
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.open("rb").read())).pages)
    assert "ตุลาคม 2569" in pdf_text
    assert "แจ้งซ่อมไฟฟ้าสาธารณะ" in pdf_text
    assert "321" in pdf_text
    # Building the month again replaces it: still one report.
    build_monthly_report(world["site"].pk, OCTOBER.isoformat())
    assert MonthlyReport.objects.count() == 1


def test_areas_add_their_own_tables_to_the_report_through_the_hook(world, private_media):
    def bookings(site, month):
        assert (site, month) == (world["site"], OCTOBER)
        return [monthly.Section("การจองคิว", ["บริการ", "จอง", "ไม่มา (%)"], [["ขออนุญาตก่อสร้าง", 12, 8.3]])]

    with hooks.register_temporarily(monthly.SECTIONS_HOOK, bookings):
        report = monthly.build_report(world["site"], OCTOBER)
    lines = report.csv.open("rb").read().decode("utf-8")[1:].splitlines()
    assert "2026-10,ขออนุญาตก่อสร้าง,12,8.3" in lines
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.open("rb").read())).pages)
    assert "การจองคิว" in pdf_text and "ขออนุญาตก่อสร้าง" in pdf_text


def test_without_a_thai_font_the_csv_is_still_built_and_the_reason_shown(world, private_media, monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_fonts, "FONT_DIRS", [tmp_path / "nowhere"])
    report = monthly.build_report(world["site"], OCTOBER)
    assert not report.pdf and report.csv
    assert "fonts-thai-tlwg" in report.note


def test_reports_admin_is_for_permitted_staff_only(client, world, private_media, django_capture_on_commit_callbacks):
    report = monthly.build_report(world["site"], OCTOBER)
    client.force_login(world["officer_works"])
    # Wagtail turns a refusal into a redirect to the admin home with a message.
    assert client.get("/admin/reports/")["Location"] == "/admin/"
    assert client.get(f"/admin/reports/{report.pk}/pdf/")["Location"] == "/admin/"
    # An executive given "Can view monthly report" (offered on the group editor) sees them.
    permission = Permission.objects.get(codename="view_monthlyreport")
    assert any(permission in offer() for offer in hooks.get_hooks("register_permissions"))
    executive = get_user_model().objects.create_user("executive", password="portal-demo-2569")
    executive.user_permissions.add(permission, Permission.objects.get(codename="access_admin"))
    client.force_login(executive)
    assert client.get("/admin/reports/").status_code == 200
    admin = get_user_model().objects.create_superuser("boss", password="portal-demo-2569")
    client.force_login(admin)
    page = client.get("/admin/reports/").content.decode()
    assert "ตุลาคม 2569" in page
    response = client.get(f"/admin/reports/{report.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    csv_response = client.get(f"/admin/reports/{report.pk}/csv/")
    assert b"".join(csv_response.streaming_content).startswith("\ufeff".encode())
    assert "/admin/reports/statistics/" in page and client.get("/admin/reports/statistics/").status_code == 200
    # Building from the admin queues the task (synchronous in tests): September is there.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/reports/build/", {"month": "2026-09"})
    assert response.status_code == 302
    assert MonthlyReport.objects.filter(month=datetime.date(2026, 9, 1)).exists()


def test_usage_counts_page_views_without_cookies_and_flushes_once(client, world):
    agent = {"HTTP_USER_AGENT": "Mozilla/5.0 (Android)"}
    for _ in range(3):
        response = client.get("/th/dashboard/", **agent)
        assert not response.cookies
    client.get("/th/", **agent)
    client.get("/th/no-such-page/", **agent)  # 404: not counted, creates no section
    client.get("/th/dashboard/", HTTP_USER_AGENT="Googlebot/2.1")  # bots are not counted
    client.get("/admin/login/", **agent)  # the admin is not counted
    assert usage.flush() == 4
    month = timezone.localdate().replace(day=1)
    counts = dict(PageViewCount.objects.filter(month=month).values_list("section", "views"))
    assert counts == {"dashboard": 3, "home": 1}
    assert usage.flush() == 0  # nothing counted twice
    client.get("/en/dashboard/", **agent)
    usage.flush()
    assert PageViewCount.objects.get(month=month, section="dashboard").views == 4
    assert set(PageViewCount._meta.get_fields()) and not {
        f.name for f in PageViewCount._meta.get_fields() if f.name in ("ip", "user", "session", "path")
    }


def test_usage_adds_no_database_query_to_pages(world, settings):
    settings.PAGE_CACHE_SECONDS = 0  # compare rendered pages, not kept ones

    def queries():
        client = Client()  # a new client loads the middleware as the settings now say
        for _ in range(2):  # warm: the figures, the site, the menus
            client.get("/th/dashboard/", HTTP_USER_AGENT="Mozilla/5.0")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/th/dashboard/", HTTP_USER_AGENT="Mozilla/5.0").status_code == 200
        return len(captured.captured_queries)

    with_usage = queries()
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "usage" not in m]
    assert queries() == with_usage


def test_admin_home_shows_my_departments_cases_and_figures(client, world):
    client.force_login(world["officer_works"])
    html = client.get("/admin/").content.decode()
    assert "case-summary" in html and "department-figures" in html
    # works: open cases 4 (in progress, overdue) and 8 (waiting); the health case is not shown
    assert 'data-count="overdue">1<' in html
    assert "BSR-69-TEST4-X" in html and "BSR-69-TEST7-X" not in html
    assert "กองช่าง" in html and "กองสาธารณสุข" not in html.split('id="department-figures-section"')[1]
    client.force_login(world["officer_health"])
    html = client.get("/admin/").content.decode()
    assert "BSR-69-TEST7-X" in html and "BSR-69-TEST4-X" not in html


def test_admin_home_panels_stay_within_a_query_budget(client, world, django_assert_max_num_queries):
    client.force_login(world["officer_works"])
    client.get("/admin/")
    with django_assert_max_num_queries(40):
        assert client.get("/admin/").status_code == 200


def test_issuing_an_api_key_shows_it_once_and_stores_only_its_hash(client, world):
    client.force_login(world["officer_works"])
    assert client.get("/admin/open311-keys/")["Location"] == "/admin/"
    admin = get_user_model().objects.create_superuser("boss", password="portal-demo-2569")
    client.force_login(admin)
    response = client.post("/admin/open311-keys/new/", {"name": "LINE OA", "site": world["site"].pk})
    assert "no-store" in response["Cache-Control"]
    raw = response.content.decode().split('<code class="new-api-key">')[1].split("</code>")[0]
    key = Open311Key.objects.get()
    assert Open311Key.lookup(raw) == key and raw not in key.key_hash
    assert raw not in client.get("/admin/open311-keys/").content.decode()
    # Revoking: untick "active"; a revoked key cannot be ticked back on.
    client.post(f"/admin/open311-keys/edit/{key.pk}/", {"name": "LINE OA"})
    assert Open311Key.lookup(raw) is None
    client.post(f"/admin/open311-keys/edit/{key.pk}/", {"name": "LINE OA", "active": "on"})
    assert Open311Key.lookup(raw) is None


def test_schedules_are_created_once(db):
    # migrate (which built the test database) already created them through post_migrate.
    assert Schedule.objects.filter(name="dashboard-refresh", func="services.reporting.tasks.refresh_dashboard").exists()
    ensure_schedules()
    ensure_schedules()
    names = list(
        Schedule.objects.filter(name__in=["dashboard-refresh", "usage-flush", "monthly-report"]).values_list(
            "name", flat=True
        )
    )
    assert sorted(names) == ["dashboard-refresh", "monthly-report", "usage-flush"]
