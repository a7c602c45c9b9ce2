""" "Need help?" (issue 22, item 2): under every e-form step and on the tracking page, the phone
and hours of the unit responsible for the service (else the office's), its counters, and how to
reach a volunteer; the form engine asks for it through settings.FORMS_BUILDER_HELP without
knowing services, and the box costs no query per field or per step."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.models import OfficeSettings
from tests.factories import DepartmentFactory, GuidePageFactory, ServiceIndexPageFactory
from tests.forms_builder import conftest as form_fixtures
from tests.forms_builder.test_forms_wizard import complaint_steps, start
from tests.services.cases.support import make_world, submit

pytestmark = pytest.mark.django_db

# The form engine's fixtures (a published demo form, private media), shared with its own tests.
_private_media = form_fixtures._private_media
form_index = form_fixtures.form_index
make_form = form_fixtures.make_form


@pytest.fixture
def office(site):
    settings = OfficeSettings.for_site(site)
    settings.name = "เทศบาลตำบลบ้านสวน"
    settings.name_en = "Ban Suan Subdistrict Municipality"
    settings.phone = "0 5312 3456"
    settings.opening_hours = "จันทร์–ศุกร์ 08:30–16:30 น."
    settings.opening_hours_en = "Monday–Friday 08:30–16:30"
    settings.address = "99 หมู่ 1 ตำบลบ้านสวน"
    settings.save()
    return settings


def box(html):
    match = re.search(r'<aside class="need-help".*?</aside>', html, flags=re.S)
    assert match, "no help box on the page"
    return match.group(0)


def guide_for(page, home, department=None, n_items=2):
    index = ServiceIndexPageFactory(parent=home, title="บริการ", slug="services")
    return GuidePageFactory(parent=index, online_form=page, department=department, n_items=n_items)


def test_every_step_shows_the_units_phone_as_a_tel_link_its_counters_and_the_offices_hours(
    client, make_form, home_th, office
):
    works = DepartmentFactory(code="works", name="กองช่าง", name_en="Public Works", phone="053 123 457 ต่อ 12")
    page = make_form("complaint-form")
    guide_for(page, home_th, department=works)
    f = start(client, page)
    what, where, _who = complaint_steps(f)
    for response in (client.get(page.url), f.post(what, {"category": "road", "details": "ถนนเป็นหลุม"})):
        html = box(response.content.decode())
        assert "ต้องการความช่วยเหลือ" in html  # "Need help?" in Thai
        assert "กองช่าง" in html
        assert 'href="tel:053123457,12"' in html
        assert "กองช่าง ช่องที่ 1" in html and "กองช่าง ช่องที่ 2" in html  # the guide's counters
        assert "08:30–16:30" in html
        assert "อาสาสมัคร" in html and 'href="tel:053123456"' in html  # volunteers through the office
        assert 'href="/th/help/"' in html  # the resident's guide


def test_without_a_guide_or_a_unit_the_office_answers(client, make_form, office):
    page = make_form("complaint-form")
    html = box(client.get(page.url).content.decode())
    assert "โทรหาสำนักงาน" in html  # "Call the office:"
    assert 'href="tel:053123456"' in html
    assert "99 หมู่ 1 ตำบลบ้านสวน" in html  # the counter is the office's address


def test_the_box_speaks_english_on_the_english_form(client, make_form, home_th, office):
    works = DepartmentFactory(code="works", name="กองช่าง", name_en="Public Works", phone="053 123 457")
    page, page_en = make_form("complaint-form", english=True)
    guide_for(page, home_th, department=works)
    html = box(client.get(page_en.url).content.decode())
    assert "Need help?" in html and "Call Public Works:" in html
    assert "Monday–Friday 08:30–16:30" in html
    assert "Volunteers" in html and 'href="/en/help/"' in html


def steps_queries(client, page, steps_to_walk):
    """Queries of each GET of the current step, after the first (which warms the caches)."""
    client.get(page.url)
    counts = []
    for _ in range(steps_to_walk):
        with CaptureQueriesContext(connection) as captured:
            client.get(page.url)
        counts.append(len(captured.captured_queries))
    return counts


def test_the_box_adds_no_query_per_step_or_field_once_warm(client, make_form, home_th, office, settings):
    works = DepartmentFactory(code="works", name="กองช่าง", phone="053 123 457")
    page = make_form("complaint-form")
    guide_for(page, home_th, department=works, n_items=3)
    with_box = steps_queries(client, page, 2)
    settings.FORMS_BUILDER_HELP = ""
    client.cookies.clear()
    without_box = steps_queries(client, page, 2)
    assert with_box == without_box, (with_box, without_box)
    # Cold (the cache emptied), the box reads the office's homes and the guides: two queries.
    settings.FORMS_BUILDER_HELP = "services.help.contacts.form_help"
    client.get(page.url)
    warm = steps_queries(client, page, 1)[0]
    cache.delete(f"help:form:{page.get_site().pk}:{page.translation_key}:th")
    with CaptureQueriesContext(connection) as captured:
        assert "need-help" in client.get(page.url).content.decode()
    assert len(captured.captured_queries) - warm == 2


def broken(**kwargs):
    raise RuntimeError("guides database down")


def test_a_failing_helper_never_stops_the_form(client, make_form, settings):
    settings.FORMS_BUILDER_HELP = "tests.services.test_help_box.broken"
    page = make_form("complaint-form")
    response = client.get(page.url)
    assert response.status_code == 200
    assert "need-help" not in response.content.decode()


def test_the_tracking_page_shows_the_cases_unit_and_adds_no_query_once_warm(
    client, home_th, office, django_assert_max_num_queries
):
    world = make_world(home_th)
    world["works"].phone = "053 123 457"
    world["works"].save()
    case, _ = submit(world["form"])
    client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="th")
    # The tracking page's own budget (tests/services/cases/test_tracking_pages.py): two queries.
    with django_assert_max_num_queries(2):
        response = client.get(f"/t/{case.reference}", HTTP_ACCEPT_LANGUAGE="th")
    html = box(response.content.decode())
    assert "กองช่าง" in html and 'href="tel:053123457"' in html
    assert 'id="need-help-case-title"' in html
