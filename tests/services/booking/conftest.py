import datetime

import pytest

from services.booking.slots import Calendar
from tests.services.booking.factories import BookableServiceFactory, open_every_day


@pytest.fixture
def bookable(site):
    """A service booked at a counter of the default office, open every day of the week."""
    open_every_day(site)
    return BookableServiceFactory(counter__capacity=2)


@pytest.fixture
def open_day(site, bookable):
    """A bookable day after today (today's slots may all have passed)."""
    days = [day for day in Calendar(site).open_days() if day > datetime.date.today()]
    return days[0]
