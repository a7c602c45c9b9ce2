"""Signing issued PDFs (PAdES, pyHanko) and checking signatures on uploaded ones.

An office signs with its own certificate, uploaded as PKCS#12 in its settings. Checking an
uploaded copy uses only the certificate's public part (kept in clear beside the file) as the
one trust root: "signed by this office, not changed since" is what a resident needs to know,
whatever the national roots say.

`demo_pkcs12` makes the demo's self-signed certificate, labelled as such in its own name.
"""

import datetime
import io
import logging

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)

FIELD_NAME = "OfficeSignature"
DEMO_LABEL = "DEMO CERTIFICATE - NOT FOR REAL DOCUMENTS"


class SigningError(Exception):
    """The certificate cannot be used: wrong passphrase, not PKCS#12, no private key, expired."""


def read_pkcs12(data, passphrase):
    """(certificate, subject, expires) of a PKCS#12 file, or SigningError with what is wrong."""
    try:
        key, certificate, _extra = pkcs12.load_key_and_certificates(data, (passphrase or "").encode() or None)
    except ValueError as error:
        raise SigningError(
            _("This file could not be opened: check the passphrase, and that it is a PKCS#12 (.p12 or .pfx) file.")
        ) from error
    if key is None or certificate is None:
        raise SigningError(_("The file holds no certificate with its private key."))
    expires = certificate.not_valid_after_utc
    if expires <= datetime.datetime.now(datetime.UTC):
        raise SigningError(_("This certificate has expired."))
    return certificate, certificate.subject.rfc4514_string(), expires


def certificate_pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def signer_for(data, passphrase):
    """A pyHanko signer from the PKCS#12 bytes."""
    signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=(passphrase or "").encode() or None)
    if signer is None:
        raise SigningError(_("The signing certificate could not be loaded."))
    return signer


def sign(pdf_bytes, signer, *, reason="", location=""):
    """The PDF with a PAdES signature (an incremental update: the rendered bytes stay as they were)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
    )
    out = signers.sign_pdf(writer, metadata, signer=signer)
    return out.getvalue()


def _trust_root(pem):
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


# A document signer's certificate says "digital signature" or "non-repudiation"; either will do.
KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature"}, extd_key_usage=None, match_all_key_usages=False)


def check_signatures(data, pem):
    """What the signatures of an uploaded PDF say about the office whose certificate is `pem`:
    "none" (no signature), "ours" (signed by this office and unchanged since), "not_ours"
    (signed, but not validly by this office, or changed after signing). Never raises on a
    hostile file: anything pyHanko cannot read counts as "none"."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 - any broken or hostile file is "no readable signature"
        return "none"
    if not embedded:
        return "none"
    if not pem:
        return "not_ours"
    try:
        context = ValidationContext(trust_roots=[_trust_root(pem)], allow_fetching=False)
        for signature in embedded:
            status = validate_pdf_signature(signature, context, key_usage_settings=KEY_USAGE)
            covers_all = signature.coverage is not None and signature.coverage.name in (
                "ENTIRE_FILE",
                "ENTIRE_REVISION",
            )
            if status.intact and status.valid and status.trusted and covers_all:
                return "ours"
    except Exception:  # noqa: BLE001 - a malformed signature is not a valid one
        logger.info("An uploaded PDF's signature could not be validated", exc_info=True)
    return "not_ours"


def _fit(text, limit):
    """`text` cut to `limit` UTF-8 bytes: X.509 caps a common name at 64 bytes, which a Thai
    office name (three bytes a letter) soon passes."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text


def demo_pkcs12(office_name, passphrase):
    """A self-signed certificate and key for the demo office, as PKCS#12 bytes. Its name says it
    is a demo certificate, so nobody mistakes a demo document for a real one."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, office_name),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_LABEL),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{_fit(office_name, 64 - 7)} (demo)"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"demo-signing",
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
