"""The field view's side of the case room's photo evidence (`services.cases.evidence`): what a
photo taken on site becomes, the warnings the officer is shown about it, and the limit the
phone checks before sending."""

from services.cases import evidence as case_evidence
from services.cases.models import CasePhoto, PhotoFlag
from services.cases.photos import AFTER_PHOTO_SPEC

# The largest photo the server keeps (what `record_photo` checks against); the streaming cap
# (FORMS_BUILDER_MAX_UPLOAD_MB) is not below it. The browser checks the same number before sending.
MAX_PHOTO_MB = int(AFTER_PHOTO_SPEC["max_size_mb"])
ON_SITE = [CasePhoto.Role.BEFORE, CasePhoto.Role.AFTER]


def record(case, uploaded, *, role, user):
    """Store `uploaded` as the case's `role` ("before"/"after") photo with its evidence; raises
    ValidationError (a message for the officer) for a file that is not an acceptable photo."""
    return case_evidence.record_photo(case, uploaded, role=role, user=user)


def flags(photo):
    """The warnings recorded for a photo, as text for the officer."""
    return [PhotoFlag(flag).label if flag in PhotoFlag.values else str(flag) for flag in photo.flags or []]


def site_photos(case):
    """The before and after photos taken for the case, oldest first."""
    return list(case.photos.filter(role__in=ON_SITE).select_related("uploaded_by").order_by("uploaded_at", "pk"))


def latest_after(case):
    return case.photos.filter(role=CasePhoto.Role.AFTER).order_by("-uploaded_at", "-pk").first()
