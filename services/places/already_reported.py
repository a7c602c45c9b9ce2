""" "Already reported here": the screen the e-form shows after a resident pins a problem on the map
of a public-place service, when open reports of the same service lie within the service's
distance. They may follow one of them instead of filing the same problem again, or carry on.

The form engine calls `nearby_reports` through settings.FORMS_BUILDER_NEARBY (it imports nothing
of cases). What the screen shows of a report is what its public page shows: the service, status,
date, community, distance and the public photo; never who reported it or what else they wrote.
"""

from decimal import Decimal, InvalidOperation

from django.db.models import prefetch_related_objects
from wagtail.models import Site

from forms_builder.nearby import NearbyScreen
from services.cases.intake import find_service
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


def nearby_reports(*, request, page, location, answers, continue_url):
    """A NearbyScreen listing the open public reports of the form's service near the pin, or None
    when the service is not about a public place or nothing is near."""
    lat, lng = _degrees(location.get("lat")), _degrees(location.get("lng"))
    if lat is None or lng is None:
        return None
    site = Site.find_for_request(request) or page.get_site()
    service = find_service(page, site)
    if service is None or not service.public_place:
        return None
    found = nearby_cases(service.pk, lat, lng, service.nearby_radius, open_only=True, limit=MOST_SHOWN * 2)
    for near in found:
        near.case.service = service  # the same service for all: the public check reads no more rows
    found = [near for near in found if following.can_follow(near.case, site)][:MOST_SHOWN]
    if not found:
        return None
    prefetch_related_objects([near.case for near in found], "area")
    photos = public.resident_photos([near.case for near in found])
    reports = [
        {"case": near.case, "metres": max(1, round(near.metres)), "has_photo": near.case.pk in photos} for near in found
    ]
    return NearbyScreen(
        "places/already_reported.html",
        {
            "reports": reports,
            "nearest": reports[0],
            "radius": service.nearby_radius,
            "form": FollowForm(initial={"reported": True, "back": continue_url}),
            "back": continue_url,
        },
    )
