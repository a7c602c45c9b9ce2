"""Fifty people press "book" on the last place of a slot at the same moment: exactly one gets it,
the others are told the slot is full, and the queue numbers stay unique. Real threads, real
transactions (on SQLite, and on PostgreSQL when DATABASE_URL points at it)."""

import datetime
import threading

import pytest
from django.db import close_old_connections, connection

from services.booking import queue
from services.booking.models import Booking, CounterDay
from services.booking.slots import Calendar
from tests.factories import default_site
from tests.services.booking.factories import BookableServiceFactory, BookingFactory, open_every_day

PEOPLE = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_bookings_of_the_last_place_make_one_booking():
    site = default_site()
    open_every_day(site)
    service = BookableServiceFactory(counter__capacity=3)
    calendar = Calendar(site)
    day = next(d for d in calendar.open_days() if d > datetime.date.today())
    start = datetime.time(10, 0)
    for _ in range(2):  # two of the three places already taken
        BookingFactory(service=service, date=day, start=start)
    CounterDay.objects.create(counter=service.counter, date=day, last_number=Booking.objects.count() + 100)

    barrier = threading.Barrier(PEOPLE)
    outcomes = []
    lock = threading.Lock()

    def person(index):
        try:
            barrier.wait()
            booking, _secret = queue.book(
                Calendar(site), service, day, start, name=f"ผู้จอง {index}", phone=f"08{index:08d}"
            )
            result = ("booked", booking.number)
        except queue.BookingError as error:
            result = (error.code, None)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            result = (f"error: {error!r}", None)
        finally:
            close_old_connections()
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=person, args=(i,)) for i in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    codes = sorted(code for code, _number in outcomes)
    assert codes.count("booked") == 1, codes
    assert codes.count("full") == PEOPLE - 1, codes
    assert Booking.objects.filter(date=day, start=start).count() == 3
    numbers = list(Booking.objects.filter(counter=service.counter, date=day).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
