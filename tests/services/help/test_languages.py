"""The help box on a Burmese, Khmer or Lao page: an office keeps its departments' names in Thai
and English only, so the box names the unit in English with its Thai name beside it (what the
resident says on the phone or shows at the counter), and never a bare English name alone."""

import pytest
from django.utils import translation

from services.cases.models import Case
from services.help.contacts import unit_name
from tests.factories import DepartmentFactory
from tests.services.cases.support import make_world, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "shown"),
    [("th", "กองช่าง"), ("en", "Public Works"), ("my", "Public Works (กองช่าง)"), ("lo", "Public Works (กองช่าง)")],
)
def test_the_units_name_in_each_language(site, language, shown):
    works = DepartmentFactory(site=site, code="works", name="กองช่าง", name_en="Public Works")
    with translation.override(language):
        assert unit_name(works) == shown


def test_without_an_english_name_the_thai_one_stands_alone(site):
    works = DepartmentFactory(site=site, code="works", name="กองช่าง", name_en="")
    with translation.override("km"):
        assert unit_name(works) == "กองช่าง"


def test_the_khmer_tracking_page_names_the_unit_with_its_thai_name(client, home_th):
    world = make_world(home_th)
    world["works"].phone = "053 123 457"
    world["works"].save()
    case, _receipt = submit(world["form"])
    case = Case.objects.get(pk=case.pk)
    html = client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="km").content.decode()
    assert "Public Works (กองช่าง)" in html
