"""Which reports the public may see, and what of them: one definition for the map, the list, the
report page, the GeoJSON and Open311's coordinates, so no two of them can disagree.

A report is public when its service is one an editor marked "about a public place", the resident
did not ask to keep it private, it was not merged into another (the map shows the case it was
merged into) and it was not rejected; a report passed to an outside agency (the electricity
authority's pole) stays on the map, showing whom it was passed to; of the finished ones, only those fixed in the last
`RECENT_DAYS` days (a map of every streetlight ever mended says nothing about today).

What is shown of a public report is what a passer-by could see anyway: the service, its status,
the date, the community, the place and the public updates. Never the resident's name, phone,
e-mail, ID number or any other answer of the form: those stay on the submission, which nothing
here reads except the form's definition, to find which uploads are photos of the place.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from forms_builder.models import SubmissionFile
from services.cases.models import UNFINISHED_STATUSES, Case, CaseStatus
from services.cases.nearby import in_box
from services.cases.photos import photo_fields

# What a reference in a public address may look like before it reaches the database: letters,
# digits and dashes (PostgreSQL refuses NUL, and a lone surrogate cannot be encoded).
REFERENCE_SHAPE = re.compile(r"[A-Za-z0-9-]{1,20}")

RECENT_DAYS = 30
# Three decimals, about 100 m: what Open311 has always published for places (a resident's pin is
# often their own doorstep), and the same for every public view of a case: the list, the map,
# the GeoJSON and Open311 give one case one point. The text of the location says which pole.
COORDINATE_QUANTUM = Decimal("0.001")
FINISHED = [CaseStatus.RESOLVED, CaseStatus.CLOSED]
# Still to be fixed, by the office or by the agency it was passed to.
UNFINISHED = UNFINISHED_STATUSES
# The statuses a public report can have, in the order a filter offers them.
PUBLIC_STATUSES = [*UNFINISHED, *FINISHED]


def public_q(now=None):
    """The rule above as a filter on cases (any office: callers add their own)."""
    since = (now or timezone.now()) - datetime.timedelta(days=RECENT_DAYS)
    return (
        Q(service__public_place=True, private_report=False, duplicate_of__isnull=True)
        & ~Q(status=CaseStatus.REJECTED)
        & (
            Q(status__in=UNFINISHED)
            | Q(status=CaseStatus.RESOLVED, resolved_at__gte=since)
            | Q(status=CaseStatus.CLOSED, closed_at__gte=since)
        )
    )


def public_cases(site, now=None):
    """The office's public reports (`site` is the office whose host the request came to)."""
    return Case.objects.filter(public_q(now), site=site)


def public_cases_in_box(site, west, south, east, north, now=None):
    """The office's public reports whose point lies in the box (GeoJSON's west, south, east,
    north): a few hundred grid cells on the (site, place_cell) index, not a stripe of latitude
    across the office's whole area.

    Which cases those are is asked apart (`id IN (…)`) so PostgreSQL can answer it from the
    index alone, which carries every column the rule reads: a town box's 10,000 cases are index
    entries, and only the few hundred public ones are read from the table."""
    inside = public_cases(site, now).filter(in_box(south, west, north, east))
    return Case.objects.filter(pk__in=inside.values("pk"))


def is_public(case, now=None):
    """The same rule for one case already loaded (Open311 asks it row by row)."""
    if case.private_report or case.duplicate_of_id or case.status == CaseStatus.REJECTED:
        return False
    if case.service_id is None or not case.service.public_place:
        return False
    if case.status in UNFINISHED:
        return True
    since = (now or timezone.now()) - datetime.timedelta(days=RECENT_DAYS)
    finished = {CaseStatus.RESOLVED: case.resolved_at, CaseStatus.CLOSED: case.closed_at}.get(case.status)
    return finished is not None and finished >= since


def coordinate(value):
    """A stored latitude or longitude as published: 3 decimals, half up, as a float."""
    return float(Decimal(value).quantize(COORDINATE_QUANTUM, rounding=ROUND_HALF_UP))


def lnglat(latitude, longitude):
    """[longitude, latitude] as published (GeoJSON's order); None without a location."""
    if latitude is None or longitude is None:
        return None
    return [coordinate(longitude), coordinate(latitude)]


def point(case):
    return lnglat(case.latitude, case.longitude)


def resident_photos(cases):
    """{case id: SubmissionFile} of the first photo of the place each case's resident sent, in
    two queries whatever the number of cases (the files, then the forms of those that have any)."""
    by_submission = {case.submission_id: case.pk for case in cases}
    files = SubmissionFile.objects.filter(
        submission_id__in=list(by_submission), content_type__startswith="image/"
    ).order_by("id")
    files = list(files.only("id", "submission_id", "field_key", "content_type", "file"))
    if not files:
        return {}
    snapshots = dict(
        Case.objects.filter(submission_id__in={f.submission_id for f in files}).values_list(
            "submission_id", "submission__form_snapshot"
        )
    )
    found = {}
    for upload in files:
        case_id = by_submission[upload.submission_id]
        if case_id not in found and upload.field_key in photo_fields(snapshots.get(upload.submission_id)):
            found[case_id] = upload
    return found
