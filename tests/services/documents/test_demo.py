"""The demo: the showcase food-shop request ends with a certificate signed by the demo office's
self-signed certificate (which says it is a demo one), verifiable at its /v/<code>."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from services.documents import issuing
from services.documents.demo import LETTER_NAME, TOKEN
from services.documents.models import IssuedDocument, LetterTemplate, SigningSettings

pytestmark = pytest.mark.django_db


def test_the_showcase_food_shop_case_has_a_signed_certificate(demo, client):
    document = IssuedDocument.objects.select_related("case", "site").get(case__submission__wizard_token=TOKEN)
    assert document.number is not None and not document.draft and document.is_valid
    settings = SigningSettings.for_site(document.site)
    assert settings.demo and "DEMO" in settings.certificate_subject
    page = client.get(f"/th/v/{document.code}").content.decode()
    assert document.number_display in page
    with document.file.open("rb") as handle:
        data = handle.read()
    response = client.post("/en/v/", {"file": SimpleUploadedFile("c.pdf", data, content_type="application/pdf")})
    assert "exactly the document we issued" in response.content.decode()


def test_an_officer_can_send_the_demos_letter_from_the_showcase_case(demo):
    document = IssuedDocument.objects.select_related("case__site", "case__submission").get(
        case__submission__wizard_token=TOKEN
    )
    template = LetterTemplate.objects.get(site=document.site, name=LETTER_NAME)
    template.full_clean()  # its placeholders are all ones issuing fills
    assert template in issuing.letter_templates_for(document.case)
    letter = issuing.issue_letter(document.case, template, issuing.letter_start(document.case, template))
    assert letter.number_display == "ชม 52101/1" and document.case.reference in letter.letter.subject
