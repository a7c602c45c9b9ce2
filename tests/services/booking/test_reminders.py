"""The day before, each booking is reminded once, through the notifications outbox: by SMS to
the phone, by e-mail when one was given; running the job twice sends nothing more, and a booking
moved to another day is reminded again for that day. Names and phones go after the retention."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from services.booking import queue
from services.booking.models import Booking, BookingStatus
from services.booking.slots import Calendar
from services.booking.tasks import REMINDER_EVENT, forget_person, purge_personal_data, send_reminders
from services.notifications.models import Notification, NotificationTemplate
from tests.services.booking.factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms(settings):
    settings.SMS_GATEWAY_URL = "http://sms.invalid/send"


def test_reminded_once_by_sms_the_day_before(site, bookable, sms):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    booking = BookingFactory(service=bookable, date=tomorrow, start=datetime.time(9, 30), phone="0812345678")
    BookingFactory(service=bookable, date=tomorrow, status=BookingStatus.CANCELLED)
    BookingFactory(service=bookable, date=tomorrow + datetime.timedelta(days=1))
    assert send_reminders() == 1
    assert send_reminders() == 0
    (row,) = Notification.objects.all()
    assert (row.channel, row.recipient, row.site_id) == ("sms", "0812345678", site.pk)
    assert "09:30" in row.body and booking.ticket in row.body and booking.reference in row.body
    assert "0812345678" not in row.idempotency_key


def test_email_when_given_and_reminded_again_after_a_move(site, bookable, sms):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    booking = BookingFactory(service=bookable, date=tomorrow, start=datetime.time(23, 30), email="somsri@example.org")
    send_reminders()
    assert Notification.objects.get().channel == "email"
    # Moved to the day after: reminded for that day, the day before it.
    calendar = Calendar(site)
    later = next(day for day in calendar.open_days() if day > tomorrow)
    booking.refresh_from_db()
    queue.move(calendar, booking, later, datetime.time(10, 0))
    assert Booking.objects.get(pk=booking.pk).reminded_at is None
    assert send_reminders(today=later - datetime.timedelta(days=1)) == 1
    assert Notification.objects.count() == 2


def test_an_editor_rewords_the_reminder_like_any_other_message(site, bookable, sms):
    """The reminder is in the templates' choices with its placeholders checked, and the office's
    own wording is what the resident gets."""
    assert (REMINDER_EVENT, "นัดหมายเข้ารับบริการ: แจ้งเตือนก่อนหนึ่งวัน") in [
        (value, str(label)) for value, label in NotificationTemplate._meta.get_field("event").choices
    ]
    wrong = NotificationTemplate(site=site, event=REMINDER_EVENT, language="th", subject="{time}", body="{bogus}")
    with pytest.raises(ValidationError) as refused:
        wrong.full_clean()
    assert "{ticket}" in str(refused.value)  # the message lists what may be used
    NotificationTemplate.objects.create(
        site=site,
        event=REMINDER_EVENT,
        language="th",
        subject="พรุ่งนี้ {time} ที่ {counter}",
        body="เรียน {name} บัตรคิว {ticket} วันที่ {day}",
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    booking = BookingFactory(service=bookable, date=tomorrow, start=datetime.time(9, 30), name="นางสมศรี ใจดี")
    assert send_reminders() == 1
    sent = Notification.objects.get()
    assert sent.event == REMINDER_EVENT
    assert sent.subject == f"พรุ่งนี้ 09:30 ที่ {bookable.counter.name}"
    assert sent.body.startswith(f"เรียน คุณสมศรี ใจดี บัตรคิว {booking.ticket} วันที่ ")


def test_contacts_are_removed_after_the_retention_and_on_erasure(site, bookable):
    old = BookingFactory(service=bookable, date=timezone.localdate() - datetime.timedelta(days=91))
    recent = BookingFactory(service=bookable, date=timezone.localdate() - datetime.timedelta(days=10))
    assert purge_personal_data() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.name, old.phone, old.secret_hash) == ("", "", "") and old.anonymised_at
    assert recent.phone == "0812345678"
    assert forget_person(phones=["0812345678"], site_ids=[site.pk]) == 1
    recent.refresh_from_db()
    assert recent.name == ""
