"""Open311 GeoReport v2: services from the forms, requests with the standard's filters and no
personal data, errors in the standard's body, and filing a real case with an API key."""

import datetime
import json
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from services.cases.models import Case, CaseEvent, CaseStatus
from services.open311.models import Open311Key
from tests.services.cases.support import submit
from tests.services.open311.support import open311_world

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


@pytest.fixture
def world(home_th):
    return open311_world(home_th)


def get(client, path, **params):
    return client.get(f"{BASE}/{path}", params)


def assert_error(response, status, words):
    assert response.status_code == status
    body = response.json()
    assert body[0]["code"] == status and words in body[0]["description"]


def test_discovery_and_services(client, world):
    discovery = get(client, "discovery.json").json()
    assert discovery["endpoints"][0]["url"] == "http://testserver/open311/v2"
    services = get(client, "services.json").json()
    assert services == [
        {
            "service_code": "streetlight-repair",
            "service_name": "แจ้งซ่อมไฟฟ้าสาธารณะ",
            "description": "ซ่อมไฟถนน",
            "metadata": True,
            "type": "realtime",
            "keywords": "",
            "group": "",
        }
    ]
    xml = ET.fromstring(get(client, "services.xml").content)  # noqa: S314 - our own response
    assert xml.tag == "services" and xml.find("service/service_code").text == "streetlight-repair"


def test_service_definition_comes_from_the_form(client, world):
    definition = get(client, "services/streetlight-repair.json").json()
    attributes = {a["code"]: a for a in definition["attributes"]}
    # Location, name and phone are filled from the standard's own parameters, not attributes.
    assert set(attributes) == {"problem", "pole_number", "noticed", "consent"}
    assert attributes["problem"]["datatype"] == "singlevaluelist"
    assert attributes["problem"]["values"] == [{"key": "off", "name": "ไฟดับ"}, {"key": "flicker", "name": "ไฟกะพริบ"}]
    assert attributes["problem"]["required"] is True and attributes["pole_number"]["required"] is False
    assert attributes["noticed"]["datatype"] == "datetime"
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3, 4]
    assert_error(get(client, "services/no-such-service.json"), 404, "Unknown service_code")


def test_requests_show_no_personal_data_and_round_public_locations(client, world):
    case, _receipt = submit(world["form"], latitude="18.788345", longitude="98.985123")
    data = get(client, "requests.json").json()
    assert len(data) == 1
    entry = data[0]
    assert entry["service_request_id"] == case.reference
    assert entry["status"] == "open"
    assert entry["service_code"] == "streetlight-repair"
    assert entry["agency_responsible"] == "กองช่าง"
    assert (entry["lat"], entry["long"]) == (18.788, 98.985)
    raw = json.dumps(data, ensure_ascii=False)
    for secret in ("สมหญิง", "0812345678", "ซอย 3", "ไฟดับหน้าบ้าน", "18.788345"):
        assert secret not in raw
    assert get(client, f"requests/{case.reference}.json").json()[0]["service_request_id"] == case.reference


def test_no_coordinates_for_services_about_homes(client, world):
    world["service"].slug = "building-permit"
    world["service"].save_revision().publish()
    submit(world["form"], latitude="18.788345", longitude="98.985123")
    entry = get(client, "requests.json").json()[0]
    assert "lat" not in entry and "long" not in entry and "address" not in entry


def test_request_filters(client, world):
    old, _ = submit(world["form"])
    Case.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=120), status=CaseStatus.RESOLVED
    )
    recent, _ = submit(world["form"])
    no_service, _ = submit(None)
    refs = lambda response: {r["service_request_id"] for r in response.json()}  # noqa: E731
    # Default window: the last 90 days.
    assert refs(get(client, "requests.json")) == {recent.reference, no_service.reference}
    assert refs(get(client, "requests.json", service_code="streetlight-repair")) == {recent.reference}
    start = (timezone.now() - datetime.timedelta(days=150)).date().isoformat()
    end = (timezone.now() - datetime.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    assert refs(get(client, "requests.json", start_date=start, end_date=end)) == {old.reference}
    assert refs(get(client, "requests.json", start_date=start, end_date=end, status="open")) == set()
    assert refs(get(client, "requests.json", start_date=start, end_date=end, status="closed")) == {old.reference}
    # service_request_id overrides every other filter, including the window.
    both = f"{old.reference},{recent.reference}"
    assert refs(get(client, "requests.json", service_request_id=both, status="open")) == {
        old.reference,
        recent.reference,
    }
    xml = ET.fromstring(get(client, "requests.xml", service_request_id=recent.reference).content)  # noqa: S314 - our own response
    assert xml.tag == "service_requests" and xml.find("request/status").text == "open"


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"start_date": "yesterday"}, 400, "start_date is not a date"),
        ({"end_date": "2026-13-45"}, 400, "end_date is not a date"),
        ({"start_date": "2026-01-01", "end_date": "2026-06-01"}, 400, "more than 90 days"),
        ({"start_date": "2026-06-01", "end_date": "2026-01-01"}, 400, "after end_date"),
        ({"service_code": "nope"}, 400, "Unknown service_code"),
        ({"status": "pending"}, 400, "status must be"),
    ],
)
def test_bad_filters_get_the_standard_error_body(client, world, params, status, words):
    assert_error(get(client, "requests.json", **params), status, words)


def test_unknown_request_and_format_and_xml_errors(client, world):
    assert_error(get(client, "requests/BSR-00-NOPE-X.json"), 404, "Unknown service_request_id")
    assert get(client, "requests.csv").status_code == 404
    response = get(client, "requests.xml", start_date="nonsense")
    assert response.status_code == 400
    error = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert error.tag == "errors" and error.find("error/code").text == "400"


def post(client, world, **overrides):
    data = {
        "api_key": world["api_key"],
        "service_code": "streetlight-repair",
        "lat": "18.790001",
        "long": "98.980002",
        "address_string": "หน้าวัด ซอย 5",
        "first_name": "สมชาย",
        "last_name": "ใจดี",
        "phone": "081-234-5678",
        "attribute[problem]": "flicker",
        "attribute[noticed]": "2026-11-20",
        "attribute[consent]": "yes",
    }
    data.update(overrides)
    return client.post(f"{BASE}/requests.json", {k: v for k, v in data.items() if v is not None})


def test_post_opens_a_real_case_through_the_intake(client, world):
    response = post(client, world)
    assert response.status_code == 201, response.content
    reference = response.json()[0]["service_request_id"]
    case = Case.objects.select_related("submission").get(reference=reference)
    assert case.service_id == world["service"].pk and case.department == world["works"]
    assert case.status == CaseStatus.RECEIVED and case.due_date is not None
    assert case.events.filter(kind=CaseEvent.Kind.CREATED).exists()
    submission = case.submission
    assert submission.reference == reference and submission.wizard_token.startswith("open311-")
    assert submission.answers["problem"] == "flicker"
    assert submission.answers["noticed"] == "2026-11-20"
    assert submission.answers["location"] == {"text": "หน้าวัด ซอย 5", "lat": "18.790001", "lng": "98.980002"}
    assert submission.contact_name == "สมชาย ใจดี" and submission.contact_phone == "0812345678"
    assert submission.consent_version == "2569-1"
    # The resident's tracking page works for it like for any other request.
    assert client.get(f"/t/{reference}").status_code in (200, 302)
    key = Open311Key.objects.get(pk=world["key"].pk)
    assert key.requests_filed == 1 and key.last_used_at is not None


def test_post_needs_a_valid_active_key(client, world):
    assert_error(post(client, world, api_key=None), 403, "api_key")
    assert_error(post(client, world, api_key="guess"), 403, "api_key")
    Open311Key.objects.update(active=False)
    assert_error(post(client, world), 403, "api_key")
    assert not Case.objects.exists()
    # Only a hash is kept.
    assert not Open311Key.objects.filter(key_hash__contains=world["api_key"]).exists()


def test_post_checks_answers_like_the_form_does(client, world):
    response = post(client, world, **{"attribute[problem]": "explosion", "phone": "12345", "attribute[consent]": None})
    assert response.status_code == 400
    description = response.json()[0]["description"]
    assert "problem" in description and "phone" in description and "consent" in description
    assert_error(post(client, world, **{"attribute[noticed]": "20/11/2569"}), 400, "noticed")
    assert_error(post(client, world, lat="north"), 400, "lat must be a number")
    assert_error(post(client, world, lat="", long="", address_string=""), 400, "location")
    assert_error(post(client, world, service_code="nope"), 404, "Unknown service_code")
    assert not Case.objects.exists()
