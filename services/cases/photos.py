"""The after photo an officer attaches when the work is done: cleaned when stored, checked again
when served, shown inline.

Officers take these photos on a phone at the site, so the file carries the GPS position, the
camera and its maker notes. It is re-encoded like a resident's upload
(`forms_builder.uploads.check_and_clean`) before it is stored, and every serve goes through
`without_metadata`, which passes a clean file unchanged and cleans one stored before this rule
(no data migration rewriting private files: the first serve does it, every time).
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from forms_builder.uploads import check_and_clean, without_metadata

AFTER_PHOTO_SPEC = {"key": "after_photo", "allowed_types": ["image"], "max_size_mb": 10}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def clean_upload(uploaded):
    """The officer's photo as a file to store: pixels only, upright. Raises ValidationError with
    the e-forms' own messages (wrong type, too large, unreadable)."""
    data, _content_type, extension = check_and_clean(uploaded, AFTER_PHOTO_SPEC)
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}")


def serve_inline(file_field, stem):
    """The photo for an `<img>` (and to open in the browser), never as a download. Also serves
    residents' photos to staff: those were cleaned at upload, and are checked again here."""
    with file_field.open("rb") as handle:
        data = handle.read()
    try:
        data, content_type = without_metadata(data)
    except ValidationError:
        # Not a picture we can show: still hand the bytes over (nothing a resident sent is ever
        # withheld from staff), as an opaque download the browser will not render.
        response = HttpResponse(data, content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{stem}.bin")
    else:
        response = HttpResponse(data, content_type=content_type)
        filename = f"{stem}.{EXTENSIONS.get(content_type, 'jpg')}"
        response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
