"""Extra checks on a resident's upload after the form engine's own (issue 9), called from
forms_builder/uploads.py once the bytes are read: a PDF must parse, and every file is scanned
for viruses when clamd is configured (portal/virus_scan.py)."""

import io
import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader

from portal import virus_scan

MAX_PDF_PAGES = 500


def check(data, kind, name):
    """Raise ValidationError (shown next to the field) if the file must not be kept."""
    if kind == "pdf":
        check_pdf(data, name)
    virus_scan.scan(data, name)


def check_pdf(data, name):
    """A PDF is kept only if pypdf can read its structure and pages and it is not encrypted
    (an officer could not open it) — a header and an end marker alone prove nothing."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("%(name)s is protected by a password. Upload it without the password.") % {"name": name}
            )
        pages = len(reader.pages)
        if pages == 0 or pages > MAX_PDF_PAGES:
            raise ValueError(pages)
        for page in reader.pages[:3]:  # reading the first pages' content catches a broken body
            page.get_contents()
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of errors on broken files
        logging.getLogger(__name__).info("refused an unreadable PDF upload")
        raise ValidationError(_("%(name)s is not a complete PDF file.") % {"name": name}) from None
