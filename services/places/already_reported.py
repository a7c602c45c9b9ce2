""" "Already reported here": the screen the e-form shows after a resident pins a problem on the map
of a public-place service, when open reports of the same service lie within the service's
distance; or, when they put no pin but picked their community from a list, open reports of the
same service in that community. They may follow one of them instead of filing the same problem
again, or carry on.

A community question is an ordinary single-choice question whose options are named as the
office's areas are (Areas in the admin: the option's label or stored value is the area's Thai or
English name),
so an editor adds one without code and the form engine still knows nothing of areas.

The form engine calls `nearby_reports` through settings.FORMS_BUILDER_NEARBY (it imports nothing
of cases). What the screen shows of a report is what its public page shows: the service, status,
date, community, distance and the public photo; never who reported it or what else they wrote.
"""

from decimal import Decimal, InvalidOperation

from django.db.models import prefetch_related_objects
from wagtail.models import Site

from forms_builder.nearby import NearbyScreen
from services.areas.routing import named_area
from services.cases.intake import find_service
from services.cases.models import UNFINISHED_STATUSES
from services.cases.nearby import nearby_cases
from services.places import following, public
from services.places.follow_views import FollowForm

# The screen is a short list to choose from, not a map: the nearest few.
MOST_SHOWN = 5


def _degrees(value):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _screen(found, continue_url, **context):
    """The screen for `found` ({"case", "metres"}: metres None in a community), the public
    photos looked up in one query; None when nothing is found."""
    if not found:
        return None
    prefetch_related_objects([item["case"] for item in found], "area")
    photos = public.resident_photos([item["case"] for item in found])
    reports = [{**item, "has_photo": item["case"].pk in photos} for item in found]
    return NearbyScreen(
        "places/already_reported.html",
        {
            "reports": reports,
            "nearest": reports[0],
            "form": FollowForm(initial={"reported": True, "back": continue_url}),
            "back": continue_url,
            **context,
        },
    )


def nearby_reports(*, request, page, location, answers, continue_url, fields=()):
    """A NearbyScreen listing the open public reports of the form's service near the pin (or, with
    no pin, in the community picked in this step), or None when the service is not about a public
    place or there is nothing to show."""
    site = Site.find_for_request(request) or page.get_site()
    if location is None:
        return _in_community(site, page, answers, fields, continue_url)
    lat, lng = _degrees(location.get("lat")), _degrees(location.get("lng"))
    if lat is None or lng is None:
        return None
    service = find_service(page, site)
    if service is None or not service.public_place:
        return None
    found = nearby_cases(service.pk, lat, lng, service.nearby_radius, open_only=True, limit=MOST_SHOWN * 2)
    for near in found:
        near.case.service = service  # the same service for all: the public check reads no more rows
    found = [
        {"case": near.case, "metres": max(1, round(near.metres))}
        for near in found
        if following.can_follow(near.case, site)
    ]
    return _screen(found[:MOST_SHOWN], continue_url, radius=service.nearby_radius)


def _in_community(site, page, answers, fields, continue_url):
    """The newest open public reports of the service in the picked community (the case's area, as
    matched from its pin when it was filed)."""
    area = named_area(site.pk, answers, fields)  # first: a form's other choices cost one query only
    if area is None:
        return None
    service = find_service(page, site)
    if service is None or not service.public_place:
        return None
    cases = (
        public.public_cases(site)
        .filter(service=service, area=area, status__in=UNFINISHED_STATUSES)
        .order_by("-submitted_at", "-id")[:MOST_SHOWN]
    )
    found = []
    for case in cases:
        case.service, case.area = service, area  # the same for all: no more rows read
        found.append({"case": case, "metres": None})
    return _screen(found, continue_url, area=area)
