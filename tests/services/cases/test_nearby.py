"""Cases near a point, as "already reported here" and "possible duplicates" see them: the same
service within the radius, nearest first; far, other-service, merged and (when asked) closed or
old cases left out."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from services.cases.models import CaseStatus
from services.cases.nearby import distance_m, nearby_cases
from tests.factories import CaseFactory, GuidePageFactory, services_index

pytestmark = pytest.mark.django_db

# A street in the demo town; 0.0001° of latitude is about 11 m.
LAT, LNG = Decimal("13.756300"), Decimal("100.501800")


def at(north_m=0.0, east_m=0.0):
    lat = LAT + Decimal(north_m / 111_320).quantize(Decimal("0.000001"))
    lng = LNG + Decimal(east_m / 108_130).quantize(Decimal("0.000001"))
    return {"latitude": lat, "longitude": lng}


def test_the_same_service_within_the_radius_nearest_first(home_th):
    index = services_index(home_th)
    light = GuidePageFactory(parent=index, slug="streetlight")
    road = GuidePageFactory(parent=index, slug="road")
    far = CaseFactory(service=light, **at(north_m=80))
    near = CaseFactory(service=light, **at(east_m=30))
    nearest = CaseFactory(service=light, **at(north_m=10))
    CaseFactory(service=road, **at(north_m=5))
    closed = CaseFactory(service=light, status=CaseStatus.CLOSED, **at(north_m=20))
    merged = CaseFactory(service=light, **at(north_m=15))
    merged.duplicate_of = nearest
    merged.save()
    old = CaseFactory(service=light, submitted_at=timezone.now() - datetime.timedelta(days=40), **at(north_m=25))

    found = nearby_cases(light.pk, LAT, LNG, 50)
    assert [n.case for n in found] == [nearest, closed, old, near]
    assert 9 < found[0].metres < 11 and 29 < found[-1].metres < 31
    assert far not in [n.case for n in nearby_cases(light.pk, LAT, LNG, 50)]
    assert [n.case for n in nearby_cases(light.pk, LAT, LNG, 50, open_only=True)] == [nearest, old, near]
    assert [n.case for n in nearby_cases(light.pk, LAT, LNG, 50, days=30, exclude=nearest.pk)] == [closed, near]
    assert [n.case for n in nearby_cases(light.pk, LAT, LNG, 100)][-1] == far


def test_no_point_or_an_impossible_one_finds_nothing(home_th):
    light = GuidePageFactory(parent=services_index(home_th), slug="streetlight")
    CaseFactory(service=light, **at())
    assert nearby_cases(light.pk, None, LNG, 50) == []
    assert nearby_cases(light.pk, Decimal("89.9"), LNG, 50) == []
    assert nearby_cases(None, LAT, LNG, 50) == []


def test_distance_is_the_great_circle():
    # Bangkok to Chiang Mai, about 583 km as the crow flies.
    assert 575_000 < distance_m(13.7563, 100.5018, 18.7883, 98.9853) < 590_000
