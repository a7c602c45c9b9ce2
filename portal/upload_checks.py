"""Extra checks on a resident's upload after the form engine's own (issue 9), called from
forms_builder/uploads.py once the bytes are read: a PDF must parse and carry nothing that runs
or hides a file (issue 16), and every file is scanned for viruses when clamd is configured
(portal/virus_scan.py)."""

import io
import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from portal import virus_scan

MAX_PDF_PAGES = 500
# An officer opens a resident's PDF on an office PC: a PDF that runs something when opened or
# clicked, or carries another file inside, is refused. Names of the dictionary keys and of the
# action types (`/S`) that do so, from the PDF 1.7/2.0 specification:
ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/RichMediaContent", "/RichMediaExecute"}
ACTIVE_ACTIONS = {
    "/JavaScript",  # a script
    "/Launch",  # starts a program or opens a file on the PC
    "/ImportData",  # reads a file of the PC into the form
    "/SubmitForm",  # sends the form's fields somewhere
    "/GoToE",  # opens a PDF embedded in this one
    "/RichMediaExecute",  # Flash and other rich media
    "/Rendition",  # plays media, may carry a script
}
ACTIVE_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Movie", "/Screen", "/Sound"}
# Not walked: page content and fonts, images and other resources carry no actions, and they are
# most of a scanned document.
SKIPPED_KEYS = {"/Parent", "/Contents", "/Resources", "/Font", "/XObject", "/P", "/Thumb"}
MAX_PDF_OBJECTS = 200_000


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
        active = active_content(reader)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of errors on broken files
        logging.getLogger(__name__).info("refused an unreadable PDF upload")
        raise ValidationError(_("%(name)s is not a complete PDF file.") % {"name": name}) from None
    if active:
        logging.getLogger(__name__).info("refused a PDF upload carrying %s", active)
        raise ValidationError(
            _(
                "%(name)s contains scripts, automatic actions or attached files, which we cannot accept. "
                "Save it again as an ordinary PDF (for example with Print, then Save as PDF) and upload that."
            )
            % {"name": name}
        )


def active_content(reader):
    """The first thing in the document that runs or carries a file (e.g. "/JavaScript"), or None.

    Walks every dictionary reachable from the catalog (its /Names trees, /OpenAction and /AA,
    the outline, the pages' /AA and annotations, the form's fields, chained /Next actions), each
    object once. A document too large to walk is refused as unreadable (ValueError).
    """
    seen, stack, visited = set(), [reader.trailer["/Root"]], 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise ValueError("too many objects to check")
        if isinstance(node, DictionaryObject):
            found = _active_in(node)
            if found:
                return found
            stack.extend(value for key, value in node.items() if key not in SKIPPED_KEYS)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


def _active_in(dictionary):
    keys = set(dictionary.keys())
    if keys & ACTIVE_KEYS:
        return sorted(keys & ACTIVE_KEYS)[0]
    action = dictionary.get("/S")
    if action in ACTIVE_ACTIONS:
        return str(action)
    subtype = dictionary.get("/Subtype")
    if dictionary.get("/Type") in ("/Annot", None) and subtype in ACTIVE_SUBTYPES and "/Rect" in dictionary:
        return str(subtype)
    return None
