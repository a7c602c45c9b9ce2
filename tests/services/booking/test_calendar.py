"""The booking calendar: the office's hours and lunch break make the slots; weekends the office
does not open, Thai public holidays and the office's own closures are never offered."""

import datetime

import pytest
from django.utils import timezone

from services.booking.slots import Calendar
from services.cases.models import OfficeClosure
from tests.services.booking.factories import BookingFactory, open_every_day

pytestmark = pytest.mark.django_db

# A Wednesday, long enough before the Constitution Day holiday (10 December) to look ahead.
NOW = timezone.make_aware(datetime.datetime(2026, 12, 2, 7, 0))


def test_slots_follow_the_hours_and_skip_the_lunch_break(site):
    open_every_day(site, slot_minutes=45)
    starts = [f"{t:%H:%M}" for t in Calendar(site, now=NOW).starts()]
    # 08:30, 09:15, 10:00, 10:45 (11:30 would run into lunch), then from 13:00 to 15:15 (ends 16:00)
    assert starts == ["08:30", "09:15", "10:00", "10:45", "13:00", "13:45", "14:30", "15:15"]


def test_holidays_closures_and_closed_weekdays_are_not_offered(site):
    open_every_day(site, open_weekdays="01234", days_ahead=14)
    OfficeClosure.objects.create(site=site, date=datetime.date(2026, 12, 4), reason="งานประเพณี")
    calendar = Calendar(site, now=NOW)
    days = calendar.open_days()
    assert datetime.date(2026, 12, 2) in days and datetime.date(2026, 12, 3) in days
    assert datetime.date(2026, 12, 4) not in days  # the office's closure
    assert datetime.date(2026, 12, 5) not in days  # Saturday (and the late King's birthday)
    assert datetime.date(2026, 12, 10) not in days  # Constitution Day
    assert calendar.closed_reason(datetime.date(2026, 12, 10)) == "holiday"
    assert calendar.closed_reason(datetime.date(2026, 12, 6)) == "weekday"
    assert max(days) <= datetime.date(2026, 12, 16)


def test_places_left_count_bookings_holding_a_place(site, bookable):
    calendar = Calendar(site, now=NOW)
    day = datetime.date(2026, 12, 3)
    BookingFactory(service=bookable, date=day, start=datetime.time(9, 0))
    BookingFactory(service=bookable, date=day, start=datetime.time(9, 0), status="cancelled")
    slots = {slot.start: slot.free for slot in calendar.slots(bookable.counter, [day])[day]}
    assert slots[datetime.time(9, 0)] == 1
    assert slots[datetime.time(9, 30)] == 2


def test_the_next_free_slots_skip_full_ones(site, bookable):
    calendar = Calendar(site, now=NOW)
    day = datetime.date(2026, 12, 3)
    for _ in range(2):
        BookingFactory(service=bookable, date=day, start=datetime.time(8, 30))
    free = calendar.next_free(bookable.counter, after_day=day)
    assert [(slot.day, slot.start) for slot in free][:2] == [(day, datetime.time(9, 0)), (day, datetime.time(9, 30))]
