"""Residents' files: capped while they stream in, checked by content, stripped of metadata.

Nothing here trusts the file name or the browser's Content-Type. The type is read from the
first bytes (the `filetype` package, already a Wagtail dependency); images are decoded and
re-encoded with Pillow, which drops EXIF (GPS position, phone model) and anything appended to
the file; PDFs must start with a PDF header and end with an end-of-file marker.
"""

import io
import os

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from portal import upload_checks

# What each allowed kind accepts, by sniffed MIME type -> (stored extension, Pillow format).
IMAGE_TYPES = {
    "image/jpeg": ("jpg", "JPEG"),
    "image/png": ("png", "PNG"),
    "image/webp": ("webp", "WEBP"),
    "image/heic": ("jpg", "JPEG"),  # iPhones: converted to JPEG so every officer's PC opens it
    "image/heif": ("jpg", "JPEG"),
}
ACCEPT = {"image": "image/jpeg,image/png,image/webp,image/heic,.heic", "pdf": "application/pdf,.pdf"}
KIND_NAMES = {"image": "JPEG, PNG, WebP, HEIC", "pdf": "PDF"}
MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel photo; anything bigger is a decompression bomb

try:  # HEIC support ships with Wagtail's Pillow extras; without it HEIC is refused as unreadable.
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover
    pass


def hard_cap_bytes():
    """The most any single form upload may stream, whatever a field allows (settings, MB)."""
    return int(getattr(settings, "FORMS_BUILDER_MAX_UPLOAD_MB", 10)) * 1024 * 1024


class CappedUploadHandler(FileUploadHandler):
    """Stops reading a form-engine file the moment it passes the cap, instead of after.

    Only inputs named `...__upload` (the form engine's) are capped, so the admin's image and
    document uploads keep Django's normal behaviour. The skipped file is recorded on the
    request so the wizard can tell the resident which file was too large.
    """

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.capped = field_name.endswith("__upload")
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        if self.capped:
            self.received += len(raw_data)
            if self.received > hard_cap_bytes():
                rejected = getattr(self.request, "_fb_oversize", [])
                rejected.append((self.field_name, self.file_name))
                self.request._fb_oversize = rejected
                raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


def _kind_of(mime):
    if mime in IMAGE_TYPES:
        return "image"
    if mime == "application/pdf":
        return "pdf"
    return None


def allowed_text(spec):
    return ", ".join(KIND_NAMES[t] for t in spec.get("allowed_types") or [] if t in KIND_NAMES)


def check_and_clean(uploaded, spec):
    """Return (bytes, content_type, extension) for an acceptable file, or raise ValidationError."""
    limit_mb = int(spec.get("max_size_mb") or 5)
    name = os.path.basename(uploaded.name or "file")[:200]
    if uploaded.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s MB, the most this question takes.") % {"name": name, "limit": limit_mb}
        )
    uploaded.seek(0)
    head = uploaded.read(8192)
    guess = filetype.guess(head)
    mime = guess.mime if guess else None
    kind = _kind_of(mime)
    if kind is None or kind not in (spec.get("allowed_types") or []):
        raise ValidationError(
            _("%(name)s is not an allowed file. Allowed: %(types)s, up to %(limit)s MB each.")
            % {"name": name, "types": allowed_text(spec), "limit": limit_mb}
        )
    uploaded.seek(0)
    data = uploaded.read()
    upload_checks.check(data, kind, name)  # issue 9: a PDF must parse; clamd scan when CLAMD_SOCKET is set
    if kind == "pdf":
        if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
            raise ValidationError(_("%(name)s is not a complete PDF file.") % {"name": name})
        return data, "application/pdf", "pdf"
    return _reencode_image(data, mime, name)


def _reencode_image(data, mime, name):
    extension, pillow_format = IMAGE_TYPES[mime]
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("%(name)s has too many pixels.") % {"name": name})
            image.load()
            # Keep the photo upright, then drop EXIF by saving only the pixels.
            image = ImageOps.exif_transpose(image)
            if pillow_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            # Pillow writes some of what it read back out (a JPEG comment, an ICC profile that
            # names the camera): keep only what the pixels need.
            image.info = {key: value for key, value in image.info.items() if key == "transparency"}
            out = io.BytesIO()
            save_kwargs = {"quality": 85} if pillow_format in ("JPEG", "WEBP") else {}
            image.save(out, format=pillow_format, **save_kwargs)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("%(name)s could not be read as a photo.") % {"name": name}) from None
    content_type = "image/jpeg" if pillow_format == "JPEG" else mime
    return out.getvalue(), content_type, extension


# What Pillow reports for an image without metadata: the JFIF header of a JPEG, a WebP's
# animation defaults, a palette's transparency. Anything else (EXIF with GPS and maker notes,
# XMP, IPTC, comments, ICC profiles, PNG text) is metadata.
BARE_IMAGE_INFO = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "loop", "background", "transparency"}
END_MARKERS = {"image/jpeg": b"\xff\xd9", "image/png": b"IEND\xaeB`\x82"}


def without_metadata(data, name="photo"):
    """(bytes, content_type) of a stored image as it may be served to anyone: unchanged when it
    carries no metadata (every image re-encoded above), re-encoded like an upload otherwise (a
    file stored before it was cleaned, or by code that skipped `check_and_clean`). Reading the
    headers costs little, so this runs on every serve. Raises ValidationError for a non-image."""
    guess = filetype.guess(data[:8192])
    mime = guess.mime if guess else None
    if mime not in IMAGE_TYPES:
        raise ValidationError(_("%(name)s could not be read as a photo.") % {"name": name})
    try:
        with Image.open(io.BytesIO(data)) as image:
            segments = {marker for marker, _content in getattr(image, "applist", [])}
            bare = set(image.info) <= BARE_IMAGE_INFO and segments <= {"APP0"} and not image.getexif()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("%(name)s could not be read as a photo.") % {"name": name}) from None
    # Bytes after the image's end marker are not pixels either (a zip appended to a JPEG).
    if bare and mime in END_MARKERS and data.endswith(END_MARKERS[mime]):
        return data, mime
    cleaned, content_type, _extension = _reencode_image(data, mime, name)
    return cleaned, content_type
