"""The after photo an officer attaches when the work is done: cleaned when stored, checked again
when served, shown inline.

Officers take these photos on a phone at the site, so the file carries the GPS position, the
camera and its maker notes. It is re-encoded like a resident's upload
(`forms_builder.uploads.check_and_clean`) before it is stored, and every serve goes through
`without_metadata`, which passes a clean file unchanged and cleans one stored before this rule
(no data migration rewriting private files: the first serve does it, every time).
"""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from PIL import Image, UnidentifiedImageError

from forms_builder.uploads import check_and_clean, without_metadata
from portal import image_decode

AFTER_PHOTO_SPEC = {"key": "after_photo", "allowed_types": ["image"], "max_size_mb": 10}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
# A thumbnail's longest side (`?size=thumb`): the field view shows photos at 96 CSS pixels, so
# this is sharp on a 2x phone screen and a 12-megapixel photo goes out as some 15 KB, not 4 MB
# over a weak connection in the street. The link around it opens the photo at full size.
THUMB_SIDE = 240
THUMB = "thumb"


def photo_fields(snapshot):
    """Keys of a form's upload questions that accept photos only: the photos of the place. A
    question that also takes PDFs (documents, a copy of an ID card) is never one: the one rule
    of what of a resident's uploads may be shown beyond the office (the public map,
    services.places.public; the outside agency's page, services.agencies.views)."""
    keys = []
    for step in (snapshot or {}).get("steps") or []:
        for spec in step.get("fields") or []:
            if spec.get("type") == "file_upload" and list(spec.get("allowed_types") or []) == ["image"]:
                keys.append(spec.get("key"))
    return keys


def clean_upload(uploaded):
    """The officer's photo as a file to store: pixels only, upright. Raises ValidationError with
    the e-forms' own messages (wrong type, too large, unreadable)."""
    data, _content_type, extension = check_and_clean(uploaded, AFTER_PHOTO_SPEC)
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}")


def wants_thumb(request):
    return request.GET.get("size") == THUMB


def reduced(data, longest_side=THUMB_SIDE):
    """(JPEG bytes, "image/jpeg") of the photo at most `longest_side` pixels on its longest
    side, upright and without metadata, decoded within the process's budget
    (portal.image_decode, as uploads are). Raises what image_decode and Pillow raise."""
    image = image_decode.decode(data, longest_side)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue(), "image/jpeg"


def shown(data, *, thumb=False):
    """(bytes, content type) of a photo to show: without metadata, or with `thumb` a reduced
    copy (THUMB_SIDE), falling back to the photo as stored when it cannot be reduced (the server
    busy, an odd file). ValidationError when it is no picture at all."""
    if thumb:
        try:
            return reduced(data)
        except (
            image_decode.TooManyPixels,
            image_decode.DecodeBusy,
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
            Image.DecompressionBombError,
        ):
            pass
    return without_metadata(data)


def serve_inline(file_field, stem, *, thumb=False):
    """The photo for an `<img>` (and to open in the browser), never as a download. Also serves
    residents' photos to staff: those were cleaned at upload, and are checked again here.
    `thumb`: a reduced copy (`shown`)."""
    with file_field.open("rb") as handle:
        data = handle.read()
    try:
        data, content_type = shown(data, thumb=thumb)
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
