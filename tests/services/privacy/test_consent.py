"""PDPA consent: the privacy notice's version is recorded with every submission, a new version of
the notice applies to new submissions only, and no request is taken without consent. Driven
through the real wizard with the e-forms room's filler."""

import pytest

from forms_builder.models import FormPage, Submission
from tests.forms_builder.test_forms_wizard import complaint_steps, fill_complaint, start

pytestmark = pytest.mark.django_db


def set_notice_version(page, version):
    page = FormPage.objects.get(pk=page.pk)
    steps = page.steps.get_prep_value()
    for step in steps:
        for block in step["value"]["fields"]:
            if block["type"] == "consent":
                block["value"]["version"] = version
    page.steps = steps
    page.save_revision().publish()
    return FormPage.objects.get(pk=page.pk)


def test_each_submission_records_the_notice_version_it_agreed_to(client, make_form):
    page = make_form("complaint-form")
    fill_complaint(client, page, photo=False).post("check")
    first = Submission.objects.get()
    assert first.consent_version == "2569-1"
    assert first.answers["consent"] == {"agreed": True, "version": "2569-1"}

    page = set_notice_version(page, "2569-2")
    client.cookies.clear()
    fill_complaint(client, page, photo=False).post("check")
    second = Submission.objects.exclude(pk=first.pk).get()
    assert second.consent_version == "2569-2"
    first.refresh_from_db()
    assert first.consent_version == "2569-1"  # what the first resident agreed to stays on record


def test_no_request_is_taken_without_consent(client, make_form):
    page = make_form("complaint-form")
    f = start(client, page)
    what, where, who = complaint_steps(f)
    f.post(what, {"category": "road", "details": "ถนนเป็นหลุม"})
    f.post(where, {"location__text": "หน้าวัด"})
    response = f.post(who, {"full_name": "สมศรี ใจดี", "phone": "0812345678"})
    assert response.status_code in (200, 302, 400)
    assert f.current() == who  # still on the consent step, with the error
    f.post("check")  # skipping ahead to the final step does not get round it
    assert not Submission.objects.exists()
