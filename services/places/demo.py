"""Public reports in the demo: streetlights and complaints are about public places, and the demo's
requests for them get a point in one of the town's communities, so /th/reports/ has a map and a
list to show (and the browser tests something to check).

Deterministic (its own Random) and idempotent: a service already marked stays marked, and only
cases without a point get one, so a second run changes nothing.
"""

import random
from decimal import Decimal

from services.areas.models import Area
from services.cases.models import Case
from services.models import ServicePage

PUBLIC_PLACE_SERVICES = ["streetlight-repair", "complaint"]
# The demo town's map centre (FORMS_BUILDER_MAP_CENTER), for an office without communities.
CENTRE = (18.7883, 98.9853)
SPREAD = 0.015  # degrees either side of the centre: a town, about 3 km across
# One report in twenty asked to stay off the map.
PRIVATE_SHARE = 0.05
SEED = 2569


def load(site, out):
    services = list(
        ServicePage.objects.descendant_of(site.root_page).filter(slug__in=PUBLIC_PLACE_SERVICES, public_place=False)
    )
    # Both languages' guides: the editor's switch is per page, and the English one must agree.
    homes = [site.root_page, *site.root_page.get_translations()]
    for home in homes[1:]:
        services += list(
            ServicePage.objects.descendant_of(home).filter(slug__in=PUBLIC_PLACE_SERVICES, public_place=False)
        )
    for service in services:
        service.public_place = True
        service.save_revision().publish()
    rng = random.Random(SEED)  # noqa: S311 - demo points, nothing secret
    # Areas whose bounding box is known (a shape saved through the areas app's checks).
    areas = [a for a in Area.objects.filter(site=site).order_by("name") if a.max_latitude > a.min_latitude]
    cases = list(
        Case.objects.filter(
            site=site, service__slug__in=PUBLIC_PLACE_SERVICES, latitude__isnull=True, duplicate_of__isnull=True
        ).order_by("id")
    )
    for case in cases:
        if areas:
            area = rng.choice(areas)
            latitude = rng.uniform(area.min_latitude, area.max_latitude)
            longitude = rng.uniform(area.min_longitude, area.max_longitude)
            case.area = area
        else:
            latitude = CENTRE[0] + rng.uniform(-SPREAD, SPREAD)
            longitude = CENTRE[1] + rng.uniform(-SPREAD, SPREAD)
        case.latitude = Decimal(f"{latitude:.6f}")
        case.longitude = Decimal(f"{longitude:.6f}")
        case.private_report = rng.random() < PRIVATE_SHARE
    Case.objects.bulk_update(cases, ["latitude", "longitude", "area", "private_report"], batch_size=500)
    out.write(f"  public reports: {len(services)} services marked public places, {len(cases)} reports placed")
