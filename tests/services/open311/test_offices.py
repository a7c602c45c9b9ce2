"""Issue 17 in Open311: each office's host name answers with its own services and requests, a
request is filed into the office it was sent to, and a key works only for its own office."""

import pytest
from django.contrib.auth import get_user_model

from portal.models import Office, StaffRole
from services.cases.models import Case
from services.open311.models import Open311Key
from tests.factories import (
    DepartmentFactory,
    FormIndexPageFactory,
    FormPageFactory,
    OfficeFactory,
    ServiceIndexPageFactory,
    ServicePageFactory,
    office_staff,
)
from tests.services.cases.support import submit
from tests.services.open311.support import STEPS, open311_world

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
B = {"HTTP_HOST": "nongbua.localhost"}


@pytest.fixture
def world(home_th):
    world = open311_world(home_th)
    office = OfficeFactory(name="อบต.หนองบัว", hostname="nongbua.localhost", province="เชียงใหม่", reference_prefix="NBA")
    works = DepartmentFactory(site=office.site, code="works", name="กองช่าง อบต.หนองบัว")
    form = FormPageFactory(
        parent=FormIndexPageFactory(parent=office.home_th, slug="forms"), slug="streetlight-form", steps=STEPS
    )
    form.save_revision().publish()
    services = ServiceIndexPageFactory(parent=office.home_th, title="บริการ", slug="services")
    # The same service code as office A's, and one only office B has.
    for slug, title in (("streetlight-repair", "แจ้งไฟดับ หนองบัว"), ("water-request", "ขอน้ำประปา หนองบัว")):
        ServicePageFactory(parent=services, title=title, slug=slug, department=works, online_form=form)
    key_b, raw_b = Open311Key.issue("LINE OA หนองบัว", office.site)
    world.update(office_b=office, site_b=office.site, form_b=form, api_key_b=raw_b, key_b=key_b)
    return world


def not_found(client, url):
    """A 404 (an admin URL that answers 404 is sent on to the language-prefixed site first)."""
    return client.get(url, follow=True).status_code == 404


def codes(response):
    return sorted(entry["service_code"] for entry in response.json())


def assert_error(response, status, words):
    assert response.status_code == status, response.content
    body = response.json()
    assert body[0]["code"] == status and words in body[0]["description"]


def post(client, api_key, code="streetlight-repair", **host):
    data = {
        "api_key": api_key,
        "service_code": code,
        "lat": "18.790001",
        "long": "98.980002",
        "address_string": "หน้าวัด ซอย 5",
        "first_name": "สมชาย",
        "last_name": "ใจดี",
        "phone": "081-234-5678",
        "attribute[problem]": "off",
        "attribute[consent]": "yes",
    }
    return client.post(f"{BASE}/requests.json", data, **host)


def test_each_office_lists_only_its_own_services(client, world):
    assert codes(client.get(f"{BASE}/services.json")) == ["streetlight-repair"]
    assert codes(client.get(f"{BASE}/services.json", **B)) == ["streetlight-repair", "water-request"]
    names = {e["service_name"] for e in client.get(f"{BASE}/services.json", **B).json()}
    assert names == {"แจ้งไฟดับ หนองบัว", "ขอน้ำประปา หนองบัว"}
    assert client.get(f"{BASE}/services/water-request.json", **B).status_code == 200
    assert_error(client.get(f"{BASE}/services/water-request.json"), 404, "Unknown service_code")


def test_a_request_is_filed_into_the_office_it_was_sent_to(client, world):
    response = post(client, world["api_key_b"], **B)
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()[0]["service_request_id"])
    assert case.site == world["site_b"] and case.reference.startswith("NBA")
    assert case.service.get_site() == world["site_b"]
    # Office B's own service code is unknown on A's host name, whichever key.
    assert_error(post(client, world["api_key"], code="water-request"), 404, "Unknown service_code")
    assert Case.objects.count() == 1


def test_a_key_works_only_on_its_own_offices_host(client, world):
    assert_error(post(client, world["api_key"], **B), 403, "api_key")
    assert_error(post(client, world["api_key_b"]), 403, "api_key")
    assert not Case.objects.exists()
    assert post(client, world["api_key"]).status_code == 201
    assert Case.objects.get().site == world["site"]


def test_an_archived_office_takes_no_requests(client, world):
    Office.objects.filter(site=world["site_b"]).update(archived_at="2026-01-01T00:00:00+07:00")
    # Refused before the API (410, portal's archived-office answer) or by it (403).
    assert post(client, world["api_key_b"], **B).status_code in (403, 410)
    assert not Case.objects.exists()


def test_requests_are_read_per_office(client, world):
    case_a, _receipt = submit(world["form"])
    case_b, _receipt = submit(world["form_b"])
    assert case_b.site == world["site_b"]
    a_refs = [e["service_request_id"] for e in client.get(f"{BASE}/requests.json").json()]
    b_refs = [e["service_request_id"] for e in client.get(f"{BASE}/requests.json", **B).json()]
    assert a_refs == [case_a.reference] and b_refs == [case_b.reference]
    # service_request_id overrides every filter but never the office.
    both = f"{case_a.reference},{case_b.reference}"
    ids = client.get(f"{BASE}/requests.json", {"service_request_id": both}, **B).json()
    assert [e["service_request_id"] for e in ids] == [case_b.reference]
    assert client.get(f"{BASE}/requests/{case_b.reference}.json", **B).status_code == 200
    assert_error(client.get(f"{BASE}/requests/{case_b.reference}.json"), 404, "Unknown service_request_id")
    assert_error(client.get(f"{BASE}/requests/{case_a.reference}.json", **B), 404, "Unknown service_request_id")
    # The shared service code filters each office's own service.
    filtered = client.get(f"{BASE}/requests.json", {"service_code": "streetlight-repair"}, **B).json()
    assert [e["service_request_id"] for e in filtered] == [case_b.reference]


def test_key_admin_lists_and_edits_only_the_users_offices_keys(client, world):
    admin_b = office_staff(world["office_b"], StaffRole.OFFICE_ADMIN, username="admin.b")
    client.force_login(admin_b)
    listing = client.get("/admin/open311-keys/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "LINE OA หนองบัว" in html and world["key"].prefix not in html
    assert not_found(client, f"/admin/open311-keys/edit/{world['key'].pk}/")
    assert not_found(client, f"/admin/open311-keys/delete/{world['key'].pk}/")
    client.post(f"/admin/open311-keys/edit/{world['key'].pk}/", {"name": "renamed"})
    client.post(f"/admin/open311-keys/delete/{world['key'].pk}/")
    assert Open311Key.objects.get(pk=world["key"].pk).name == "LINE OA"
    assert client.get(f"/admin/open311-keys/edit/{world['key_b'].pk}/").status_code == 200
    # Issuing: only B may be chosen; A's id posted by hand is refused next to the field.
    form = client.get("/admin/open311-keys/new/", **B).content.decode()
    assert f'value="{world["site_b"].pk}"' in form and f'value="{world["site"].pk}"' not in form
    refused = client.post("/admin/open311-keys/new/", {"name": "sneaky", "site": world["site"].pk})
    assert refused.status_code == 200 and refused.context["form"].errors["site"]
    assert "sneaky" in refused.content.decode()  # what was typed is kept
    assert not Open311Key.objects.filter(name="sneaky").exists()
    issued = client.post("/admin/open311-keys/new/", {"name": "call centre", "site": world["site_b"].pk})
    assert issued.status_code == 200
    assert Open311Key.objects.get(name="call centre").site == world["site_b"]


def test_a_platform_admin_sees_every_offices_keys(client, world):
    client.force_login(get_user_model().objects.create_superuser("platform", password="portal-demo-2569"))
    html = client.get("/admin/open311-keys/").content.decode()
    assert world["key"].prefix in html and world["key_b"].prefix in html
