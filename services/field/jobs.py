"""What an officer's phone lists: their open jobs (and their departments' unassigned ones), with
the place, the resident's words and photos, in a fixed number of queries whatever the number
of jobs.

Scoping is the case room's (`Case.objects.visible_to`, `admin_views.departments_for`): this
module only narrows what the officer may already see in the admin queue.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from forms_builder.models import SubmissionFile
from services.cases import photos as case_photos
from services.cases.admin_views import departments_for
from services.cases.models import OPEN_STATUSES, Case

# More than a day's round: past it the officer uses the admin queue's filters.
JOB_LIMIT = 100
EARTH_RADIUS_M = 6_371_000


@dataclass
class Job:
    """One case as the field list shows it."""

    case: Case
    mine: bool
    distance_m: float | None = None
    photos: list = field(default_factory=list)

    @property
    def description(self):
        return description(self.case)

    @property
    def distance_text(self):
        return distance_text(self.distance_m)

    @property
    def overdue(self):
        return self.case.is_overdue()

    @property
    def links(self):
        return place_links(self.case)


def open_jobs(request):
    """The officer's open jobs: assigned to them, then their departments' unassigned ones."""
    user = request.user
    departments = departments_for(request)
    department_ids = [department.pk for department in departments]
    cases = (
        Case.objects.visible_to(user, departments=departments)
        .filter(status__in=OPEN_STATUSES)
        .filter(Q(assignee=user) | Q(assignee__isnull=True, department_id__in=department_ids))
        .select_related("submission", "department")
        .order_by("due_date", "id")[:JOB_LIMIT]
    )
    jobs = [Job(case=case, mine=case.assignee_id == user.pk) for case in cases]
    attach_photos(jobs)
    return jobs


def attach_photos(jobs):
    """The resident's photos of every job, in one query."""
    by_submission = {job.case.submission_id: job for job in jobs}
    if not by_submission:
        return
    files = SubmissionFile.objects.filter(
        submission_id__in=list(by_submission), content_type__startswith="image/"
    ).order_by("id")
    for upload in files.only("id", "submission_id", "original_name", "content_type"):
        job = by_submission[upload.submission_id]
        url = reverse("case_admin_file", args=[job.case.pk, upload.pk])
        job.photos.append({"url": url, "thumb_url": f"{url}?size={case_photos.THUMB}", "name": upload.original_name})


def description(case):
    """What the resident wrote about the problem: the form's long-text answers (not the name,
    phone or ID number the form also holds, which the field has no use for)."""
    submission = case.submission
    snapshot = submission.form_snapshot or {}
    answers = submission.answers or {}
    texts = []
    for step in snapshot.get("steps") or []:
        for spec in step.get("fields") or []:
            if spec.get("type") == "long_text" and str(answers.get(spec.get("key")) or "").strip():
                texts.append(str(answers[spec["key"]]).strip())
    return "\n\n".join(texts)


def parse_position(data):
    """(latitude, longitude) as floats from a GET form, or None when missing or impossible."""
    try:
        latitude = Decimal(str(data.get("lat", "")).strip())
        longitude = Decimal(str(data.get("lon", "")).strip())
    except (InvalidOperation, ValueError):
        return None
    if not latitude.is_finite() or not longitude.is_finite():
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return float(latitude), float(longitude)


def distance_m(latitude, longitude, case):
    """Great-circle distance in metres from the officer to the case's pin (None without a pin)."""
    if case.latitude is None or case.longitude is None:
        return None
    phi1, phi2 = math.radians(latitude), math.radians(float(case.latitude))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(case.longitude) - longitude)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def sort_by_distance(jobs, position):
    """Nearest first; jobs without a pin last, by due date (the order they came in)."""
    for job in jobs:
        job.distance_m = distance_m(*position, job.case)
    return sorted(jobs, key=lambda job: (job.distance_m is None, job.distance_m or 0))


def distance_text(metres):
    if metres is None:
        return ""
    if metres < 1000:
        return _("%(metres)s m") % {"metres": number_format(round(metres))}
    return _("%(km)s km") % {"km": number_format(round(metres / 1000, 1), decimal_pos=1)}


def place_links(case):
    """The pin on a map, and directions: a geo: URI (the phone's own maps app) and a web map."""
    if case.latitude is None or case.longitude is None:
        return None
    point = f"{case.latitude:.6f},{case.longitude:.6f}"
    return {
        "point": point,
        "geo": f"geo:{point}?q={point}",
        "directions": "https://www.google.com/maps/dir/?" + urlencode({"api": 1, "destination": point}),
        "map": f"https://www.openstreetmap.org/?mlat={case.latitude:.6f}&mlon={case.longitude:.6f}"
        f"#map=18/{case.latitude:.6f}/{case.longitude:.6f}",
    }
