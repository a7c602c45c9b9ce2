"""Merging duplicates on the staff side: the queue flags possible duplicates (same service,
within the service's radius, filed within 30 days) in one query per page; an officer marks a
case a duplicate of another from the case page; the duplicate closes with a link its resident
follows; both timelines say so; it can be undone; bad input and a second officer get a message,
never a 500."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services.cases import references, workflow
from services.cases.models import Case, CaseEvent, CaseSettings, CaseStatus
from services.cases.signals import case_merged, case_unmerged
from tests.factories import CaseFactory, GuidePageFactory, OfficeFactory, services_index
from tests.services.cases.support import make_world

pytestmark = pytest.mark.django_db

# A street in the demo town; 0.0001° of latitude is about 11 m.
LAT, LNG = Decimal("13.756300"), Decimal("100.501800")


@pytest.fixture
def world(home_th):
    return make_world(home_th)


@pytest.fixture
def works_client(client, world):
    client.force_login(world["officer_works"])
    return client


def at(north_m=0.0, east_m=0.0):
    lat = LAT + Decimal(north_m / 111_320).quantize(Decimal("0.000001"))
    lng = LNG + Decimal(east_m / 108_130).quantize(Decimal("0.000001"))
    return {"latitude": lat, "longitude": lng}


def report(world, north_m=0.0, east_m=0.0, *, service=None, **fields):
    """A streetlight report at a point, with a reference an officer can type."""
    fields.setdefault("reference", references.generate("BSR", 2026))
    return CaseFactory(service=service or world["service"], **at(north_m, east_m), **fields)


def flagged(html, case):
    """Whether the queue's row of `case` carries the possible-duplicate flag."""
    row = html.split(f'id="case-{case.pk}"', 1)[1].split("</tr>", 1)[0]
    return "case-duplicate-flag" in row


def received(signal):
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    signal.connect(receiver, weak=False)
    return calls, receiver


# --- the queue's flag ---------------------------------------------------------------------------


def test_the_queue_flags_reports_of_the_same_service_nearby_and_recent(works_client, world):
    first = report(world)
    second = report(world, north_m=20)
    far = report(world, north_m=300)
    road = GuidePageFactory(parent=services_index(), slug="road", department=world["works"])
    other_service = report(world, east_m=10, service=road)
    old = report(world, east_m=-10, submitted_at=timezone.now() - datetime.timedelta(days=45))
    html = works_client.get("/admin/cases/").content.decode()
    assert flagged(html, first) and flagged(html, second)
    assert "อาจซ้ำ (ใกล้เคียง 1 เรื่อง)" in html  # the admin speaks Thai by default
    assert not flagged(html, far)
    assert not flagged(html, other_service)
    assert not flagged(html, old)  # 45 days before the others: a new problem at the same spot


def test_a_wider_radius_set_on_the_service_widens_the_flag(works_client, world):
    first, far = report(world), report(world, north_m=120)
    assert not flagged(works_client.get("/admin/cases/").content.decode(), first)
    world["service"].nearby_radius = 150
    world["service"].save()
    html = works_client.get("/admin/cases/").content.decode()
    assert flagged(html, first) and flagged(html, far)


def test_a_merged_case_flags_nothing(works_client, world):
    first, second = report(world), report(world, north_m=20)
    workflow.merge(second, first, world["officer_works"])
    html = works_client.get("/admin/cases/", {"status": ""}).content.decode()
    assert not flagged(html, first) and not flagged(html, second)


@pytest.mark.parametrize("superuser", [False, True])
def test_the_flag_costs_one_query_per_page_whatever_the_number_of_cases(client, world, superuser, django_user_model):
    user = world["officer_works"]
    if superuser:
        user = django_user_model.objects.create_superuser("boss", password="portal-demo-2569")
    client.force_login(user)

    def queue_queries():
        client.get("/admin/cases/", {"per_page": 100})  # warm caches (site settings, permissions)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/admin/cases/", {"per_page": 100})
        return response.content.decode(), len(captured.captured_queries)

    report(world)
    html, one = queue_queries()
    for index in range(29):
        report(world, north_m=5 * index)
    html, thirty = queue_queries()
    assert html.count('name="ids"') == 30
    assert html.count("case-duplicate-flag") == 30
    assert one == thirty
    # The queue's budget (tests/services/cases/test_admin.py: 16) plus the one box query.
    assert thirty <= 17


# --- merging from the case page -----------------------------------------------------------------


def test_the_case_page_lists_possible_duplicates_and_merging_closes_the_duplicate(
    works_client, world, django_capture_on_commit_callbacks
):
    first = report(world)
    second = report(world, north_m=22, status=CaseStatus.IN_PROGRESS)
    page = works_client.get(f"/admin/cases/{second.pk}/").content.decode()
    assert "เรื่องที่อาจซ้ำ" in page
    assert first.reference in page and f"/admin/cases/{first.pk}/" in page
    assert "22 ม." in page

    calls, receiver = received(case_merged)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = works_client.post(
                f"/admin/cases/{second.pk}/", {"action": "merge", "version": second.version, "target": first.pk}
            )
    finally:
        case_merged.disconnect(receiver)
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == CaseStatus.CLOSED
    assert second.duplicate_of == first
    assert first.reference in second.public_reason
    merged = second.events.get(kind=CaseEvent.Kind.MERGED)
    assert merged.public and merged.from_status == CaseStatus.IN_PROGRESS and merged.actor == world["officer_works"]
    note = first.events.get(kind=CaseEvent.Kind.DUPLICATE_ADDED)
    assert not note.public and second.reference in note.message
    assert [(c["case"], c["into"], c["by"]) for c in calls] == [(second, first, world["officer_works"])]

    # The officer sees where it went, on both pages.
    page = works_client.get(f"/admin/cases/{second.pk}/").content.decode()
    assert f'href="/admin/cases/{first.pk}/">{first.reference}</a>' in page
    assert 'name="action" value="unmerge"' in page and 'value="merge"' not in page
    assert second.reference in works_client.get(f"/admin/cases/{first.pk}/").content.decode()


def test_the_duplicates_tracking_page_says_merged_and_links_the_other_report(
    client, world, django_assert_max_num_queries
):
    first, second = report(world), report(world, north_m=10)
    workflow.merge(second, first, world["officer_works"])
    client.get(f"/t/{second.reference}")  # warm the caches every page shares
    with django_assert_max_num_queries(3):  # as any tracking page: the link costs no query
        html = client.get(f"/t/{second.reference}").content.decode()
    assert f'href="/t/{first.reference}"' in html
    assert "เราจึงรวมเข้ากับเรื่องนั้น" in html
    english = client.get(f"/t/{second.reference}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "so we merged it with that report" in english
    # Nothing to reopen or rate on a merged request: its resident follows the other report.
    second.refresh_from_db()
    assert not workflow.can_reopen(second) and not second.can_be_rated()


def test_a_case_is_merged_into_any_case_of_the_office_typed_by_reference(works_client, world):
    first = report(world, north_m=900)  # too far to be offered
    second = report(world)
    response = works_client.post(
        f"/admin/cases/{second.pk}/",
        {"action": "merge", "version": second.version, "reference": first.reference.lower().replace("-", " ")},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.duplicate_of == first


def test_undo_reopens_the_duplicate_where_it_was(works_client, world, django_capture_on_commit_callbacks):
    first = report(world)
    second = report(world, north_m=10, status=CaseStatus.ACCEPTED)
    due = second.due_date
    workflow.merge(second, first, world["officer_works"])
    calls, receiver = received(case_unmerged)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = works_client.post(f"/admin/cases/{second.pk}/", {"action": "unmerge", "version": second.version})
    finally:
        case_unmerged.disconnect(receiver)
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == CaseStatus.ACCEPTED
    assert second.duplicate_of is None and second.public_reason == "" and second.closed_at is None
    assert second.due_date == due  # merged and undone the same day: no working day lost
    undone = second.events.get(kind=CaseEvent.Kind.UNMERGED)
    assert undone.public and undone.to_status == CaseStatus.ACCEPTED
    assert first.events.filter(kind=CaseEvent.Kind.UNMERGED, public=False).count() == 1
    assert [(c["case"], c["into"]) for c in calls] == [(second, first)]
    html = works_client.get("/t/" + second.reference).content.decode()
    assert f'href="/t/{first.reference}"' not in html


# --- refusals -----------------------------------------------------------------------------------


def merge_error(client, case, **data):
    """Post a merge that must be refused: the page comes back (400) with the message, nothing moved."""
    case.refresh_from_db()
    response = client.post(f"/admin/cases/{case.pk}/", {"action": "merge", "version": case.version, **data})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.duplicate_of is None and case.is_open
    return response.content.decode()


def test_bad_references_are_refused_next_to_the_field(works_client, world):
    second = report(world)
    unknown = references.generate("BSR", 2026)
    html = merge_error(works_client, second, reference=unknown)
    assert unknown in html and "error-message" in html
    assert "ไม่มีเรื่องของหน่วยงานนี้ที่คุณดำเนินการได้" in html
    # A typo (the check character catches it) and rubbish get the same answer, not a 500.
    merge_error(works_client, second, reference="BSR-69-XXXXX-0")
    merge_error(works_client, second, reference="' OR 1=1 --")
    # Another office's case, even one the officer could reach otherwise.
    office = OfficeFactory()
    prefix = CaseSettings.for_site(office.site).reference_prefix
    theirs = CaseFactory(site=office.site, reference=references.generate(prefix, 2026))
    html = merge_error(works_client, second, reference=theirs.reference)
    assert "ไม่มีเรื่องของหน่วยงานนี้ที่คุณดำเนินการได้" in html
    # Itself.
    html = merge_error(works_client, second, reference=second.reference)
    assert "เรื่องหนึ่งจะซ้ำกับตัวเองไม่ได้" in html
    # Nothing chosen.
    html = merge_error(works_client, second)
    assert "เลือกเรื่องที่อาจซ้ำ หรือพิมพ์เลขที่เรื่อง" in html


def test_a_target_already_merged_is_refused_so_no_cycle_forms(works_client, world):
    first, second, third = report(world), report(world, north_m=10), report(world, north_m=20)
    workflow.merge(first, second, world["officer_works"])
    html = merge_error(works_client, second, reference=first.reference)  # would make a cycle
    assert f"เรื่อง {first.reference} ถูกรวมกับเรื่องอื่นอยู่แล้ว" in html
    html = merge_error(works_client, third, reference=first.reference)
    assert first.reference in html
    with pytest.raises(workflow.MergeRefused):
        workflow.merge(first, third, world["officer_works"])  # already merged


def test_a_finished_case_cannot_be_merged(works_client, world):
    first = report(world)
    done = report(world, north_m=10, status=CaseStatus.RESOLVED)
    page = works_client.get(f"/admin/cases/{done.pk}/").content.decode()
    assert 'value="merge"' not in page and first.reference in page  # listed, not offered
    response = works_client.post(
        f"/admin/cases/{done.pk}/", {"action": "merge", "version": done.version, "reference": first.reference}
    )
    assert response.status_code == 400
    done.refresh_from_db()
    assert done.duplicate_of is None and done.status == CaseStatus.RESOLVED


def test_two_officers_at_once_get_the_conflict_message(works_client, world):
    first, second, third = report(world), report(world, north_m=10), report(world, north_m=20)
    seen = second.version
    workflow.merge(second, third, world["officer_works"])  # the other officer was faster
    response = works_client.post(f"/admin/cases/{second.pk}/", {"action": "merge", "version": seen, "target": first.pk})
    assert response.status_code == 400
    assert "มีผู้อื่นแก้ไขเรื่องนี้ระหว่างที่คุณกำลังแก้ไข" in response.content.decode()
    second.refresh_from_db()
    assert second.duplicate_of == third
    assert second.events.filter(kind=CaseEvent.Kind.MERGED).count() == 1
    # Undo with a stale version is refused the same way.
    response = works_client.post(f"/admin/cases/{second.pk}/", {"action": "unmerge", "version": seen})
    assert response.status_code == 400
    second.refresh_from_db()
    assert second.duplicate_of == third


def test_only_staff_who_work_both_cases_merge_or_undo(client, world):
    works_case = report(world)
    health_service = GuidePageFactory(parent=services_index(), slug="drain", department=world["health"])
    health_case = CaseFactory(
        service=health_service, reference=references.generate("BSR", 2026), department=world["health"], **at(5)
    )
    client.force_login(world["officer_works"])
    html = merge_error(client, works_case, reference=health_case.reference)
    assert "ไม่มีเรื่องของหน่วยงานนี้ที่คุณดำเนินการได้" in html
    # Merged by someone who works both; the officer of one side cannot undo it.
    workflow.merge(works_case, health_case, world["officer_works"])
    works_case.refresh_from_db()
    response = client.post(f"/admin/cases/{works_case.pk}/", {"action": "unmerge", "version": works_case.version})
    assert response.status_code == 400
    works_case.refresh_from_db()
    assert works_case.duplicate_of == health_case
    # And the health officer does not reach the works case at all.
    client.force_login(world["officer_health"])
    response = client.post(f"/admin/cases/{works_case.pk}/", {"action": "unmerge", "version": 9}, follow=True)
    assert response.status_code == 404


def test_merging_moves_the_version_once(world):
    """The merge writes through the optimistic lock: the version moves once, the row stays."""
    first, second = report(world), report(world, north_m=10)
    version = second.version
    workflow.merge(second, first, world["officer_works"], expected_version=version)
    assert Case.objects.get(pk=second.pk).version == version + 1
    with pytest.raises(workflow.EditConflict):
        workflow.unmerge(second, world["officer_works"], expected_version=version)
