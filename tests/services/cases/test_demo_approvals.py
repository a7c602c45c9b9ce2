"""The demo and the starter's building permit (issue 20): the starter's guide publishes each
step's working days and names no approver (a new office has no one holding a role); the demo
marks the permit's signing step for the ปลัดเทศบาล, whose demo login (`palad`) finds a permit
request in "awaiting my approval" — and loading the demo again changes nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from portal.demo import DEMO_PASSWORD
from portal.starter import load_starter
from services.cases.models import ApprovalRole, CaseStage, StageStatus
from services.models import ServicePage
from tests.portal.test_starter import new_office

pytestmark = pytest.mark.django_db


def permit_guide(site):
    return ServicePage.objects.descendant_of(site.root_page).get(slug="building-permit")


def permit_steps(site):
    thai = permit_guide(site)
    return {
        page.locale.language_code: [dict(block.value) for block in page.steps]
        for page in thai.get_translations(inclusive=True).specific()
    }


def test_the_starters_building_permit_publishes_its_steps_days_and_no_approver(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    site = new_office()
    load_starter(site, io.StringIO())
    steps = permit_steps(site)
    assert set(steps) == {"th", "en"}
    for language_steps in steps.values():
        assert [step["duration_days"] for step in language_steps] == [1, 7, 30, 6, 1]  # 45 days, as published
        assert not any(step.get("approval_role") for step in language_steps)
    assert not ApprovalRole.objects.filter(site=site).exists()


def test_the_demos_palad_finds_a_building_permit_awaiting_their_approval(demo):
    from wagtail.models import Site  # noqa: PLC0415 - after the demo fixture restored the tables

    site = Site.objects.get(is_default_site=True)
    for language_steps in permit_steps(site).values():
        assert language_steps[3]["approval_role"] == "clerk" and language_steps[3]["duration_days"] == 6
    role = ApprovalRole.objects.get(site=site, key="clerk")
    assert role.name == "ปลัดเทศบาล" and [u.username for u in role.members.all()] == ["palad"]
    assert ApprovalRole.objects.filter(site=site).count() == 4

    waiting = CaseStage.objects.get(status=StageStatus.AWAITING_APPROVAL, case__site=site)
    assert waiting.approval_role == "clerk" and waiting.case.service_title.startswith("ขออนุญาตก่อสร้างอาคาร")

    user = get_user_model().objects.get(username="palad")
    assert user.check_password(DEMO_PASSWORD) and user.first_name == "อำนาจ"  # the README's login
    palad = Client()
    palad.force_login(user)
    page = palad.get("/admin/cases/approvals/")
    assert page.status_code == 200 and waiting.case.reference in page.content.decode()

    revisions = permit_guide(site).revisions.count()
    call_command("load_demo", stdout=io.StringIO())
    assert CaseStage.objects.filter(status=StageStatus.AWAITING_APPROVAL, case__site=site).count() == 1
    assert permit_guide(site).revisions.count() == revisions
    assert role.members.count() == 1
