"""Factories of queue booking: a counter of the default office, a service booked at it, bookings."""

import datetime

import factory
from django.utils import timezone

from services.booking.models import BookableService, Booking, BookingSettings, Counter
from tests.factories import ModelFactory, ServicePageFactory, default_site


def open_every_day(site, **fields):
    """The office's booking hours for tests: every weekday open (so a test's day is not a weekend
    by accident), 08:30-16:30 with lunch 12-13, 30-minute slots."""
    settings = BookingSettings.for_site(site)
    settings.open_weekdays = "0123456"
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


class CounterFactory(ModelFactory):
    class Meta:
        model = Counter

    site = factory.LazyFunction(default_site)
    name = factory.Sequence(lambda n: f"ช่อง {n + 1} งานทะเบียน")
    name_en = factory.Sequence(lambda n: f"Counter {n + 1}, registration")
    letter = "A"
    capacity = 2


class BookableServiceFactory(ModelFactory):
    class Meta:
        model = BookableService

    service = factory.SubFactory(ServicePageFactory)
    counter = factory.SubFactory(CounterFactory)
    note = "บัตรประชาชนตัวจริง"


class BookingFactory(ModelFactory):
    """An online booking for a slot; ``number`` and ``reference`` are unique per row."""

    class Meta:
        model = Booking

    service = factory.SubFactory(BookableServiceFactory)
    counter = factory.SelfAttribute("service.counter")
    site = factory.SelfAttribute("service.site")
    service_title = factory.SelfAttribute("service.service.title")
    reference = factory.Sequence(lambda n: f"QT{n:06d}")
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=1))
    start = datetime.time(9, 0)
    number = factory.Sequence(lambda n: n + 1)
    name = "สมศรี ใจดี"
    phone = "0812345678"
