"""Issuing a document: rendered, numbered, signed with the office's certificate (pyHanko's own
validator accepts it), stored privately with its SHA-256; refused without a certificate unless
marked a draft; templates refuse unknown placeholders, listing the allowed ones."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from services.cases.models import CaseEvent
from services.documents import issuing, signing
from services.documents.models import DocumentStatus, DocumentTemplate
from tests.services.documents.support import certificate_pem, document_world

pytestmark = pytest.mark.django_db


def stored(document):
    with document.file.open("rb") as handle:
        return handle.read()


def test_an_issued_document_is_signed_and_pyhankos_validator_accepts_it(home_th, settings):
    world = document_world(home_th)
    document = issuing.issue(world["case"], world["template"], world["officer_health"])
    data = stored(document)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.number == 1 and document.year >= 2569 and document.status == DocumentStatus.VALID
    assert len(document.code) >= 16
    assert str(settings.PRIVATE_MEDIA_ROOT) in document.file.path

    root = signing._trust_root(certificate_pem())
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[root]), key_usage_settings=signing.KEY_USAGE
    )
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line

    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "สมหญิง ใจดี" in text  # {holder_name}
    assert "ไฟดับหน้าบ้านเลขที่ 12" in text  # {answers.details}
    assert world["case"].reference in text
    assert f"/v/{document.code}" in text
    assert "{" not in text
    line = world["case"].events.get(kind=CaseEvent.Kind.DOCUMENT_ISSUED)
    assert "1/" in line.message and line.actor == world["officer_health"]
    assert line.for_resident and not line.public  # the applicant's timeline, not the open one


def test_issuing_without_a_certificate_is_refused_with_what_to_do(home_th):
    world = document_world(home_th, certificate=False)
    with pytest.raises(issuing.IssueError, match="PKCS#12"):
        issuing.issue(world["case"], world["template"], world["officer_health"])
    assert not world["case"].issued_documents.exists()


def test_a_draft_needs_no_certificate_takes_no_number_and_is_not_signed(home_th):
    world = document_world(home_th, certificate=False)
    document = issuing.issue(world["case"], world["template"], world["officer_health"], draft=True)
    data = stored(document)
    assert document.draft and document.number is None and not document.is_valid
    assert list(PdfFileReader(io.BytesIO(data)).embedded_signatures) == []
    assert "DRAFT" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    # A draft is not valid: an internal note, nothing on the resident's timeline.
    assert world["case"].events.filter(kind=CaseEvent.Kind.NOTE).exists()
    assert not world["case"].events.filter(kind__startswith="document_").exists()
    # The next real document still gets number 1: drafts skip nothing in the register.
    issuing.install_certificate(world["site"], *_cert())
    assert issuing.issue(world["case"], world["template"]).number == 1


def _cert():
    from tests.services.documents.support import PASSPHRASE, pkcs12_bytes  # noqa: PLC0415 - local to one test

    return pkcs12_bytes(), PASSPHRASE


def test_a_template_with_an_unknown_placeholder_is_refused_listing_the_allowed_ones(home_th):
    world = document_world(home_th, certificate=False)
    template = DocumentTemplate(site=world["site"], kind="permit", title="ใบอนุญาต", body="ให้ {holdr_name} {answers.x}")
    with pytest.raises(ValidationError) as raised:
        template.full_clean()
    message = " ".join(raised.value.message_dict["body"])
    assert "{holdr_name}" in message
    assert "{holder_name}" in message and "{answers.<key>}" in message and "{valid_until}" in message
    assert "{answers.x}" not in message


def test_revoke_and_reissue_write_the_reason_on_the_timeline(home_th):
    world = document_world(home_th)
    officer = world["officer_health"]
    first = issuing.issue(world["case"], world["template"], officer)
    second = issuing.reissue(first, officer, "สะกดชื่อร้านผิด")
    first.refresh_from_db()
    assert first.status == DocumentStatus.SUPERSEDED and first.superseded_by == second
    assert second.number == 2
    issuing.revoke(second, officer, "ร้านเลิกกิจการ")
    second.refresh_from_db()
    assert second.status == DocumentStatus.REVOKED and second.status_changed_at is not None
    lines = dict(world["case"].events.filter(for_resident=True).values_list("kind", "message"))
    assert "สะกดชื่อร้านผิด" in lines[CaseEvent.Kind.DOCUMENT_REISSUED]
    assert "ร้านเลิกกิจการ" in lines[CaseEvent.Kind.DOCUMENT_REVOKED]
    assert "1/" in lines[CaseEvent.Kind.DOCUMENT_ISSUED]
    assert not world["case"].events.filter(kind=CaseEvent.Kind.NOTE).exists()
    with pytest.raises(issuing.IssueError):
        issuing.revoke(second, officer, "อีกครั้ง")
    with pytest.raises(issuing.IssueError):
        issuing.revoke(first, officer, "")


def test_a_wrong_passphrase_is_refused_when_the_certificate_is_installed(home_th):
    world = document_world(home_th, certificate=False)
    with pytest.raises(signing.SigningError):
        issuing.install_certificate(world["site"], _cert()[0], "wrong")


def test_an_answer_placeholder_must_name_a_field_of_the_services_form(home_th):
    world = document_world(home_th, certificate=False)
    template = DocumentTemplate(
        site=world["site"], service=world["service"], kind="permit", title="ใบอนุญาต", body="{answers.nope}"
    )
    keys = template.answer_keys()
    assert keys is not None and "nope" not in keys
    with pytest.raises(ValidationError) as raised:
        template.full_clean()
    message = " ".join(raised.value.message_dict["body"])
    assert "{answers.nope}" in message and "{answers.<key>}" not in message
    for key in keys:
        template.body = "{answers.%s}" % key  # noqa: UP031 - braces of the placeholder itself
        template.full_clean()
