"""Residents' files: capped while they stream in, checked by content, stripped of metadata.

Nothing here trusts the file name or the browser's Content-Type. The type is read from the
first bytes (the `filetype` package, already a Wagtail dependency); images are decoded and
re-encoded with Pillow, which drops EXIF (GPS position, phone model), comments and anything
appended to the file; PDFs must start with a PDF header and end with an end-of-file marker, and
carry no scripts, launch actions or attached files (portal/upload_checks.py).

Decoding is bounded (issue 16, portal/image_decode.py): more than UPLOAD_MAX_IMAGE_PIXELS is
refused from the header, a photo is kept at most UPLOAD_IMAGE_LONGEST_SIDE pixels on its longest
side (a JPEG is decoded at that size directly), and a few decodes run at once per process.
"""

import datetime
import hashlib
import io
import os

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from portal import image_decode, upload_checks

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
# Pillow's guard for every decode in the process at the residents' cap (Wagtail's renditions
# included; WAGTAILIMAGES_MAX_IMAGE_PIXELS is the same number, so editors are told at upload),
# and freed pixels returned to the machine. Here because every web process imports this module.
image_decode.configure_process()

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
    # Officers read a photo on a screen: 2560 px on its longest side shows a meter number or a
    # crack in the road, and keeps the stored file and its decode small.
    return _reencode_image(data, mime, name, settings.UPLOAD_IMAGE_LONGEST_SIDE)


# EXIF tags read by `original_facts` (TIFF/EXIF 2.3 numbers).
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
MAKE, MODEL, DATETIME = 0x010F, 0x0110, 0x0132
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4


def original_facts(uploaded):
    """What an uploaded file says about itself before `check_and_clean` strips it: the SHA-256
    of the original bytes, and for a photo the camera's capture time (ISO text, as the camera
    wrote it: naive local time, with its offset when the camera gave one), device (make and
    model) and GPS position. A dict; a fact the file does not carry (or carries as garbage) is
    None, never an error. The form engine keeps it with the file's record so the areas above
    can judge the photo (issue 21: evidence that cannot be faked quietly)."""
    uploaded.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: uploaded.read(65536), b""):
        digest.update(chunk)
    uploaded.seek(0)
    facts = {"sha256": digest.hexdigest(), "captured_at": None, "device": None, "latitude": None, "longitude": None}
    try:
        with Image.open(uploaded) as image:
            facts.update(_exif_facts(image.getexif()))
    except Exception:  # noqa: BLE001 - any unreadable header is "no capture data", not an error
        facts["unreadable"] = True
    uploaded.seek(0)
    return facts


def _exif_facts(exif):
    found = {}
    try:
        sub = exif.get_ifd(EXIF_IFD)
    except Exception:  # noqa: BLE001
        sub = {}
    when = _exif_time(sub.get(DATETIME_ORIGINAL) or exif.get(DATETIME), sub.get(OFFSET_TIME_ORIGINAL))
    if when:
        found["captured_at"] = when
    make, model = (_text(exif.get(MAKE)), _text(exif.get(MODEL)))
    device = model if make and model.lower().startswith(make.lower()) else " ".join(p for p in (make, model) if p)
    if device:
        found["device"] = device[:200]
    try:
        gps = exif.get_ifd(GPS_IFD)
    except Exception:  # noqa: BLE001
        gps = {}
    latitude = _coordinate(gps.get(GPS_LAT), gps.get(GPS_LAT_REF), "NS", 90)
    longitude = _coordinate(gps.get(GPS_LON), gps.get(GPS_LON_REF), "EW", 180)
    if latitude is not None and longitude is not None:
        found["latitude"], found["longitude"] = latitude, longitude
    return found


def _text(value):
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return value.replace("\x00", "").strip()[:100] if isinstance(value, str) else ""


def _exif_time(value, offset=None):
    """ "2026:11:30 14:05:09" → "2026-11-30T14:05:09" (plus "+07:00" when given), or None."""
    text = _text(value)
    try:
        moment = datetime.datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    iso = moment.isoformat()
    offset = _text(offset)
    if len(offset) == 6 and offset[0] in "+-" and offset[3] == ":" and (offset[1:3] + offset[4:]).isdigit():
        iso += offset
    return iso


def _coordinate(value, ref, refs, limit):
    """Degrees, minutes, seconds (rationals) and a reference letter → signed decimal degrees."""
    try:
        parts = [float(part) for part in value]
        if not 1 <= len(parts) <= 3:
            return None
        degrees = sum(part / 60**index for index, part in enumerate(parts))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    ref = _text(ref).upper()[:1]
    if ref and ref not in refs:
        return None
    if ref == refs[1]:
        degrees = -degrees
    if degrees != degrees or abs(degrees) > limit:  # NaN (0/0 rationals) or out of range
        return None
    return round(degrees, 7)


def _reencode_image(data, mime, name, longest_side=None, wait=None):
    """The pixels of an image alone, upright, re-encoded in its stored format; at most
    `longest_side` pixels on the longest side (None: as many as it has, within the pixel cap)."""
    extension, pillow_format = IMAGE_TYPES[mime]
    try:
        image = image_decode.decode(data, longest_side, wait)
        if pillow_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        save_kwargs = {"quality": 85} if pillow_format in ("JPEG", "WEBP") else {}
        image.save(out, format=pillow_format, **save_kwargs)
    except image_decode.TooManyPixels:
        raise ValidationError(
            _("%(name)s has too many pixels; send a photo of at most %(megapixels)s megapixels.")
            % {"name": name, "megapixels": image_decode.megapixels()}
        ) from None
    except image_decode.DecodeBusy:
        raise ValidationError(
            _("The server is busy and could not take %(name)s; try again in a minute.") % {"name": name}
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("%(name)s could not be read as a photo.") % {"name": name}) from None
    content_type = "image/jpeg" if pillow_format == "JPEG" else mime
    return out.getvalue(), content_type, extension


# What Pillow reports for an image without metadata: the JFIF header of a JPEG and whether it
# is progressive, a WebP's animation defaults, a palette's transparency. Anything else (EXIF
# with GPS and maker notes, XMP, IPTC, comments, ICC profiles, PNG text) is metadata.
BARE_IMAGE_INFO = {
    *("jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive", "progression"),
    *("loop", "background", "transparency"),
}
END_MARKERS = {"image/jpeg": b"\xff\xd9", "image/png": b"IEND\xaeB`\x82"}
# JPEG markers of pixels and their tables (start/end of image, JFIF's APP0, frame and scan
# headers, Huffman/arithmetic/quantisation tables, restart interval and markers, line count).
# Everything else, a comment (COM, 0xFE) or an application segment (APP1-APP15: EXIF, XMP,
# ICC, Photoshop), is metadata wherever it sits, between the scans of a progressive JPEG too,
# where Pillow's header reading never looks.
PIXEL_JPEG_MARKERS = {0xD8, 0xD9, 0xE0, 0xC4, 0xCC, 0xDB, 0xDA, 0xDD, 0xDC, *range(0xC0, 0xD0), *range(0xD0, 0xD8)}


def jpeg_markers(data):
    """Every marker of a JPEG's structure, walked segment by segment and over the entropy-coded
    data of each scan (where 0xFF is followed by 0x00 or a restart marker): a set of ints."""
    markers, position, size = set(), 2, len(data)
    while position + 4 <= size:
        if data[position] != 0xFF:
            markers.add(None)  # bytes where a marker must be: not a clean JPEG
            break
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        markers.add(marker)
        if marker == 0xD9:
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            position += 2
            continue
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if marker == 0xDA:
            while True:  # to the first marker after the scan's data
                position = data.find(b"\xff", position)
                if position < 0 or position + 1 >= size:
                    return markers
                following = data[position + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    position += 2
                elif following == 0xFF:
                    position += 1
                else:
                    break
    return markers


def without_metadata(data, name="photo", wait=None):
    """(bytes, content_type) of a stored image as it may be served to anyone: unchanged when it
    carries no metadata (every image re-encoded above), re-encoded like an upload otherwise (a
    file stored before it was cleaned, or by code that skipped `check_and_clean`). Reading the
    headers costs little, so this runs on every serve. Raises ValidationError for a non-image.
    `wait`: seconds to wait for a decode slot (UPLOAD_DECODE_WAIT_SECONDS unless given)."""
    guess = filetype.guess(data[:8192])
    mime = guess.mime if guess else None
    if mime not in IMAGE_TYPES:
        raise ValidationError(_("%(name)s could not be read as a photo.") % {"name": name})
    try:
        with Image.open(io.BytesIO(data)) as image:
            segments = {marker for marker, _content in getattr(image, "applist", [])}
            bare = set(image.info) <= BARE_IMAGE_INFO and segments <= {"APP0"} and not image.getexif()
        if bare and mime == "image/jpeg":
            bare = jpeg_markers(data) <= PIXEL_JPEG_MARKERS
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("%(name)s could not be read as a photo.") % {"name": name}) from None
    # Bytes after the image's end marker are not pixels either (a zip appended to a JPEG).
    if bare and mime in END_MARKERS and data.endswith(END_MARKERS[mime]):
        return data, mime
    cleaned, content_type, _extension = _reencode_image(data, mime, name, wait=wait)
    return cleaned, content_type
