"""Save and come back: the resident asks for the link on the "saved" screen and gets it by
email or SMS (forms_builder sends a signal; the notifications room delivers)."""

import pytest

from forms_builder.models import Draft
from services.notifications.models import Notification
from tests.services.cases.support import make_world


@pytest.fixture
def saved(home_th, client):
    world = make_world(home_th)
    form = world["form"]
    draft = Draft.objects.create(form_page=form, data={"step": "1"})
    session = client.session
    session["fb_saved"] = draft.pk
    session.save()
    return form, draft, form.url + "saved/"


def test_link_by_email_arrives_once_in_thai(saved, client, smtp, django_capture_on_commit_callbacks):
    form, draft, url = saved
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"contact": "somying@example.com"})
        client.post(url, {"contact": "somying@example.com"})  # asked twice: sent once
    assert response.status_code == 302 and response["Location"].endswith("saved/?sent=1")
    assert "กำลังส่งลิงก์ให้ท่าน" in client.get(response["Location"]).content.decode()
    [message] = smtp.messages
    assert message["to"] == ["somying@example.com"]
    assert message["subject"] == f"กรอกแบบฟอร์ม “{form.title}” ต่อ"
    assert f"http://testserver{form.url}resume/{draft.token}/" in message["text"]
    assert draft.code in message["text"] and "25" in message["text"]  # expiry in the Buddhist Era


def test_link_by_sms(saved, client, gateway, django_capture_on_commit_callbacks):
    _form, draft, url = saved
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"contact": "+66 81 234 5678"})
    [sms] = gateway.sms()
    assert sms["json"]["to"] == "0812345678" and draft.code in sms["json"]["message"]


def test_bad_contact_is_explained_and_kept(saved, client):
    _form, _draft, url = saved
    response = client.post(url, {"contact": "081-23"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "กรุณากรอกอีเมลหรือเบอร์มือถือ" in page and 'value="081-23"' in page and 'aria-invalid="true"' in page
    assert Notification.objects.count() == 0


def test_link_requests_are_limited_per_draft(saved, client, smtp, django_capture_on_commit_callbacks):
    _form, _draft, url = saved
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(5):
            client.post(url, {"contact": f"person{number}@example.com"})
    assert len(smtp.messages) == 3
