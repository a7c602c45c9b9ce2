"""An independent Open311 client (the `georeport` package from PyPI) lists services, reads a
service definition, lists and reads requests in JSON and XML; a request is posted with plain
`requests`, exactly as the GeoReport v2 specification describes it (form-encoded, api_key,
attribute[code]=value), because `georeport` has no method to file one and the other Open311
clients on PyPI (`open311`, `three`) are Python 2 only.

The client's HTTP goes through `requests` as usual; only the last step, the socket, is replaced
by a transport adapter that hands the request to Django's test client. That keeps the test in a
rolled-back transaction (a live server needs a flushed database, which on PostgreSQL loses the
default site when another transactional test ran first). Real HTTP to a running server is
covered by the browser tests.
"""

import pytest
import requests
from django.test import Client
from georeport import GeoReport
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from tests.services.open311.support import open311_world

pytestmark = pytest.mark.django_db
ROOT = "http://testserver/open311/v2"


@pytest.fixture
def world(home_th):
    return open311_world(home_th)


@pytest.fixture
def django_transport(monkeypatch):
    """Route every `requests` call to http://testserver through Django's test client."""
    client = Client(enforce_csrf_checks=True)  # as a real partner would meet it: no CSRF token
    original = HTTPAdapter.send

    def send(self, request, **kwargs):
        if not request.url.startswith("http://testserver/"):
            return original(self, request, **kwargs)
        path = request.url[len("http://testserver") :]
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-length", "host")}
        content_type = headers.pop("Content-Type", "application/octet-stream")
        django_response = client.generic(
            request.method, path, data=request.body or b"", content_type=content_type, headers=headers
        )
        response = requests.Response()
        response.status_code = django_response.status_code
        response.headers = CaseInsensitiveDict(dict(django_response.items()))
        response._content = django_response.content
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    monkeypatch.setattr(HTTPAdapter, "send", send)


def test_independent_client_lists_services_and_requests_and_posts(world, django_transport):
    client = GeoReport(ROOT, api_key=world["api_key"])
    services = client.get_service_list()
    assert [s["service_code"] for s in services] == ["streetlight-repair"]
    definition = client.get_service_definition("streetlight-repair")
    assert {a["code"] for a in definition["attributes"]} >= {"problem", "consent"}

    response = requests.post(
        f"{ROOT}/requests.json",
        data={
            "api_key": world["api_key"],
            "service_code": "streetlight-repair",
            "lat": "18.790001",
            "long": "98.980002",
            "first_name": "สมชาย",
            "phone": "0812345678",
            "attribute[problem]": "off",
            "attribute[consent]": "true",
        },
        timeout=30,
    )
    assert response.status_code == 201, response.text
    reference = response.json()[0]["service_request_id"]

    listed = client.get_service_requests(service_code="streetlight-repair", status="open")
    assert [r["service_request_id"] for r in listed] == [reference]
    one = client.get_service_request(reference)
    assert one["status"] == "open" and one["lat"] == 18.79 and "phone" not in one

    xml_client = GeoReport(ROOT, output_format="xml")
    assert xml_client.get_service_list()["service_code"] == "streetlight-repair"  # one <service>: a dict
    assert xml_client.get_service_request(reference)["service_request_id"] == reference

    with pytest.raises(requests.HTTPError) as error:
        client.get_service_requests(start_date="2020-01-01T00:00:00Z", end_date="2026-01-01T00:00:00Z")
    assert error.value.response.status_code == 400
    assert "90 days" in error.value.response.json()[0]["description"]
