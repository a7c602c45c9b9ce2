"""Issue 20's "done when": a building-permit case goes through its stages with the clerk's
approval, a record of missing documents and the resident's upload; the permit is issued on the
final stage with the issued-documents API, verifies at /v/, a copy with one byte changed fails,
and pyHanko's own validator accepts the signature."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from services.cases.models import CaseEvent, CaseStatus, StageStatus
from services.documents import issuing, signing
from services.documents.models import DocumentTemplate
from tests.forms_builder.helpers import PDF_BYTES
from tests.services.cases.stage_support import permit_world
from tests.services.cases.support import open_link, submit
from tests.services.documents.support import PASSPHRASE, certificate_pem, pkcs12_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


def officer_moves(client, case):
    case.refresh_from_db()
    response = client.post(f"/admin/cases/{case.pk}/", {"action": "stage", "version": case.version})
    assert response.status_code == 302, response.content.decode()[:500]


def test_a_building_permit_from_request_to_a_verified_signed_permit(client, home_th):
    world = permit_world(home_th)
    template = DocumentTemplate.objects.create(
        site=world["site"],
        service=world["service"],
        kind="permit",
        title="ใบอนุญาตก่อสร้างอาคาร",
        body="{office} อนุญาตให้ {holder_name} ก่อสร้างอาคารตามคำขอเลขที่ {reference}",
        validity_days=365,
        signer_title="นายกเทศมนตรีตำบลทดสอบ",
    )
    issuing.install_certificate(world["site"], pkcs12_bytes(), PASSPHRASE)
    case, _receipt = submit(world["form"])
    officer, clerk = world["officer_works"], world["clerk"]
    resident = client.__class__()
    open_link(resident, case)

    # Stage 1: the officer finds the plans unsigned and records it; the clock stops.
    client.force_login(officer)
    case.refresh_from_db()
    client.post(
        f"/admin/cases/{case.pk}/",
        {"action": "deficiency", "version": case.version, "doc_1": "wrong", "note": "แบบแปลนยังไม่ลงนาม"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING
    record = case.deficiencies.get()
    track = resident.get(f"/t/{case.reference}").content.decode()
    assert "แบบแปลนและรายการประกอบแบบแปลน" in track
    assert resident.get(f"/t/{case.reference}/record/{record.pk}")["Content-Type"] == "application/pdf"

    # The resident uploads the signed plans: the case is worked on again.
    upload = SimpleUploadedFile("แบบแปลน-ลงนาม.pdf", PDF_BYTES, content_type="application/pdf")
    assert resident.post(f"/t/{case.reference}/missing", {"files__upload": upload}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS

    # Stages 1 and 2 done; stage 3 goes to the clerk, who approves it from their list.
    officer_moves(client, case)
    officer_moves(client, case)
    officer_moves(client, case)
    stage = case.stages.get(status=StageStatus.AWAITING_APPROVAL)
    client.force_login(clerk)
    assert case.reference in client.get("/admin/cases/approvals/").content.decode()
    assert client.post(f"/admin/cases/approvals/{stage.pk}/", {"decision": "approve"}).status_code == 302

    # Final stage: the permit is issued, then the stage is done and the case resolved.
    assert case.stages.get(status=StageStatus.CURRENT).name == "ออกใบอนุญาตก่อสร้าง"
    document = issuing.issue(case, template, officer)
    client.force_login(officer)
    officer_moves(client, case)
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert all(s.status == StageStatus.DONE for s in case.stages.all())
    kinds = list(case.events.values_list("kind", flat=True))
    for kind in (CaseEvent.Kind.DEFICIENCY, CaseEvent.Kind.DOCUMENTS_RECEIVED, CaseEvent.Kind.APPROVED):
        assert kind in kinds
    track = resident.get(f"/t/{case.reference}").content.decode()
    assert "ออกใบอนุญาตก่อสร้าง" in track and document.number_display in track

    # Anyone verifies the permit by uploading it at /v/; one byte changed fails.
    with document.file.open("rb") as handle:
        data = handle.read()
    page = client.post("/en/v/", {"file": SimpleUploadedFile("permit.pdf", data)}).content.decode()
    assert "exactly the document we issued" in page
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    page = client.post("/en/v/", {"file": SimpleUploadedFile("permit.pdf", bytes(changed))}).content.decode()
    assert "Edited, or not issued by us" in page and "exactly the document we issued" not in page

    # pyHanko's own validator accepts the signature.
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    status = validate_pdf_signature(
        signature,
        ValidationContext(trust_roots=[signing._trust_root(certificate_pem())]),
        key_usage_settings=signing.KEY_USAGE,
    )
    assert status.intact and status.valid and status.trusted and status.bottom_line
