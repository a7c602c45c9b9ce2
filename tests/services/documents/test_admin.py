"""The editors' side: document templates listed and edited only within the editor's offices,
and the office's signing settings, which check the certificate with its passphrase before
keeping it and never show the passphrase back."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from services.documents.models import DocumentTemplate, SigningSettings
from tests.factories import StaffFactory
from tests.services.documents.support import PASSPHRASE, pkcs12_bytes
from tests.services.payments.two_offices import B_HOST, make_office, not_found, staff_of

pytestmark = pytest.mark.django_db


def settings_url(site):
    return reverse("wagtailsettings:edit", args=["documents", "signingsettings", site.pk])


def test_templates_are_listed_and_edited_only_within_the_editors_office(client, site):
    other = make_office("อบต.หนองบัว", B_HOST)
    mine = DocumentTemplate.objects.create(site=site, title="ใบอนุญาตของเรา", body="{holder_name}")
    theirs = DocumentTemplate.objects.create(site=other, title="ใบอนุญาตของเขา", body="{holder_name}")
    editor = staff_of(
        site, "documents.add_documenttemplate", "documents.change_documenttemplate", "documents.view_documenttemplate"
    )
    client.force_login(editor)
    listing = client.get(reverse("wagtailsnippets_documents_documenttemplate:list")).content.decode()
    assert "ใบอนุญาตของเรา" in listing and "ใบอนุญาตของเขา" not in listing
    edit = reverse("wagtailsnippets_documents_documenttemplate:edit", args=[mine.pk])
    assert client.get(edit).status_code == 200
    other_edit = reverse("wagtailsnippets_documents_documenttemplate:edit", args=[theirs.pk])
    assert not_found(client, other_edit)


def test_an_unknown_placeholder_is_refused_in_the_editor(client, site):
    admin = StaffFactory(is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("wagtailsnippets_documents_documenttemplate:add"),
        {"site": site.pk, "kind": "permit", "title": "ใบอนุญาต", "body": "ให้ {holdername}", "validity_days": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "{holdername}" in page and "{holder_name}" in page
    assert not DocumentTemplate.objects.exists()


def test_the_certificate_is_checked_and_the_passphrase_never_shown(client, site):
    admin = StaffFactory(is_superuser=True)
    client.force_login(admin)
    wrong = client.post(
        settings_url(site),
        {"pkcs12": SimpleUploadedFile("office.p12", pkcs12_bytes()), "passphrase": "wrong"},
    )
    assert wrong.status_code == 200 and "passphrase" in wrong.content.decode()
    assert not SigningSettings.for_site(site).configured
    client.post(
        settings_url(site),
        {"pkcs12": SimpleUploadedFile("office.p12", pkcs12_bytes()), "passphrase": PASSPHRASE},
    )
    settings = SigningSettings.for_site(site)
    assert settings.configured and settings.passphrase == PASSPHRASE
    page = client.get(settings_url(site)).content.decode()
    assert PASSPHRASE not in page and "เทศบาลตำบลทดสอบ" in page  # the certificate's name, not its secret
    client.post(settings_url(site), {"passphrase": ""})  # saving again without typing keeps it
    assert SigningSettings.for_site(site).passphrase == PASSPHRASE
