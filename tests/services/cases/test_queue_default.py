"""The queue opens on the open cases, soonest due first; closed ones are one choice away."""

import pytest

from services.cases import workflow
from services.cases.models import Case, CaseStatus
from tests.services.cases.support import make_world, submit

pytestmark = pytest.mark.django_db


def test_queue_opens_on_open_cases_soonest_due_first(client, home_th):
    world = make_world(home_th)
    closed, _ = submit(world["form"], phone="0811111111")
    workflow.change_status(closed, CaseStatus.REJECTED, message="ซ้ำ", reject_reason="duplicate")
    workflow.change_status(Case.objects.get(pk=closed.pk), CaseStatus.CLOSED, message="ปิดเรื่อง")
    later, _ = submit(world["form"], phone="0822222222")
    sooner, _ = submit(world["form"], phone="0833333333")
    # The closed case has the oldest due date: before, it opened the queue.
    for case, due in ((closed, "2025-01-06"), (later, "2030-01-10"), (sooner, "2030-01-03")):
        Case.objects.filter(pk=case.pk).update(due_date=due)
    client.force_login(world["officer_works"])

    html = client.get("/admin/cases/").content.decode()
    assert closed.reference not in html
    assert html.index(sooner.reference) < html.index(later.reference)
    assert '<option value="open" selected>' in html  # the filter says what is shown

    # Every filter still works, and "Any" status brings the closed ones back.
    everything = client.get("/admin/cases/", {"status": ""}).content.decode()
    assert closed.reference in everything
    assert client.get("/admin/cases/", {"status": "closed"}).content.decode().count('name="ids"') == 1
    # Looking a case up by its reference finds it whatever its status.
    found = client.get("/admin/cases/", {"q": closed.reference, "status": "open"}).content.decode()
    assert closed.reference in found
    # The export follows what the queue shows.
    export = b"".join(client.get("/admin/cases/", {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert closed.reference not in export and sooner.reference in export
