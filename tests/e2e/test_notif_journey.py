"""Through the real stack (Django test client, demo municipality): a resident files the demo
streetlight e-form giving only a mobile number, and gets an SMS at the (fake, local HTTP) gateway
with the reference; the works officer accepts the case in the admin and the resident gets a
second SMS saying so — one message per event."""

import pytest
from wagtail.models import Site

from forms_builder.models import FormPage, Submission
from services.cases.models import Case
from tests.forms_builder.helpers import Filler
from tests.services.notifications.support import run_gateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(settings):
    yield from run_gateway(settings)


def test_resident_hears_by_sms_when_filing_and_when_accepted(
    demo, client, gateway, django_user_model, django_capture_on_commit_callbacks
):
    page = FormPage.objects.descendant_of(Site.objects.get(is_default_site=True).root_page).get(
        slug="streetlight-repair-form", locale__language_code="th"
    )  # the demo municipality's (the demo's second office has one too)
    filler = Filler(client, page)
    client.get(page.url)
    light, who = (s["name"] for s in filler.definition["steps"])
    filler.post(light, {"problem": "off", "location__text": "หน้าบ้านเลขที่ 5", "location__lat": "", "location__lng": ""})
    filler.post(who, {"full_name": "ทดสอบ แจ้งเตือน", "phone": "089 111 2468", "consent": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        assert filler.post("check").status_code == 302
    reference = Submission.objects.get(contact_name="ทดสอบ แจ้งเตือน").reference

    [received] = gateway.sms()
    assert received["json"]["to"] == "0891112468"
    assert (
        reference in received["json"]["message"] and f"http://testserver/t/{reference}" in received["json"]["message"]
    )

    case = Case.objects.get(reference=reference)
    staff = client.__class__()
    staff.force_login(django_user_model.objects.get(username="officer.works"))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/admin/cases/{case.pk}/", {"action": "status", "status": "accepted", "version": case.version}
        )
    assert response.status_code == 302
    received, accepted = gateway.sms()
    assert "เจ้าหน้าที่รับเรื่องของท่านแล้ว" in accepted["json"]["message"]
    assert reference in accepted["json"]["message"]
