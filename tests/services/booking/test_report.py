"""The monthly report carries the queue's figures: bookings per service and the share that did
not come, added through the report's sections hook."""

import datetime

import pytest

from services.booking.models import Booking, BookingStatus
from services.reporting import monthly
from tests.services.booking.factories import BookableServiceFactory, BookingFactory

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def test_bookings_and_no_show_share_per_service_are_in_the_report_csv(site, private_media):
    permit = BookableServiceFactory(service__title="ขออนุญาตก่อสร้างอาคาร")
    day = datetime.date(2026, 10, 14)
    for status in (BookingStatus.SERVED, BookingStatus.SERVED, BookingStatus.SERVED, BookingStatus.NO_SHOW):
        BookingFactory(service=permit, date=day, status=status)
    BookingFactory(service=permit, date=day, status=BookingStatus.CANCELLED)  # not counted
    BookingFactory(service=permit, date=datetime.date(2026, 11, 2))  # another month
    BookingFactory(service=permit, date=day, kind=Booking.Kind.WALK_IN, status=BookingStatus.SERVED, start=None)
    report = monthly.build_report(site, OCTOBER)
    lines = report.csv.open("rb").read().decode("utf-8")[1:].splitlines()
    assert "เดือน,การจองคิวรับบริการ ณ สำนักงาน" in lines
    # service, online, walk-in, served, no-show, no-show share (%)
    assert "2026-10,ขออนุญาตก่อสร้างอาคาร,4,1,4,1,25.0" in lines
    assert "2026-10,รวม,4,1,4,1,25.0" in lines
