"""Issue 17 in the reporting: each office's dashboard, open data, reports and page views are its
own; the province dashboard sets a province's offices side by side; a province viewer reads
figures and nothing else."""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from portal.models import Office, StaffRole
from services.reporting import province as province_figures
from services.reporting import usage
from services.reporting.models import MonthlyReport, PageViewCount
from tests.factories import OfficeFactory, office_staff, province_viewer
from tests.services.reporting.offices import OTHER_PROVINCE, PROVINCE, offices_world, resolved_cases

pytestmark = pytest.mark.django_db

B_HOST = {"HTTP_HOST": "nongbua.localhost"}
C_HOST = {"HTTP_HOST": "lamphun.localhost"}


@pytest.fixture
def world(site):
    return offices_world(site)


def not_found(client, url):
    """A 404 (an admin URL that answers 404 is sent on to the language-prefixed site first)."""
    return client.get(url, follow=True).status_code == 404


def overall(client, **host):
    rows = client.get("/en/dashboard/data.json", **host).json()["rows"]
    return [row for row in rows if row["service_code"] == "all"]


def figure(html, name):
    return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1)


# --- an office's own dashboard and open data ---------------------------------------------------


def test_each_office_dashboard_counts_only_its_own_requests(client, world):
    a_page = client.get("/en/dashboard/").content.decode()
    b_page = client.get("/en/dashboard/", **B_HOST).content.decode()
    assert figure(a_page, "received") == "13" and figure(a_page, "backlog") == "1"
    assert figure(b_page, "received") == "15" and figure(b_page, "backlog") == "4"
    assert figure(b_page, "within_sla_pct") == "0.0%"  # B is late every time; A never is
    assert figure(a_page, "within_sla_pct") == "100.0%"


def test_open_data_of_an_office_never_holds_another_offices_figures(client, world):
    assert sum(row["received"] for row in overall(client)) == 13
    assert sum(row["received"] for row in overall(client, **B_HOST)) == 15
    assert sum(row["received"] for row in overall(client, **C_HOST)) == 5
    b_csv = client.get("/en/dashboard/data.csv", **B_HOST).content.decode("utf-8-sig")
    rows = [row for row in csv.DictReader(io.StringIO(b_csv)) if row["service_code"] == "all"]
    assert sum(int(row["received"]) for row in rows) == 15


def test_cached_figures_are_kept_per_office(client, world):
    client.get("/en/dashboard/")  # A's figures now in the cache
    assert sum(row["received"] for row in overall(client, **B_HOST)) == 15


# --- the province dashboard --------------------------------------------------------------------


def province_rows(html):
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<tr data-office="([^"]+)">', body)


def test_province_dashboard_sets_the_provinces_offices_side_by_side(client, world):
    with translation.override("en"):
        response = client.get("/en/dashboard/province/")  # the office's own province
    html = response.content.decode()
    assert response.status_code == 200
    assert sorted(province_rows(html)) == sorted([world["a"].hostname, "nongbua.localhost"])
    assert "lamphun.localhost" not in html and "อบต.ลำพูนทดสอบ" not in html
    b_row = html.split('data-office="nongbua.localhost"')[1].split("</tr>")[0]
    assert figure(b_row, "received") == "15"
    assert figure(b_row, "median_days") == "20.0" and figure(b_row, "p90_days") == "20.0"
    assert figure(b_row, "within_sla_pct") == "0.0%" and figure(b_row, "satisfaction") == "2.0"
    assert figure(b_row, "backlog") == "4"
    # The table scrolls inside a labelled region; the period is in Buddhist Era in Thai.
    assert 'role="region" aria-labelledby="province-table-caption"' in html
    thai = client.get("/th/dashboard/province/").content.decode()
    assert re.search(r"25[67]\d", thai.split('id="province-table-caption"')[1].split("</caption>")[0])


def test_an_office_dashboard_links_to_its_province_comparison(client, world):
    english = client.get("/en/dashboard/", **B_HOST).content.decode()
    assert '<a href="/en/dashboard/province/">Compare the offices of our province</a>' in english
    thai = client.get("/th/dashboard/", **B_HOST).content.decode()
    assert '<a href="/th/dashboard/province/">เปรียบเทียบกับหน่วยงานอื่นในจังหวัด</a>' in thai
    # The link leads to the province of the office the page belongs to.
    html = client.get("/en/dashboard/province/", **B_HOST).content.decode()
    assert 'data-office="nongbua.localhost"' in html and "lamphun.localhost" not in html


def test_an_office_with_too_few_resolved_requests_shows_not_enough_data(client, world):
    with translation.override("en"):
        html = client.get(f"/en/dashboard/province/{OTHER_PROVINCE}/").content.decode()
    row = html.split('data-office="lamphun.localhost"')[1].split("</tr>")[0]
    assert "not enough data" in row
    assert figure(row, "received") == "5" and figure(row, "backlog") == "2"
    assert 'data-figure="median_days"' not in row
    thai = client.get(f"/th/dashboard/province/{OTHER_PROVINCE}/").content.decode()
    assert "ข้อมูลไม่เพียงพอ" in thai


def test_province_dashboard_sorts_by_any_column_with_plain_links(client, world):
    OfficeFactory(name="อบต.น้อย", hostname="small.localhost", province=PROVINCE)  # no cases at all
    a, b = world["a"].hostname, "nongbua.localhost"
    html = client.get(f"/en/dashboard/province/{PROVINCE}/?sort=-median_days").content.decode()
    assert province_rows(html) == [b, a, "small.localhost"]  # not enough data sorts last
    html = client.get(f"/en/dashboard/province/{PROVINCE}/?sort=median_days").content.decode()
    assert province_rows(html) == [a, b, "small.localhost"]
    assert 'aria-sort="ascending"' in html and 'href="?sort=-median_days"' in html
    html = client.get(f"/en/dashboard/province/{PROVINCE}/?sort=-backlog").content.decode()
    assert province_rows(html) == [b, a, "small.localhost"]
    html = client.get(f"/en/dashboard/province/{PROVINCE}/?sort=backlog").content.decode()
    assert province_rows(html) == ["small.localhost", a, b]
    # Nonsense sorts by office name, a nonsense period keeps the default and says why.
    with translation.override("en"):
        response = client.get(f"/en/dashboard/province/{PROVINCE}/?sort=;drop&months=7")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_province_open_data_as_csv_and_json(client, world):
    data = client.get(f"/en/dashboard/province/{PROVINCE}/data.json").json()
    assert data["province"] == PROVINCE and data["min_resolved"] == province_figures.MIN_RESOLVED
    by_host = {row["host"]: row for row in data["rows"]}
    assert set(by_host) == {world["a"].hostname, "nongbua.localhost"}
    assert by_host["nongbua.localhost"]["received"] == 15 and by_host["nongbua.localhost"]["p90_days"] == 20.0
    response = client.get(f"/en/dashboard/province/{OTHER_PROVINCE}/data.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["host"], r["enough_data"], r["median_days"], r["received"]) for r in rows] == [
        ("lamphun.localhost", "false", "", "5")
    ]
    assert client.get("/en/dashboard/province/นอกประเทศ/data.json").status_code == 404
    assert client.get("/en/dashboard/province/นอกประเทศ/").status_code == 404


def test_archived_offices_leave_the_province_dashboard(client, world):
    Office.objects.filter(site=world["b"]).update(archived_at="2026-01-01T00:00:00+07:00")
    html = client.get(f"/en/dashboard/province/{PROVINCE}/").content.decode()
    assert province_rows(html) == [world["a"].hostname]


def test_provinces_are_listed(client, world):
    html = client.get("/en/dashboard/provinces/").content.decode()
    assert PROVINCE in html and OTHER_PROVINCE in html


def test_province_figures_cost_the_same_queries_for_two_or_many_offices(world):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            province_figures.compute(PROVINCE)
        return len(captured)

    few = queries()
    for n in range(6):
        office = OfficeFactory(name=f"อบต.เพิ่ม {n}", hostname=f"more{n}.localhost", province=PROVINCE)
        resolved_cases(office.site, 2, took_days=3)
    assert len(province_figures.compute(PROVINCE)["offices"]) == 8
    assert queries() == few == 3


# --- staff: reports, usage, province figures ---------------------------------------------------


def executive_of(office, username):
    """An office administrator who may read the monthly reports."""
    user = office_staff(office, StaffRole.OFFICE_ADMIN, username=username)
    user.user_permissions.add(Permission.objects.get(codename="view_monthlyreport"))
    return user


def reports(world):
    return {
        key: MonthlyReport.objects.create(site=world[key], month="2026-10-01", csv=f"reports/r-{key}.csv")
        for key in ("a", "b", "c")
    }


def test_an_offices_reports_and_usage_are_its_own(client, world, django_assert_max_num_queries):
    made = reports(world)
    PageViewCount.objects.create(site=world["a"], month="2026-10-01", section="services", views=111)
    PageViewCount.objects.create(site=world["b"], month="2026-10-01", section="services", views=222)
    client.force_login(executive_of(world["office_b"], "exec.b"))
    with django_assert_max_num_queries(40):
        listing = client.get("/admin/reports/")
    assert listing.status_code == 200
    assert f"/admin/reports/{made['b'].pk}/csv/" in listing.content.decode()
    assert f"/admin/reports/{made['a'].pk}/csv/" not in listing.content.decode()
    assert not_found(client, f"/admin/reports/{made['a'].pk}/csv/")
    usage_page = client.get("/admin/reports/statistics/").content.decode()
    assert "222" in usage_page and "111" not in usage_page


def test_page_views_are_counted_per_office(client, world):
    agent = {"HTTP_USER_AGENT": "Mozilla/5.0 (Android)"}
    client.get("/th/dashboard/", **agent)
    client.get("/th/dashboard/", **agent, **B_HOST)
    client.get("/th/dashboard/", **agent, **B_HOST)
    assert usage.flush() == 3
    counts = dict(PageViewCount.objects.filter(section="dashboard").values_list("site__hostname", "views"))
    assert counts == {world["a"].hostname: 1, "nongbua.localhost": 2}


def test_a_province_viewer_reads_their_provinces_figures_and_nothing_else(client, world):
    made = reports(world)
    viewer = province_viewer(PROVINCE, username="viewer.cm")
    client.force_login(viewer)
    assert "/admin/province-figures/" in client.get("/admin/").content.decode()  # the menu item
    page = client.get("/admin/province-figures/")
    html = page.content.decode()
    assert page.status_code == 200
    assert sorted(province_rows(html)) == sorted([world["a"].hostname, "nongbua.localhost"])
    assert f"/admin/reports/{made['b'].pk}/csv/" in html and f"/admin/reports/{made['c'].pk}/csv/" not in html
    assert not_found(client, f"/admin/province-figures/?province={OTHER_PROVINCE}")
    assert not_found(client, f"/admin/reports/{made['c'].pk}/csv/")
    # Read-only, and no case or person: the queue, a case, the build form and key admin refuse.
    case = world["b_cases"][0]
    for url in ("/admin/cases/", f"/admin/cases/{case.pk}/", "/admin/reports/build/", "/admin/open311-keys/"):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        if response.status_code == 302:
            assert response["Location"] == "/admin/", url
    assert case.reference not in client.get("/admin/").content.decode()


def test_province_figures_are_not_shown_to_office_staff(client, world):
    officer = office_staff(world["office_b"], StaffRole.OFFICER, username="officer.b")
    client.force_login(officer)
    assert "/admin/province-figures/" not in client.get("/admin/").content.decode()
    refused = client.get("/admin/province-figures/")  # Wagtail sends a refused person to the admin home
    assert refused.status_code == 302 and refused["Location"] == "/admin/"


def test_a_platform_admin_chooses_any_province(client, world):
    admin = get_user_model().objects.create_superuser("platform", password="portal-demo-2569")
    client.force_login(admin)
    html = client.get(f"/admin/province-figures/?province={OTHER_PROVINCE}&sort=-received").content.decode()
    assert province_rows(html) == ["lamphun.localhost"]
    assert "?province=%E0%B8%A5" in html
