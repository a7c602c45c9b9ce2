"""The resident's booking pages: choose a day and a time, book with a name and a phone, get a
reference, a queue number and a QR, then move or cancel from the booking's own link. Bad input
gets a message next to the field with everything else kept."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services.booking.models import Booking, BookingStatus, CounterDay
from services.booking.slots import Calendar
from services.cases.models import OfficeClosure
from tests.factories import OfficeFactory
from tests.services.booking.factories import BookableServiceFactory, BookingFactory, CounterFactory, open_every_day

pytestmark = pytest.mark.django_db


def slot(day, hhmm="09:00"):
    return f"{day.isoformat()}T{hhmm}"


def book(client, service, day, hhmm="09:00", **fields):
    data = {"day": day.isoformat(), "slot": slot(day, hhmm), "name": "สมศรี ใจดี", "phone": "0812345678", **fields}
    return client.post(f"/th/booking/{service.pk}/", data)


def test_the_office_lists_its_services_booked_by_visit(client, bookable):
    page = client.get("/th/booking/").content.decode()
    assert bookable.service.title in page
    assert f'href="/th/booking/{bookable.pk}/"' in page


def test_the_slot_page_shows_days_and_times_in_a_fixed_number_of_queries(client, bookable, open_day):
    for hour in (9, 10, 11):
        BookingFactory(service=bookable, date=open_day, start=datetime.time(hour, 0))
    client.get(f"/th/booking/{bookable.pk}/?day={open_day.isoformat()}")  # warm the settings and closures caches
    with CaptureQueriesContext(connection) as first:
        response = client.get(f"/th/booking/{bookable.pk}/?day={open_day.isoformat()}")
    for hour in (13, 14, 15):
        BookingFactory(service=bookable, date=open_day, start=datetime.time(hour, 0))
    with CaptureQueriesContext(connection) as second:
        client.get(f"/th/booking/{bookable.pk}/?day={open_day.isoformat()}")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{slot(open_day)}"' in page and "09:00 (เหลือ 1 ที่)" in page
    assert len(first) == len(second) <= 8, [q["sql"] for q in second.captured_queries]


def test_booking_with_thai_digits_gives_a_reference_a_queue_number_and_a_qr(client, bookable, open_day):
    response = book(client, bookable, open_day, phone="๐๘๑-๒๓๔-๕๖๗๘")
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.phone == "0812345678"
    assert (booking.date, booking.start, booking.ticket) == (open_day, datetime.time(9, 0), "A-001")
    manage = client.get(response["Location"])
    page = manage.content.decode()
    assert booking.reference in page and "A-001" in page
    assert 'role="img" aria-label="' in page and "<svg" in page
    assert manage["Cache-Control"].startswith("max-age=0") or "no-cache" in manage["Cache-Control"]


def test_full_width_digits_are_digits_too(client, bookable, open_day):
    assert book(client, bookable, open_day, phone="０８１２３４５６７８").status_code == 302
    assert Booking.objects.get().phone == "0812345678"


def test_a_past_slot_is_refused_next_to_the_field_and_the_name_kept(client, bookable):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = book(client, bookable, yesterday, name="มานี มีนา")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_slot-error"' in page and "ผ่านไปแล้ว" in page
    assert 'value="มานี มีนา"' in page and 'value="0812345678"' in page
    assert not Booking.objects.exists()


def test_a_closed_day_is_refused_with_why(client, site, bookable, open_day):
    OfficeClosure.objects.create(site=site, date=open_day, reason="งานประเพณี")
    response = book(client, bookable, open_day)
    page = response.content.decode()
    assert response.status_code == 400
    assert "id_slot-error" in page and "สำนักงานปิด" in page
    assert not Booking.objects.exists()


def test_a_bad_phone_is_refused_next_to_the_field(client, bookable, open_day):
    response = book(client, bookable, open_day, phone="12345")
    assert response.status_code == 400
    assert 'id="id_phone-error"' in response.content.decode()


def test_a_full_slot_says_so_and_offers_the_next_free_ones(client, bookable, open_day):
    for _ in range(2):
        BookingFactory(service=bookable, date=open_day, start=datetime.time(9, 0))
    response = book(client, bookable, open_day, name="มานี มีนา")
    page = response.content.decode()
    assert response.status_code == 409
    assert "id_slot-error" in page and "เพิ่งถูกจอง" in page
    assert 'id="next-free"' in page and "09:30" in page
    assert 'value="มานี มีนา"' in page
    assert Booking.objects.count() == 2


def test_move_and_cancel_from_the_link(client, bookable, open_day):
    location = book(client, bookable, open_day)["Location"]
    booking = Booking.objects.get()
    moved = client.post(location, {"action": "move", "day": open_day.isoformat(), "slot": slot(open_day, "14:00")})
    assert moved.status_code == 302 and moved["Location"].endswith("?done=moved")
    booking.refresh_from_db()
    assert booking.start == datetime.time(14, 0) and booking.number == 1
    assert "ย้ายการจองแล้ว" in client.get(moved["Location"]).content.decode()
    cancelled = client.post(location, {"action": "cancel"})
    assert cancelled.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    # The place is free again.
    assert book(client, bookable, open_day, "14:00").status_code == 302


def test_the_reference_alone_or_another_office_opens_nothing(client, bookable, open_day):
    location = book(client, bookable, open_day)["Location"]
    reference = Booking.objects.get().reference
    assert client.get(f"/th/booking/b/{reference}/guess/").status_code == 404
    other = OfficeFactory()
    assert client.get(location, HTTP_HOST=other.site.hostname).status_code == 404
    other_service = BookableServiceFactory(counter=CounterFactory(site=other.site), service__parent=other.home_th)
    assert client.get(f"/th/booking/{other_service.pk}/").status_code == 404


def test_one_address_cannot_book_out_the_day_but_neighbours_can_book(client, settings, bookable, open_day):
    open_every_day(bookable.site, slot_minutes=60, lunch_starts=None, lunch_ends=None)  # 8 slots x 2 = 16 places
    settings.BOOKING_ADDRESS_MIN_PER_DAY = 4
    settings.BOOKING_PER_SESSION_PER_HOUR = 100
    codes = []
    for hour in range(8, 16):
        for _ in range(2):
            codes.append(book(client, bookable, open_day, f"{hour:02d}:30", phone="0891112222").status_code)
    assert codes.count(302) == 8  # half the day's places from one address
    assert codes[8:].count(429) == 8
    page = book(client, bookable, open_day, "15:30").content.decode()
    assert "การเชื่อมต่ออินเทอร์เน็ต" in page
    # Another address (another household) still books.
    assert (
        client.post(
            f"/th/booking/{bookable.pk}/",
            {"day": open_day.isoformat(), "slot": slot(open_day, "15:30"), "name": "ก ข", "phone": "0812345678"},
            REMOTE_ADDR="10.0.0.9",
        ).status_code
        == 302
    )


def test_english_pages(client, bookable, open_day):
    # A day after today: late in the afternoon (Bangkok time) today has no time left.
    page = client.get(f"/en/booking/{bookable.pk}/", {"day": open_day.isoformat()}).content.decode()
    assert "Book a visit" in page
    assert re.search(r"places left|full", page)


def test_moving_to_another_day_takes_that_days_next_queue_number(client, site, bookable, open_day):
    location = book(client, bookable, open_day)["Location"]
    later = next(day for day in Calendar(site).open_days() if day > open_day)
    BookingFactory(service=bookable, date=later, start=datetime.time(8, 30), number=1)
    CounterDay.objects.create(counter=bookable.counter, date=later, last_number=1)
    moved = client.post(
        f"{location}?day={later.isoformat()}",
        {"action": "move", "day": later.isoformat(), "slot": slot(later, "10:00")},
    )
    assert moved.status_code == 302
    booking = Booking.objects.get(date=later, start=datetime.time(10, 0))
    assert booking.ticket == "A-002"
    assert "A-002" in client.get(moved["Location"]).content.decode()


def test_junk_in_a_booking_link_is_a_404(client, bookable):
    for reference in ("Q%00ABC", "Q'--", "9" * 40):
        assert client.get(f"/th/booking/b/{reference}/secret/").status_code == 404
