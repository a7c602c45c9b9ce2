"""Scheduled work of queue booking (rows of portal/schedules.py's table).

`send_reminders` (daily, the morning before): every booking of tomorrow still booked is told
once — by LINE when it was booked from a request whose resident follows the office's LINE
account, else by e-mail when one was given, else by SMS. Its words are an event of this area's
own (`notification_events`, registered with notifications' EVENTS_HOOK), so each office's editors
reword it as any message. It goes through the notifications outbox (a row written in our
transaction, sent after commit, retried with backoff, shown to staff when it could not be
delivered). Twice-safe two ways: a booking is claimed by a
conditional UPDATE of `reminded_at` before its message is written, and the outbox's idempotency
key (booking, day, channel, recipient) refuses a second row. A booking moved to another day is
due a reminder again (its `reminded_at` is cleared by the move).

`purge_personal_data` (daily, at night): the name, phone and e-mail of bookings whose day is
older than the office's retention period are removed; the counts the monthly report reads stay.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.templatetags.portal_tags import thaidate
from services.booking.models import Booking, BookingSettings, BookingStatus
from services.notifications.channels import get_channel
from services.notifications.events import office_name, resident_address
from services.notifications.models import AreaEvent, NotifyChannel
from services.notifications.outbox import record
from services.notifications.render import addressee

logger = logging.getLogger(__name__)

# A notifications event of this area's own (services.notifications.models.EVENTS_HOOK): editors
# reword it per office and language like any message; the built-in wording is below.
REMINDER_EVENT = "booking_reminder"


def notification_events():
    """The reminder as an event editors can reword, for notifications' EVENTS_HOOK."""
    return {
        REMINDER_EVENT: AreaEvent(
            _("Booked visit: reminder the day before"),
            ("name", "service", "day", "time", "counter", "ticket", "reference", "office"),
            _("Reminder: your visit tomorrow at {time}"),
            _(
                "Dear {name},\n\nThis is a reminder of your booking for “{service}” tomorrow, {day}, at {time}, "
                "{counter}. Your queue number is {ticket} (booking {reference}).\n\nCannot come? Please cancel with "
                "the link you received when booking, so someone else can have the place.\n\n{office}"
            ),
        )
    }


def _address(booking):
    """(channel, recipient) for the booking, or None when it has no contact left."""
    if booking.case_id and booking.case.submission_id:
        found = resident_address(booking.case.submission, booking.site)
        if found and found[0] == NotifyChannel.LINE:
            return found
    if booking.email and get_channel(NotifyChannel.EMAIL).is_configured(booking.site):
        return NotifyChannel.EMAIL, booking.email
    if booking.phone:
        return NotifyChannel.SMS, booking.phone
    if booking.email:
        return NotifyChannel.EMAIL, booking.email
    return None


def reminder_values(booking, language):
    """The placeholders' values of `booking`'s reminder, in `language`."""
    with translation.override(language):
        return {
            "name": addressee(booking.name),
            "service": booking.service_name(language) or gettext("your visit"),
            "day": thaidate(booking.date, "long"),
            "time": f"{booking.start:%H:%M}",
            "counter": booking.counter.tr("name"),
            "ticket": booking.ticket,
            "reference": booking.reference,
            "office": office_name(booking.site),
        }


def remind(booking, now=None):
    """Write the booking's reminder to the outbox (in the caller's transaction) if it was not
    reminded yet, in the office's own wording (services.notifications.render). Returns the
    Notification row, or None."""
    now = now or timezone.now()
    claimed = Booking.objects.filter(pk=booking.pk, reminded_at__isnull=True, status=BookingStatus.BOOKED).update(
        reminded_at=now
    )
    if not claimed:
        return None
    address = _address(booking)
    if address is None:
        return None
    channel, recipient = address
    language = booking.language if booking.language in dict(settings.LANGUAGES) else "th"
    return record(
        event=REMINDER_EVENT,
        channel=channel,
        recipient=recipient,
        language=language,
        values=reminder_values(booking, language),
        key=f"{REMINDER_EVENT}:{booking.pk}:{booking.date}:{channel}:{recipient}",
        case=booking.case if booking.case_id else None,
        site=booking.site_id,
    )


def send_reminders(today=None):
    """Daily: remind every booking of tomorrow. Returns how many reminders were written."""
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    count = 0
    pending = Booking.objects.filter(
        date=tomorrow, status=BookingStatus.BOOKED, kind=Booking.Kind.ONLINE, reminded_at__isnull=True
    ).select_related("site", "counter", "case__submission")
    for booking in pending.iterator():
        with transaction.atomic():
            if remind(booking) is not None:
                count += 1
    logger.info("booking reminders written: %s", count)
    return count


def purge_personal_data(today=None):
    """Daily: blank the contact details of bookings past their office's retention period."""
    today = today or timezone.localdate()
    now = timezone.now()
    count = 0
    site_ids = Booking.objects.filter(anonymised_at__isnull=True).values_list("site_id", flat=True).distinct()
    for site_id in list(site_ids):
        days = BookingSettings.objects.filter(site_id=site_id).values_list("retention_days", flat=True).first()
        cutoff = today - datetime.timedelta(days=days or BookingSettings._meta.get_field("retention_days").default)
        count += Booking.objects.filter(site_id=site_id, date__lt=cutoff, anonymised_at__isnull=True).update(
            name="", phone="", email="", secret_hash="", anonymised_at=now
        )
    return count


def forget_person(phones=(), emails=(), site_ids=None):
    """Blank the person's bookings found by phone (ASCII digits, 0XXXXXXXXX) or e-mail, of
    `site_ids`' offices (None: every office). For a data-subject erasure; returns the count.
    Privacy sits below booking and offers no erasure hook yet: this is what one would call."""
    rows = Booking.objects.filter(anonymised_at__isnull=True)
    if site_ids is not None:
        rows = rows.filter(site_id__in=site_ids)
    phones, emails = [p for p in phones if p], [e.casefold() for e in emails if e]
    if not phones and not emails:
        return 0
    query = rows.filter(phone__in=phones) | rows.filter(email__in=emails)
    return query.update(name="", phone="", email="", secret_hash="", anonymised_at=timezone.now())
