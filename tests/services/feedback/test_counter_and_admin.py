"""Issue 22 §5: the counter QR's questionnaire for visits without a request, its posters, and the
staff's listing of their office's answers."""

import pytest
from django.urls import reverse

from services.feedback import views
from services.feedback.models import Answer, Source
from tests.factories import DepartmentFactory, OfficeFactory, StaffFactory
from tests.services.cases.support import make_world

pytestmark = pytest.mark.django_db

VISIT = {"ease": "5", "speed": "4", "staff": "5", "overall": "5", "comment": "บริการดี"}


@pytest.fixture
def world(home_th):
    return make_world(home_th)


def test_a_visitor_answers_from_the_counter_qr_with_the_department_chosen(client, world):
    page = client.get("/th/feedback/visit/?department=health").content.decode()
    assert f'<option value="{world["health"].pk}" selected>' in page
    response = client.post("/th/feedback/visit/?department=health", {**VISIT, "department": world["health"].pk})
    assert response.status_code == 200 and "ขอบคุณ" in response.content.decode()
    answer = Answer.objects.get()
    assert answer.case is None and answer.source == Source.COUNTER
    assert answer.department == world["health"] and answer.overall == 5


def test_the_counter_form_says_what_is_missing_and_refuses_another_offices_department(client, world):
    other = DepartmentFactory(site=OfficeFactory().site, code="other", name="กองอื่น")
    response = client.post("/en/feedback/visit/", {**VISIT, "department": other.pk})
    assert response.status_code == 400
    assert "Choose the department you visited." in response.content.decode()
    long = client.post("/th/feedback/visit/", {**VISIT, "department": world["works"].pk, "comment": "x" * 100_000})
    assert long.status_code == 400 and 'id="id_comment-error"' in long.content.decode()
    assert not Answer.objects.exists()


def test_one_browser_is_limited_but_neighbours_on_one_address_are_not(client, world, settings, monkeypatch):
    monkeypatch.setattr(views, "VISITS_PER_SESSION", 2)
    data = {**VISIT, "department": world["works"].pk}
    assert client.post("/th/feedback/visit/", data).status_code == 200
    assert client.post("/th/feedback/visit/", data).status_code == 200
    assert client.post("/th/feedback/visit/", data).status_code == 429
    # Another browser behind the same address (a village's Wi-Fi) still answers.
    from django.test import Client

    assert Client().post("/th/feedback/visit/", data).status_code == 200
    assert Answer.objects.count() == 3


def test_staff_print_the_counter_posters_of_their_office(client, world):
    client.force_login(world["officer_works"])
    page = client.get(reverse("feedback_counter_qr")).content.decode()
    assert page.count("<svg") >= 3  # the whole office, works, health
    assert "/th/feedback/visit/?department=works" in page


def test_staff_list_their_offices_answers_only(client, world):
    Answer.objects.create(
        site=world["site"], source=Source.COUNTER, department=world["works"], overall=4, comment="ของเรา"
    )
    other = OfficeFactory().site
    Answer.objects.create(site=other, source=Source.COUNTER, overall=1, comment="ของสำนักงานอื่น")
    client.force_login(world["officer_works"])
    page = client.get(reverse("feedback_answers:index")).content.decode()
    assert "ของเรา" in page and "ของสำนักงานอื่น" not in page
    filtered = client.get(reverse("feedback_answers:index") + f"?department={world['health'].pk}").content.decode()
    assert "ของเรา" not in filtered
    resident = StaffFactory(username="nobody", departments=[])
    client.force_login(resident)
    assert client.get(reverse("feedback_counter_qr")).status_code in (302, 403)
