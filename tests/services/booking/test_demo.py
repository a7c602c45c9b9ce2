"""The demo office takes bookings: counters, services booked by visit, bookings made through
the resident's path, and the demo's case officers run the counter queue."""

import io

from django.contrib.auth import get_user_model

from services.booking import demo as booking_demo
from services.booking.models import BookableService, Booking, Counter


def test_the_demo_has_counters_services_and_bookings_and_loads_twice_the_same(demo, site, client):
    counters = Counter.objects.filter(site=site)
    assert set(counters.values_list("letter", flat=True)) == {"A", "B", "C"}
    services = BookableService.objects.filter(site=site)
    assert services.filter(service__slug="building-permit").exists()
    bookings = Booking.objects.filter(site=site)
    assert bookings.exists()
    assert all(b.reference and b.number and b.phone.startswith("08") for b in bookings)
    before = (counters.count(), services.count(), bookings.count())
    booking_demo.load(site, io.StringIO())
    assert (counters.count(), services.count(), bookings.count()) == before

    officer = get_user_model().objects.get(username="officer.works")
    assert officer.has_perm("booking.manage_queue")
    client.force_login(officer)
    first = bookings.order_by("date", "start").first()
    page = client.get(f"/admin/booking/?counter={first.counter_id}&day={first.date.isoformat()}")
    assert page.status_code == 200 and first.ticket in page.content.decode()
    assert client.get("/th/booking/").status_code == 200
