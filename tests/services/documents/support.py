"""The issued-documents tests' world: the case-queue world (tests.services.cases.support) with a
food-shop-like certificate template on its service and, when asked, the office's certificate
(one self-signed PKCS#12, made once per run: RSA key generation is the slow part)."""

import functools

from services.documents import issuing, signing
from services.documents.models import DocumentTemplate
from tests.services.cases.support import make_world, submit

PASSPHRASE = "test-passphrase"  # noqa: S105 - the tests' own throwaway certificate
BODY = (
    "{office} รับรองว่า {holder_name} ได้แจ้ง {service} แล้ว\n"
    "รายละเอียด: {answers.details}\n"
    "เลขที่คำร้อง {reference} ใช้ได้ถึง {valid_until}"
)


@functools.cache
def pkcs12_bytes(name="เทศบาลตำบลทดสอบ"):
    """One certificate per office name for the whole run (always pass the name the same way)."""
    return signing.demo_pkcs12(name, PASSPHRASE)


def certificate_pem():
    certificate, _subject, _expires = signing.read_pkcs12(pkcs12_bytes(), PASSPHRASE)
    return signing.certificate_pem(certificate)


def document_world(home, *, certificate=True):
    world = make_world(home)
    world["template"] = DocumentTemplate.objects.create(
        site=world["site"],
        service=world["service"],
        kind="certificate",
        title="หนังสือรับรองการแจ้ง",
        body=BODY,
        validity_days=365,
        signer_title="นายกเทศมนตรีตำบลทดสอบ",
    )
    if certificate:
        issuing.install_certificate(world["site"], pkcs12_bytes(), PASSPHRASE)
    world["case"], _receipt = submit(world["form"])
    return world
