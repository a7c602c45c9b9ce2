"""Open311 under hostile input (issue 16): every parameter with values a careless or hostile
client sends gets the standard's error body with a 4xx, or works, and never a 500. Thai and
full-width digits are digits."""

import xml.etree.ElementTree as ET

import pytest

from services.cases.models import Case
from tests.services.open311.support import open311_world
from tests.services.open311.test_api import BASE, assert_error, post

pytestmark = pytest.mark.django_db
HUGE = "9" * 100_000


@pytest.fixture
def world(home_th):
    return open311_world(home_th)


def assert_xml_error(response, status):
    assert response.status_code == status
    error = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert error.tag == "errors" and error.find("error/code").text == str(status)


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "0001-01-01"},
        {"start_date": "9999-12-31"},
        {"end_date": "0001-01-01"},
        {"end_date": "9999-12-31T23:59:59+14:00"},
        {"start_date": "2569-02-31"},
        {"start_date": "0000-00-00"},
        {"end_date": "9999-99-99"},
        {"start_date": HUGE},
    ],
    ids=["year-1", "year-9999", "end-year-1", "end-year-9999", "no-such-day", "zeros", "nines", "huge"],
)
def test_dates_the_calendar_cannot_reach_are_a_400_in_both_formats(client, world, params):
    name = next(iter(params))
    assert_error(client.get(f"{BASE}/requests.json", params), 400, f"{name} is not a date")
    assert_xml_error(client.get(f"{BASE}/requests.xml", params), 400)


def test_thai_and_full_width_digits_are_digits_in_dates(client, world):
    response = client.get(f"{BASE}/requests.json", {"start_date": "๒๐๒๖-๑๑-๐๑", "end_date": "２０２６-１１-３０"})
    assert response.status_code == 200 and response.json() == []


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("requests.json", {"service_code": "streetlight-repair\x00"}),
        ("requests.json", {"service_request_id": "BSR-69-\x00"}),
        ("requests.json", {"status": "open\x1b[2J"}),
        ("requests.json", {"jurisdiction_id": "\x00"}),
        ("requests/BSR-69-%00.json", {}),
        ("services/streetlight-repair.json", {"jurisdiction_id": "x\x7f"}),
    ],
    ids=["service_code", "service_request_id", "status", "jurisdiction_id", "path", "definition"],
)
def test_control_characters_in_any_parameter_are_a_400(client, world, path, params):
    # PostgreSQL cannot store or compare NUL: before, service_code and the ids reached a query.
    response = client.get(f"{BASE}/{path}", params)
    assert response.status_code == 400 and "control characters" in response.json()[0]["description"]


def test_other_hostile_reads_are_answered(client, world):
    requests = f"{BASE}/requests.json"
    for params in (
        {"service_code": "x" * 100_000},
        {"service_request_id": ",".join(["BSR-69-AAAAA-0"] * 5000)},
        {"page_size": HUGE, "page": "-1"},
        {"status": ["open", "closed", "open"]},
        {"service_code[]": "streetlight-repair"},
        {"start_date": ["2026-11-01", "garbage"]},
    ):
        assert client.get(requests, params).status_code in (200, 400), params
    assert client.get(f"{BASE}/requests/{'A' * 10_000}.json").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"attribute[noticed]": "2569-02-31"}, "attribute[noticed] must be a date"),
        ({"attribute[noticed]": "0001-01-01"}, "attribute[noticed] must be a date"),
        ({"attribute[noticed]": "9999-12-31"}, "attribute[noticed] must be a date"),
        ({"lat": "NaN"}, "lat must be a number"),
        ({"long": "-Infinity"}, "long must be a number"),
        ({"lat": "1e309"}, "location: "),
        ({"long": HUGE}, "location: "),
        ({"first_name": "สม\x00ชาย"}, "first_name contains control characters"),
        ({"api_key": "\x00"}, "api_key contains control characters"),
        ({"attribute[problem]": "off\x1b"}, "attribute[problem] contains control characters"),
        (
            {"address_string": "ก" * 100_000},
            "ไม่เกิน 500 ตัวอักษร",
        ),  # Django's own message, in Thai (locale/ fills its gap)
        ({"attribute[consent]": "0"}, "consent"),
        ({"attribute[consent]": "false"}, "consent"),
    ],
    ids=[
        "no-such-day",
        "year-1",
        "year-9999",
        "nan",
        "infinity",
        "1e309",
        "huge-long",
        "nul-name",
        "nul-key",
        "esc-attribute",
        "huge-address",
        "consent-0",
        "consent-false",
    ],
)
def test_hostile_filing_is_a_400_and_files_nothing(client, world, overrides, words):
    assert_error(post(client, world, **overrides), 400, words)
    assert not Case.objects.exists()


def test_filing_reads_thai_and_full_width_digits(client, world):
    response = post(
        client, world, lat="๑๘.๗๙", long="９８.９８", phone="๐๘๑-๒๓๔-๕๖๗๘", **{"attribute[noticed]": "๒๐๒๖-๑๑-๒๐"}
    )
    assert response.status_code == 201, response.content
    submission = Case.objects.get().submission
    assert submission.contact_phone == "0812345678"
    assert submission.answers["noticed"] == "2026-11-20"
    assert submission.answers["location"]["lat"] == "18.79"


def test_bodies_that_are_not_a_form_are_a_400(client, world):
    url = f"{BASE}/requests.json"
    for body, content_type in (
        (b'{"api_key": ', "application/json"),
        (b'{"api_key": "x", "service_code": "streetlight-repair"}', "application/json"),
        (b"<service_request><api_key>", "text/xml"),
        (b"garbage", "multipart/form-data"),
    ):
        response = client.generic("POST", url, body, content_type=content_type)
        assert response.status_code == 400, (content_type, response.content)
        assert response.json()[0]["description"].startswith("The body is not a form")
    # A lone surrogate's bytes in the raw body are read as U+FFFD: an ordinary refusal.
    raw = b"api_key=%ED%A0%80&service_code=%ED%A0%80"
    response = client.generic("POST", url, raw, content_type="application/x-www-form-urlencoded")
    assert_error(response, 403, "api_key")
    assert_xml_error(client.generic("POST", f"{BASE}/requests.xml", b"{}", content_type="application/json"), 400)
    assert not Case.objects.exists()
