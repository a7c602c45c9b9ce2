"""A problem reported twice and merged counts once: on the public dashboard, in the open data,
in the monthly report's figures (all `stats.compute`) and on the province table. Undoing the
merge counts it again."""

import pytest
from django.utils import timezone

from portal.models import Office
from services.cases import workflow
from services.cases.models import CaseStatus
from services.reporting import province, stats
from tests.factories import CaseFactory
from tests.services.cases.support import make_world
from tests.services.reporting.test_dashboard import dashboard_url, figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    world = make_world(home_th)
    service = world["service"]
    world["first"] = CaseFactory(service=service, status=CaseStatus.IN_PROGRESS)
    world["second"] = CaseFactory(service=service, status=CaseStatus.ACCEPTED)
    world["other"] = CaseFactory(service=service, status=CaseStatus.RESOLVED)
    return world


def counts(figures):
    overall = figures["overall"]
    return overall["received"], overall["resolved"], overall["backlog"]


def test_a_merged_case_counts_once_in_every_figure(world):
    assert counts(stats.compute()) == (3, 1, 2)
    workflow.merge(world["second"], world["first"], world["officer_works"])
    figures = stats.compute()
    assert counts(figures) == (2, 1, 1)
    service = next(s for s in figures["services"] if s["key"] == world["service"].slug)
    assert (service["received"], service["backlog"]) == (2, 1)
    department = next(d for d in figures["departments"] if d["id"] == world["works"].pk)
    assert department["received"] == 2
    this_month = figures["overall"]["months"][-1]
    assert this_month["received"] == 2
    workflow.unmerge(world["second"], world["officer_works"])
    assert counts(stats.compute()) == (3, 1, 2)


def test_a_merged_duplicate_resolved_with_its_case_is_not_resolved_twice(world):
    """Closing the duplicate is not resolving it: only the case it joined is resolved, once."""
    workflow.merge(world["second"], world["first"], world["officer_works"])
    workflow.change_status(world["first"], CaseStatus.RESOLVED, world["officer_works"])
    received, resolved, backlog = counts(stats.compute())
    assert (received, resolved, backlog) == (2, 2, 0)


def test_the_dashboard_and_open_data_count_it_once_as_soon_as_it_is_merged(
    client, world, django_capture_on_commit_callbacks
):
    html = client.get(dashboard_url()).content.decode()
    assert figure(html, "backlog") == "2"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.merge(world["second"], world["first"], world["officer_works"])
    html = client.get(dashboard_url()).content.decode()  # the cached figures were renewed
    assert figure(html, "backlog") == "1"
    rows = client.get("/th/dashboard/data.json").json()["rows"]
    month = timezone.localdate().isoformat()[:7]
    row = next(r for r in rows if r["service_code"] == "all" and r["month"] == month)
    assert row["received"] == 2


def test_the_province_table_counts_it_once(world):
    Office.objects.update_or_create(site=world["site"], defaults={"province": "ลำปาง"})
    workflow.merge(world["second"], world["first"], world["officer_works"])
    (row,) = province.compute("ลำปาง")["offices"]
    assert (row["received"], row["backlog"]) == (2, 1)
