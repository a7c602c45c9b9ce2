"""An independent Open311 client (the `georeport` package from PyPI) against the live server:
it lists services, reads a service definition, lists and reads requests in JSON and XML.

`georeport` has no method to file a request, and the other Open311 clients on PyPI (`open311`,
`three`) are Python 2 only, so the POST is made with plain `requests`, exactly as the GeoReport
v2 specification describes it (form-encoded, api_key, attribute[code]=value)."""

import pytest
import requests
from georeport import GeoReport

from tests.services.open311_support import open311_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(home_th):
    return open311_world(home_th)


def test_independent_client_lists_services_and_requests_and_posts(live_server, world):
    root = f"{live_server.url}/open311/v2"
    client = GeoReport(root, api_key=world["api_key"])
    services = client.get_service_list()
    assert [s["service_code"] for s in services] == ["streetlight-repair"]
    definition = client.get_service_definition("streetlight-repair")
    assert {a["code"] for a in definition["attributes"]} >= {"problem", "consent"}

    response = requests.post(
        f"{root}/requests.json",
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

    xml_client = GeoReport(root, output_format="xml")
    assert xml_client.get_service_list()["service_code"] == "streetlight-repair"  # one <service>: a dict
    assert xml_client.get_service_request(reference)["service_request_id"] == reference

    with pytest.raises(requests.HTTPError) as error:
        client.get_service_requests(start_date="2020-01-01T00:00:00Z", end_date="2026-01-01T00:00:00Z")
    assert error.value.response.status_code == 400
    assert "90 days" in error.value.response.json()[0]["description"]
