"""The public dashboard: figures equal the hand-computed values for a fixed set of cases, the
page shows them with charts and tables, the cache holds them and is invalidated by changes."""

import csv
import io
import json
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import hooks

from services.cases import workflow
from services.cases.models import CaseStatus
from services.reporting import monthly, stats
from services.reporting.charts import bar_chart
from services.reporting.views import DASHBOARD_SECTIONS_HOOK
from tests.services.cases.support import make_world
from tests.services.reporting.support import TODAY, fixed_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    world = make_world(home_th)
    fixed_cases(world)
    return world


def month(figures, key, entry=None):
    months = (entry or figures["overall"])["months"]
    return next(m for m in months if m["month"] == key)


def test_overall_figures_equal_hand_computed_values(world):
    figures = stats.compute(today=TODAY)
    assert figures["months"][0] == "2025-12" and figures["months"][-1] == "2026-11"
    overall = figures["overall"]
    # received: 1,2,3,4,5,7 · resolved in window: 1,2,3,6,7 with days [2,10,4,12,1]
    assert overall["received"] == 6
    assert overall["resolved"] == 5
    assert overall["median_days"] == 4.0
    assert overall["p90_days"] == 12.0  # nearest rank: ceil(0.9 × 5) = 5th of [1,2,4,10,12]
    assert overall["within_sla_pct"] == 40.0  # cases 1 and 7 of 5
    assert overall["satisfaction"] == 4.0  # (5 + 3 + 4 + 4) / 4
    assert overall["ratings"] == 4
    assert overall["backlog"] == 2  # cases 4 and 8


def test_monthly_figures(world):
    figures = stats.compute(today=TODAY)
    october = month(figures, "2026-10")
    assert (october["received"], october["resolved"]) == (2, 2)
    assert (october["median_days"], october["p90_days"]) == (6.0, 10.0)
    assert (october["within_sla_pct"], october["satisfaction"]) == (50.0, 4.0)
    november = month(figures, "2026-11")
    assert (november["received"], november["resolved"]) == (4, 2)
    assert (november["median_days"], november["p90_days"], november["within_sla_pct"]) == (2.5, 4.0, 50.0)
    december = month(figures, "2025-12")
    assert (december["received"], december["resolved"], december["p90_days"], december["within_sla_pct"]) == (
        0,
        1,
        12.0,
        0.0,
    )
    empty = month(figures, "2026-03")
    assert empty["received"] == 0 and empty["median_days"] is None and empty["within_sla_pct"] is None


def test_per_service_and_department_figures(world):
    figures = stats.compute(today=TODAY)
    streetlight = next(s for s in figures["services"] if s["key"] == "streetlight-repair")
    assert streetlight["name"] == {"th": "แจ้งซ่อมไฟฟ้าสาธารณะ", "en": "Broken streetlight"}
    assert (streetlight["received"], streetlight["resolved"]) == (5, 4)
    assert (streetlight["median_days"], streetlight["p90_days"]) == (7.0, 12.0)  # [2,4,10,12]
    assert streetlight["within_sla_pct"] == 25.0
    assert streetlight["satisfaction"] == 4.0  # (5 + 3 + 4) / 3
    assert streetlight["backlog"] == 2
    other = next(s for s in figures["services"] if s["key"] == "t:คำร้องทั่วไป")
    assert (other["received"], other["resolved"], other["median_days"], other["within_sla_pct"]) == (1, 1, 1.0, 100.0)
    works = next(d for d in figures["departments"] if d["id"] == world["works"].pk)
    assert (works["received"], works["resolved"], works["backlog"]) == (5, 4, 2)


def test_percentile_and_median_helpers():
    assert stats.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert stats.percentile([5], 90) == 5
    assert stats.percentile([], 90) is None
    assert stats.median([3, 1, 2, 10]) == 2.5


def dashboard_url(lang="th"):
    return f"/{lang}/dashboard/"


def figure(html, name):
    marker = f'data-figure="{name}">'
    start = html.index(marker) + len(marker)
    return html[start : html.index("<", start)]


@pytest.fixture
def frozen_today():
    with mock.patch("services.reporting.stats.timezone.localdate", return_value=TODAY):
        yield


def test_dashboard_page_shows_the_figures_with_charts_and_tables(client, world, frozen_today):
    response = client.get(dashboard_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert figure(html, "received") == "6"
    assert figure(html, "resolved") == "5"
    assert figure(html, "median_days") == "4.0"
    assert figure(html, "p90_days") == "12.0"
    assert figure(html, "within_sla_pct") == "40.0%"
    assert figure(html, "satisfaction") == "4.0"
    assert figure(html, "backlog") == "2"
    assert html.count("<svg") == 4 and "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    assert html.count("<caption>") >= 5
    assert "พ.ย. 69" in html  # month labels in the Buddhist Era
    assert "แจ้งซ่อมไฟฟ้าสาธารณะ" in html
    assert " style=" not in html.split("<main", 1)[1]


def test_dashboard_for_one_service_and_in_english(client, world, frozen_today):
    html = client.get(dashboard_url("en"), {"service": "streetlight-repair"}).content.decode()
    assert "Broken streetlight" in html
    assert figure(html, "received") == "5"
    assert figure(html, "median_days") == "7.0"
    assert "Nov 26" in html
    # An unknown service falls back to every service rather than failing.
    html = client.get(dashboard_url("en"), {"service": "<script>"}).content.decode()
    assert figure(html, "received") == "6"


def test_an_area_adds_its_table_to_the_dashboard(client, world, frozen_today):
    """An area's table (registered with the hook) is shown, escaped, each value labelled with its
    heading for narrow screens; an area with nothing to count says so."""

    def sections(site):
        return [
            monthly.Section("Fixes <checked>", ["Department", "Confirmed"], [["Roads & drains", 3]]),
            monthly.Section("Referred", ["Agency", "Cases"], []),
        ]

    with hooks.register_temporarily(DASHBOARD_SECTIONS_HOOK, sections):
        html = client.get(dashboard_url("en")).content.decode()
    assert "Fixes &lt;checked&gt;</h2>" in html
    assert '<th scope="row" data-label="Department">Roads &amp; drains</th><td data-label="Confirmed">3</td>' in html
    assert "Nothing to count yet." in html


def test_dashboard_queries_are_bounded_and_cached(client, world, django_assert_max_num_queries):
    # 13: one is portal/archived.py's check whether the request's office is archived (issue 17);
    # +2 for the fixes and referrals table (services/reporting/fixes.py: events, after photos);
    # +1 for the cases passed to outside agencies (services/agencies/figures.py).
    # +5 for satisfaction, users against the target and the channel mix (services/feedback/
    # figures.py: the target setting, channels per month, counter visits, communities, answers).
    with django_assert_max_num_queries(21):
        assert client.get(dashboard_url()).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(dashboard_url()).status_code == 200
    assert not [q for q in queries.captured_queries if "services_case" in q["sql"]]


def test_resolving_a_case_refreshes_the_cached_figures(client, world, django_capture_on_commit_callbacks):
    html = client.get(dashboard_url()).content.decode()
    before = int(figure(html, "resolved"))
    case = world["service"].cases.get(status=CaseStatus.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.change_status(case, CaseStatus.RESOLVED, world["officer_works"])
    html = client.get(dashboard_url()).content.decode()
    assert int(figure(html, "resolved")) == before + 1
    assert figure(html, "backlog") == "1"


def test_open_data_csv_and_json(client, world, frozen_today):
    response = client.get("/th/dashboard/data.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 12 * 2  # "all" and the streetlight service (requests without a page stay in "all")
    october = next(r for r in rows if r["service_code"] == "all" and r["month"] == "2026-10")
    assert october["received"] == "2" and october["median_days"] == "6.0" and october["within_sla_pct"] == "50.0"
    # Under 3 ratings the mean is withheld.
    assert october["ratings"] == "2" and october["satisfaction"] == ""
    assert "creativecommons.org/licenses/by/4.0" in response["Link"]
    # Nothing personal is published.
    for needle in ("สมหญิง", "0812345678", "ซอย 3", "BSR-69", "18.78"):
        assert needle not in text
    payload = json.loads(client.get("/en/dashboard/data.json").content)
    assert payload["licence"]["url"].endswith("/by/4.0/")
    assert {f["name"] for f in payload["fields"]} >= {"month", "received", "p90_days", "within_sla_pct"}
    assert len(payload["rows"]) == 24


def test_data_dictionary_page(client, world):
    html = client.get("/th/dashboard/data/").content.decode()
    assert "p90_days" in html and "CC BY 4.0" in html and "<caption>" in html


def test_chart_escapes_labels_and_skips_missing_values():
    svg = str(bar_chart('<b>"x"</b>', ["ม.ค.", "<i>"], [("A&B", [3, None], "bar-a")]))
    assert "<b>" not in svg and "&lt;i&gt;" in svg and "A&amp;B" in svg
    assert svg.count('class="chart-bar bar-a" x=') == 1  # one bar: None leaves a gap, printed "–"
    assert '<span class="chart-swatch bar-a"></span>A&amp;B</li>' in svg  # the key, in HTML so it wraps
    assert ">–</text>" in svg and 'font-size="' not in svg and "viewBox" not in svg  # never scaled down
    assert "<script" not in svg and "style=" not in svg
