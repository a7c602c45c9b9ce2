"""Flagged after photos in the staff queue (issue 21 §2): a marker on the row and the filter
"fixes to check", at the queue's usual query cost."""

import pytest

from services.cases import evidence, workflow
from services.cases.models import CaseStatus
from tests.services.cases.evidence_support import bare_photo, upload
from tests.services.cases.support import make_world, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    return make_world(home_th)


def fixed(world, phone, photo):
    case, _ = submit(world["form"], phone=phone)
    officer = world["officer_works"]
    workflow.change_status(case, CaseStatus.ACCEPTED, officer)
    recorded = evidence.record_photo(case, upload(photo), role="after", user=officer)
    return workflow.change_status(case, CaseStatus.RESOLVED, officer, message="ซ่อมแล้ว", after_photo=recorded)


def test_fixes_to_check_are_marked_and_filtered_at_the_queues_cost(client, world, django_assert_max_num_queries):
    flagged = [fixed(world, f"0811111{index:03d}", bare_photo(f"#{index:02x}0000")) for index in range(6)]
    untouched = [submit(world["form"], phone=f"0822222{index:03d}")[0] for index in range(4)]
    client.force_login(world["officer_works"])
    client.get("/admin/cases/")  # warm caches (site settings, permissions)
    with django_assert_max_num_queries(16):  # as the plain queue (tests/services/cases/test_admin.py)
        response = client.get("/admin/cases/", {"check": "flagged", "per_page": 100})
    html = response.content.decode()
    assert html.count('name="ids"') == len(flagged)  # resolved ones: the filter looks past "open"
    assert html.count('class="case-check-fix-flag"') == len(flagged)
    assert all(case.reference in html for case in flagged)
    assert not any(case.reference in html for case in untouched)
    with django_assert_max_num_queries(16):
        html = client.get("/admin/cases/", {"status": "", "per_page": 100}).content.decode()
    assert html.count('name="ids"') == 10 and html.count('class="case-check-fix-flag"') == 6
