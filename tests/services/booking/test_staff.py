"""The counter staff's day list in the admin: office-scoped, behind a permission, readable on a
phone (cards), marks arrived / served / did not come, and walk-in tickets into the same queue."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.models import StaffRole
from services.booking.models import Booking, BookingStatus, CounterDay
from tests.factories import OfficeFactory, office_staff
from tests.services.booking.factories import BookableServiceFactory, BookingFactory, CounterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return OfficeFactory()


@pytest.fixture
def counter_staff(office):
    person = office_staff(office, StaffRole.OFFICER)
    person.user_permissions.add(Permission.objects.get(codename="manage_queue", content_type__app_label="booking"))
    return person


@pytest.fixture
def counter(office):
    return CounterFactory(site=office.site, letter="B")


def _bookings(counter, day, count, service=None):
    service = service or BookableServiceFactory(counter=counter, service__parent=counter.site.root_page)
    return [
        BookingFactory(service=service, date=day, start=datetime.time(9 + i % 6, 0), name=f"คนที่ {i}")
        for i in range(count)
    ]


def test_the_day_list_costs_the_same_queries_for_3_or_30_bookings(client, counter_staff, counter):
    client.force_login(counter_staff)
    today = timezone.localdate()
    (first,) = _bookings(counter, today, 1)
    _bookings(counter, today, 2, first.service)
    url = f"/admin/booking/?counter={counter.pk}&day={today.isoformat()}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert first.ticket in page and "คนที่ 0" in page
    _bookings(counter, today, 27, first.service)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_without_the_permission_or_for_another_office_nothing_shows(client, office, counter_staff, counter):
    other = OfficeFactory()
    other_counter = CounterFactory(site=other.site)
    (booking,) = _bookings(other_counter, timezone.localdate(), 1)
    client.force_login(counter_staff)
    page = client.get(f"/admin/booking/?counter={other_counter.pk}").content.decode()
    assert other_counter.name not in page  # falls back to the person's own counter
    # Not found (Django's locale middleware answers a 404 under /admin/ with a redirect to /th/…).
    assert client.post(f"/admin/booking/{booking.pk}/mark/", {"status": "served"}).status_code in (302, 404)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.BOOKED
    assert client.get(f"/admin/booking/{booking.pk}/ticket/", follow=True).status_code == 404
    plain = office_staff(office, StaffRole.OFFICER)
    client.force_login(plain)
    assert client.get("/admin/booking/").status_code in (302, 403)


def test_marks_and_walk_in_tickets_share_the_queue(client, counter_staff, counter):
    client.force_login(counter_staff)
    today = timezone.localdate()
    (booking,) = _bookings(counter, today, 1)
    Booking.objects.filter(pk=booking.pk).update(number=1)
    CounterDay.objects.create(counter=counter, date=today, last_number=1)
    client.post(f"/admin/booking/{booking.pk}/mark/", {"status": "arrived"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ARRIVED
    client.post(f"/admin/booking/{booking.pk}/mark/", {"status": "served"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SERVED
    response = client.post("/admin/booking/walk-in/", {"counter": counter.pk})
    ticket = Booking.objects.get(kind=Booking.Kind.WALK_IN)
    assert response.status_code == 302 and response["Location"].endswith(f"/admin/booking/{ticket.pk}/ticket/")
    assert ticket.number == 2 and ticket.ticket == "B-002"
    page = client.get(response["Location"]).content.decode()
    assert "B-002" in page and "<svg" in page
    day = client.get(f"/admin/booking/?counter={counter.pk}").content.decode()
    assert "B-002" in day and "B-001" in day


def test_hostile_ids_in_the_walk_in_form_find_nothing(client, counter_staff, counter):
    client.force_login(counter_staff)
    for value in ("abc", "9" * 30, "1\x00", "-1"):
        response = client.post("/admin/booking/walk-in/", {"counter": value, "service": value})
        assert response.status_code in (302, 404)  # a 404 under /admin/ is redirected to /th/… by the locale middleware
    assert not Booking.objects.exists()
