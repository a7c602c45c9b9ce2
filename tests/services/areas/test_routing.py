"""Routing by answer and area on filing (issue 18 §5), through the real intake: the complaint's
"kind of problem" and the community its pin lies in choose the department's queue; the first
matching rule wins; broken rules and other offices' rules are skipped; a pin outside every area
is accepted, routed by the default chain, and the officers are told."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Site

from forms_builder.fields import build_definition
from forms_builder.models import FormPage
from services.areas.models import Area, RoutingRule
from services.areas.routing import match_area, rule_department
from services.cases.models import Case, CaseEvent
from tests.factories import DepartmentFactory, OfficeFactory
from tests.services.areas.support import (
    IN_MARKET_ISLAND,
    IN_PARK,
    IN_RIVERSIDE,
    OUTSIDE,
    file,
    make_areas_world,
)
from tests.services.cases.support import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    return make_areas_world(home_th)


def rule(world, department, answer="", area=None, order=0, **fields):
    return RoutingRule.objects.create(
        site=world["site"],
        service=world["complaint"],
        field_key="category" if answer else "",
        answer=answer,
        area=area,
        department=department,
        sort_order=order,
        **fields,
    )


def queue(client, officer):
    client.force_login(officer)
    return client.get("/admin/cases/").content.decode()


def test_a_garbage_complaint_lands_in_the_health_queue_without_anyone_touching_it(client, world):
    rule(world, world["health"], answer="garbage", order=1)
    rule(world, world["works"], answer="road", order=2)
    garbage = file(world, "garbage")
    road = file(world, "road")
    noise = file(world, "noise")
    assert garbage.department == world["health"]
    assert road.department == world["works"]
    assert noise.department == world["clerk"]  # no rule: the service's own department
    assert garbage.reference in queue(client, world["officer_health"])
    assert garbage.reference not in queue(client, world["officer_works"])


def test_the_first_matching_rule_wins(world):
    rule(world, world["works"], answer="garbage", order=2)
    rule(world, world["health"], answer="garbage", order=1)
    assert file(world, "garbage").department == world["health"]


def test_an_area_rule_routes_only_pins_inside_the_area(world):
    rule(world, world["works"], area=world["riverside"], order=1)
    rule(world, world["health"], answer="garbage", order=2)
    inside = file(world, "garbage", at=IN_RIVERSIDE)
    in_hole = file(world, "garbage", at=IN_PARK)
    assert (inside.area, inside.department) == (world["riverside"], world["works"])
    assert (in_hole.area, in_hole.department) == (None, world["health"])


def test_an_answer_and_area_rule_needs_both(world):
    rule(world, world["works"], answer="garbage", area=world["market"], order=1)
    assert file(world, "garbage", at=IN_MARKET_ISLAND).department == world["works"]
    assert file(world, "road", at=IN_MARKET_ISLAND).department == world["clerk"]
    assert file(world, "garbage", at=IN_RIVERSIDE).department == world["clerk"]


def test_a_point_is_stored_with_its_area_and_none_without_a_point(world):
    case = file(world, "water", at=IN_MARKET_ISLAND)
    assert Case.objects.get(pk=case.pk).area == world["market"]
    assert file(world, "water").area is None


def test_a_pin_outside_every_area_is_accepted_routed_by_default_and_flagged_for_officers(client, world):
    rule(world, world["works"], area=world["riverside"], order=1)
    case = file(world, "road", at=OUTSIDE)
    assert case.area is None and case.department == world["clerk"]
    note = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.NOTE)
    assert not note.public and not note.for_resident and "นอกพื้นที่" in note.message
    assert "นอกพื้นที่" not in client.get(reverse("case_track", args=[case.reference])).content.decode()
    # Inside an area, or with no pin at all: no such note.
    assert not CaseEvent.objects.filter(case=file(world, "road", at=IN_RIVERSIDE), kind=CaseEvent.Kind.NOTE).exists()
    assert not CaseEvent.objects.filter(case=file(world, "road"), kind=CaseEvent.Kind.NOTE).exists()


def test_broken_rules_are_skipped(world):
    gone = DepartmentFactory(site=world["site"], code="gone", name="กองที่ยุบ")
    rule(world, gone, answer="garbage", order=1)
    rule(world, world["works"], answer="pothole", order=2)  # an answer the form never offered
    stale_key = rule(world, world["works"], answer="garbage", order=3)
    RoutingRule.objects.filter(pk=stale_key.pk).update(field_key="kind")  # a question since removed
    doomed_area = world["riverside"]
    rule(world, world["works"], area=doomed_area, order=4)
    rule(world, world["health"], answer="garbage", order=5)
    gone.delete()
    doomed_area.delete()
    case = file(world, "garbage", at=IN_RIVERSIDE)
    assert case.department == world["health"]


def test_another_offices_rule_never_applies(world):
    office = OfficeFactory()
    theirs = DepartmentFactory(site=office.site, code="works", name="กองช่างอื่น")
    # Even a rule of theirs naming our service (made by hand: the admin would not offer it).
    RoutingRule.objects.create(
        site=office.site, service=world["complaint"], field_key="category", answer="garbage", department=theirs
    )
    rule(world, theirs, answer="garbage", order=0)  # ours, but naming their department: broken
    assert file(world, "garbage").department == world["clerk"]


def test_routing_and_matching_take_a_fixed_number_of_queries(world):
    for order in range(20):
        rule(world, world["health"], answer="other", order=order)
    rule(world, world["works"], area=world["market"], order=99)
    submission_case = file(world, "road", at=IN_MARKET_ISLAND)
    assert submission_case.department == world["works"]
    submission = submission_case.submission
    with CaptureQueriesContext(connection) as matching:
        area = match_area(world["site"].pk, submission.latitude, submission.longitude)
    assert area == world["market"] and len(matching) == 1
    with CaptureQueriesContext(connection) as routing:
        assert rule_department(world["site"].pk, world["complaint"], submission, area) == world["works"]
    assert len(routing) == 1


def test_the_demo_has_its_communities_and_sends_each_kind_of_problem_to_its_division(demo):
    site = Site.objects.get(is_default_site=True)
    assert Area.objects.filter(site=site).count() == 8
    rules = {r.answer: r.department.code for r in RoutingRule.objects.filter(site=site)}
    assert rules == {"garbage": "health", "noise": "health", "road": "works", "water": "works", "other": "clerk"}
    form = FormPage.objects.descendant_of(site.root_page).get(slug="complaint-form")
    community = Area.objects.get(site=site, name="ชุมชนตลาดเก่า")
    centre = (
        (community.min_latitude + community.max_latitude) / 2,
        (community.min_longitude + community.max_longitude) / 2,
    )
    case, _receipt = submit(
        form,
        form_snapshot=build_definition(form),
        answers={"category": "garbage", "details": "ขยะ", "phone": "0812345678"},
        latitude=Decimal(f"{centre[0]:.6f}"),
        longitude=Decimal(f"{centre[1]:.6f}"),
    )
    assert case.department.code == "health" and case.area == community
    # Each community has its English name for the English pages.
    assert Area.objects.filter(site=site, name_en="").count() == 0
    assert Area.objects.get(site=site, name="ชุมชนตลาดเก่า").name_en == "Talat Kao (Old Market) Community"


def test_the_demo_complaints_are_of_every_kind_and_routed_by_it(demo):
    """The demo's complaints answer the kind of problem their words describe, so the routing
    rules visibly send them to different divisions (they all said "road" before)."""
    site = Site.objects.get(is_default_site=True)
    complaints = Case.objects.filter(site=site, submission__form_page__slug="complaint-form").select_related(
        "submission", "department"
    )
    kinds = {}
    for case in complaints:
        kinds.setdefault(case.submission.answers["category"], set()).add(case.department.code)
    assert set(kinds) == {"garbage", "noise", "road", "water", "other"}
    assert kinds == {
        "garbage": {"health"},
        "noise": {"health"},
        "road": {"works"},
        "water": {"works"},
        "other": {"clerk"},
    }
