"""The demo cases: a believable year of requests, loaded once however often load_demo runs."""

import pytest
from django.core.management import call_command

from services.cases.demo import SHOWCASE_PHONE, showcase_link, showcase_reference
from services.cases.models import Case, CaseStatus

pytestmark = pytest.mark.django_db


def test_demo_cases_are_varied_routed_and_idempotent(demo, client):
    cases = Case.objects.all()
    count = cases.count()
    assert count >= 300
    assert cases.overdue().exists()
    assert cases.filter(rating__isnull=False).count() >= 50
    assert {"works", "health", "clerk", "welfare"} <= set(cases.values_list("department__code", flat=True))
    assert set(CaseStatus.values) - {"rejected"} <= set(cases.values_list("status", flat=True))
    assert cases.exclude(reject_reason="").exists()
    assert cases.filter(channel="volunteer").exists() and cases.filter(channel="counter").exists()
    assert all(case.submission.form_page_id for case in cases.select_related("submission")[:20])
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Case.objects.count() == count
    # The showcase case opens with the tracking link load_demo printed (as from a receipt's QR code).
    reference = showcase_reference("resolved")
    assert Case.objects.get(reference=reference).submission.contact_phone == SHOWCASE_PHONE  # codes can go there
    response = client.get(client.get(showcase_link("resolved"))["Location"])
    assert response.status_code == 200
    assert "เราให้บริการเป็นอย่างไร" in response.content.decode()  # the satisfaction questionnaire
