"""Evidence that a fix cannot be faked quietly (issue 21): every photo staff or residents upload
is recorded, before its metadata is stripped, as a `CasePhoto` (SHA-256 of the original bytes,
capture time, camera, GPS position, upload time and account), and an after photo is flagged for
a second look when its facts do not fit the case:

- taken before the request was filed (last year's picture of the same road);
- taken further from the reported point than the office allows (`CaseSettings.evidence_distance_m`);
- no capture data (no camera time or no position: a screenshot, an edited or forwarded file);
- the very same file as an earlier photo of this office (a resident's own photo sent back as
  the "after", or one fix photographed once and used twice).

A flag is not a verdict: the case page says "check this fix" with the reasons, the queue marks
the case and filters on it, and the department head's figures count them.

Residents' photos are cleaned by the form engine before the case exists: it keeps the facts
(`forms_builder.uploads.original_facts`) with the file's record, and `record_submission_photos`
turns them into rows when the intake opens the case.
"""

import math
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from forms_builder.uploads import check_and_clean, original_facts
from services.cases.models import Case, CasePhoto, CaseSettings, PhotoFlag
from services.cases.photos import AFTER_PHOTO_SPEC

EARTH_RADIUS_M = 6_371_000


def distance_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres (haversine: exact enough for "more than 100 m away")."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def capture_time(text):
    """The camera's clock as an aware datetime: with its own offset when it wrote one, else read
    in the office's time zone (a phone's clock is local time)."""
    if not text:
        return None
    try:
        moment = parse_datetime(text)
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def photo_from_facts(case, facts, *, role, file_name, user=None, now=None):
    """An unsaved CasePhoto for `case` from `original_facts`' dict, its flags computed."""
    photo = CasePhoto(
        case=case,
        role=role,
        file=file_name,
        sha256=facts.get("sha256") or "",
        captured_at=capture_time(facts.get("captured_at")),
        device=(facts.get("device") or "")[:200],
        latitude=_number(facts.get("latitude"), 90),
        longitude=_number(facts.get("longitude"), 180),
        uploaded_at=now or timezone.now(),
        uploaded_by=user,
    )
    if photo.latitude is None or photo.longitude is None:
        photo.latitude = photo.longitude = None
    if case.latitude is not None and case.longitude is not None and photo.latitude is not None:
        photo.distance_m = round(
            distance_m(float(case.latitude), float(case.longitude), photo.latitude, photo.longitude), 1
        )
    if role == CasePhoto.Role.AFTER:
        photo.flags = flags_for(photo, case)
    return photo


def _number(value, limit):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and abs(number) <= limit else None


def flags_for(photo, case):
    """The reasons an after photo needs a second look, as PhotoFlag codes (empty: none)."""
    flags = []
    if photo.captured_at is not None and case.submitted_at and photo.captured_at < case.submitted_at:
        flags.append(PhotoFlag.BEFORE_FILING.value)
    if photo.distance_m is not None and photo.distance_m > CaseSettings.for_site(case.site).evidence_distance_m:
        flags.append(PhotoFlag.FAR_AWAY.value)
    if photo.captured_at is None or photo.latitude is None:
        flags.append(PhotoFlag.NO_CAPTURE_DATA.value)
    if photo.sha256 and CasePhoto.objects.filter(case__site_id=case.site_id, sha256=photo.sha256).exists():
        flags.append(PhotoFlag.REPEAT.value)
    return flags


def record_photo(case, uploaded_file, *, role, user=None, now=None):
    """Record and store one photo of `case`: the facts of the ORIGINAL bytes first, then the
    file cleaned like a resident's upload (pixels only, upright; `AFTER_PHOTO_SPEC`) in private
    storage. Raises ValidationError with the e-forms' messages (wrong type, too large,
    unreadable) before anything is stored. For an after photo, `case.fix_flagged` follows its
    flags (the queue's "fixes to check").

    To make it the case's after photo too, pass the returned photo to
    `workflow.change_status(..., after_photo=photo)`."""
    role = CasePhoto.Role(role)
    data, _content_type, extension = check_and_clean(uploaded_file, AFTER_PHOTO_SPEC)
    facts = original_facts(uploaded_file)
    field = CasePhoto._meta.get_field("file")
    name = field.storage.save(field.generate_filename(None, f"{uuid.uuid4().hex}.{extension}"), ContentFile(data))
    photo = photo_from_facts(case, facts, role=role, file_name=name, user=user, now=now)
    photo.save()
    if role == CasePhoto.Role.AFTER:
        Case.objects.filter(pk=case.pk).update(fix_flagged=bool(photo.flags))
        case.fix_flagged = bool(photo.flags)
    return photo


def record_submission_photos(case, submission):
    """The resident's photos, from the facts the form engine kept with each image file
    (`SubmissionFile.evidence`); files without them (a PDF, a file stored before this rule) are
    skipped. Called by the intake in the submission's transaction."""
    files = [
        f for f in submission.files.all() if f.content_type.startswith("image/") and (f.evidence or {}).get("sha256")
    ]
    rows = [
        photo_from_facts(
            case, f.evidence, role=CasePhoto.Role.RESIDENT, file_name=f.file.name, now=submission.submitted_at
        )
        for f in files
    ]
    return CasePhoto.objects.bulk_create(rows)


def flagged_after_photos(case):
    """The case's flagged after photos, newest first, for the case page's "check this fix"."""
    return [p for p in case.photos.filter(role=CasePhoto.Role.AFTER).order_by("-uploaded_at", "-pk") if p.flags]
