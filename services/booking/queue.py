"""Taking a place: book, move, cancel and print walk-in tickets, one writer per counter-day.

Every change of a counter-day's places runs in a transaction that first locks that day's
`CounterDay` row. On PostgreSQL that is SELECT … FOR UPDATE: fifty people pressing "book" on
the last place queue on the row, the first counts a free place and takes it, the other
forty-nine count none. On SQLite the project's IMMEDIATE transactions already make every
writer wait its turn at BEGIN; those still waiting after the busy timeout try again
(`_in_turn`), since a refused BEGIN did nothing. The row also hands out the day's queue numbers,
so online bookings and walk-ins share one sequence (A-001, A-002 …).
"""

import secrets
import time

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from services.booking.models import HOLDING, Booking, BookingStatus, CounterDay
from services.cases.intake import english_title

REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no 0/O, 1/I, 2/Z, 5/S, 6/G, 8/B to misread
SQLITE_QUEUE_SECONDS = 120


class BookingError(Exception):
    """A place could not be taken; `code` says why ("full", "closed", "past", "changed")."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def new_reference():
    return "Q" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


def _in_turn(write):
    """`write()` in a transaction; on SQLite, again while the database is busy with other writers."""
    deadline = time.monotonic() + SQLITE_QUEUE_SECONDS
    while True:
        try:
            with transaction.atomic():
                return write()
        except OperationalError as error:
            if not (connection.vendor == "sqlite" and "locked" in str(error) and time.monotonic() < deadline):
                raise
            time.sleep(0.05)


def lock_day(counter, day):
    """The counter-day row, locked until the transaction ends (made on first use; when two
    make it at once the unique constraint refuses the second, which then locks the first's)."""
    if not CounterDay.objects.filter(counter=counter, date=day).exists():
        try:
            with transaction.atomic():
                CounterDay.objects.create(counter=counter, date=day)
        except IntegrityError:
            pass
    return CounterDay.objects.select_for_update().get(counter=counter, date=day)


def _next_number(counter_day):
    counter_day.last_number += 1
    counter_day.save(update_fields=["last_number"])
    return counter_day.last_number


def _places_taken(counter, day, start, exclude=None):
    rows = Booking.objects.filter(counter=counter, date=day, start=start, status__in=HOLDING, kind=Booking.Kind.ONLINE)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return rows.count()


def _check(calendar, counter, day, start, exclude=None):
    if calendar.is_past(day, start):
        raise BookingError("past")
    if not calendar.is_bookable_time(day, start):
        raise BookingError("closed")
    if _places_taken(counter, day, start, exclude) >= counter.capacity:
        raise BookingError("full")


def book(calendar, service, day, start, *, name, phone, email="", language="th", case=None):
    """Book `service` at (day, start). Returns (booking, secret of its manage link); raises
    BookingError when the slot is past, closed or full."""
    counter = service.counter

    def write():
        counter_day = lock_day(counter, day)
        _check(calendar, counter, day, start)
        booking = Booking(
            site_id=service.site_id,
            counter=counter,
            service=service,
            service_title=service.service.title[:255],
            service_title_en=english_title(service.service)[:255],
            case=case,
            date=day,
            start=start,
            number=_next_number(counter_day),
            name=name,
            phone=phone,
            email=email,
            language=language,
        )
        secret = booking.new_secret()
        for _attempt in range(5):
            booking.reference = new_reference()
            try:
                with transaction.atomic():
                    booking.save(force_insert=True)
                break
            except IntegrityError:
                booking.pk = None
                if Booking.objects.filter(reference=booking.reference).exists():
                    continue
                raise
        return booking, secret

    return _in_turn(write)


def move(calendar, booking, day, start):
    """Move a booked place to (day, start), keeping its reference and link. Its queue number is
    the new day's next one when the day changes. A reminder is due again for the new day."""
    counter = booking.counter

    def write():
        days = sorted({booking.date, day})
        locked = {d: lock_day(counter, d) for d in days}  # in date order: two moves never deadlock
        current = Booking.objects.select_for_update().get(pk=booking.pk)
        if not current.is_changeable:
            raise BookingError("changed")
        _check(calendar, counter, day, start, exclude=current)
        if day != current.date:
            current.number = _next_number(locked[day])
        current.date, current.start, current.reminded_at = day, start, None
        current.save(update_fields=["date", "start", "number", "reminded_at", "updated_at"])
        return current

    return _in_turn(write)


def cancel(booking):
    """Give the place back. True when this call cancelled it (not already cancelled or begun)."""
    if not booking.is_changeable:
        return False
    return bool(
        Booking.objects.filter(pk=booking.pk, status=BookingStatus.BOOKED).update(
            status=BookingStatus.CANCELLED, updated_at=timezone.now()
        )
    )


def walk_in(counter, service=None, now=None):
    """A ticket for someone at the office now: today's next number of the counter, no slot."""
    now = timezone.localtime(now or timezone.now())

    def write():
        counter_day = lock_day(counter, now.date())
        booking = Booking(
            site_id=counter.site_id,
            counter=counter,
            service=service,
            service_title=service.service.title if service else "",
            service_title_en=english_title(service.service)[:255] if service else "",
            kind=Booking.Kind.WALK_IN,
            date=now.date(),
            start=now.time().replace(second=0, microsecond=0),
            number=_next_number(counter_day),
            status=BookingStatus.ARRIVED,
        )
        for _attempt in range(5):
            booking.reference = new_reference()
            try:
                with transaction.atomic():
                    booking.save(force_insert=True)
                return booking
            except IntegrityError:
                booking.pk = None
                if not Booking.objects.filter(reference=booking.reference).exists():
                    raise
        raise IntegrityError("no free reference")

    return _in_turn(write)


def mark(booking, status):
    """Staff mark a booking arrived, served or not come."""
    Booking.objects.filter(pk=booking.pk).exclude(status=BookingStatus.CANCELLED).update(
        status=status, updated_at=timezone.now()
    )
