"""The resident's pages: the office's services booked by visit, a service's slots and the booking
form, and the booking's own page (its QR, cancel, move) behind the link only they were given.

Everything is scoped to the request's office: another office's service or booking is a 404.
The pages are plain forms (no JavaScript needed): a day is chosen by a link, a slot by a radio.
"""

import logging

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal import qr, ratelimit
from portal.offices import current_office
from services.booking import queue
from services.booking.forms import FULL_MESSAGE, BookingForm, SlotForm, slot_label
from services.booking.models import BookableService, Booking
from services.booking.slots import Calendar, parse_day
from services.cases.models import OPEN_STATUSES, Case
from services.cases.views import is_verified

logger = logging.getLogger(__name__)

CASE_SALT = "booking.case"
CASE_LINK_SECONDS = 30 * 24 * 3600


def case_token(case):
    """What the tracking page's "book the inspection" link carries: the case, signed, so a
    booking can only be tied to a case by someone who saw its tracking page."""
    return signing.dumps(case.pk, salt=CASE_SALT)


def _case_from(request, site, service):
    token = request.POST.get("case") or request.GET.get("case") or ""
    if not token:
        return None, ""
    try:
        pk = signing.loads(token, salt=CASE_SALT, max_age=CASE_LINK_SECONDS)
    except signing.BadSignature:
        return None, ""
    case = (
        Case.objects.filter(pk=pk, site=site, service_id=service.service_id, status__in=OPEN_STATUSES)
        .select_related("submission")
        .first()
    )
    return case, token if case else ""


def _requester(request, case):
    """The request's name and phone, filled in for its requester only: anyone holding a
    reference sees the tracking page and its booking link, but only a visitor who proved the
    request is theirs (its link or code, in this session) gets its contact details back."""
    if case is None or not case.submission_id or not is_verified(request, case):
        return {}
    submission = case.submission
    return {"name": submission.contact_name, "phone": submission.contact_phone}


def limits():
    """(per browser session an hour, per address a day as a share of the day's places, at least)."""
    return (
        int(getattr(settings, "BOOKING_PER_SESSION_PER_HOUR", 5)),
        int(getattr(settings, "BOOKING_ADDRESS_MIN_PER_DAY", 10)),
    )


def too_many(request, service, calendar, day):
    """Whether this booking is over a limit. One browser books a few an hour; one address (a
    village's shared Wi-Fi, a carrier's NAT) may hold at most half of a counter-day's places,
    never fewer than BOOKING_ADDRESS_MIN_PER_DAY: enough for neighbours sharing a connection,
    never the whole day. Staff at the counter, who book for others, are exempt."""
    if request.user.is_authenticated and request.user.has_perm("booking.manage_queue"):
        return False
    per_session, address_floor = limits()
    if not request.session.session_key:
        request.session.save()
    day_places = len(calendar.starts()) * service.counter.capacity
    per_address = max(address_floor, day_places // 2)
    address = ratelimit.client_ip(request)
    return ratelimit.hit("booking-session", request.session.session_key, per_session, 3600) or ratelimit.hit(
        f"booking-address:{service.counter_id}:{day.isoformat()}", address, per_address, 24 * 3600
    )


def services_list(request):
    site = current_office(request)
    services = (
        BookableService.objects.filter(site=site, active=True, counter__active=True)
        .select_related("service", "counter")
        .order_by("service__title")
    )
    return render(request, "booking/services.html", {"services": services})


def _chosen_day(request, calendar, days):
    day = parse_day(request.POST.get("day") or request.GET.get("day"))
    if day in days:
        return day
    return days[0] if days else None


def _slot_context(calendar, counter, day, days, form, extra=None):
    slots = calendar.slots(counter, [day]).get(day, []) if day else []
    form.fields["slot"].widget.choices = [(slot.value, slot_label(slot)) for slot in slots]
    context = {
        "days": days,
        "day": day,
        "form": form,
        "slots": slots,
        "any_free": any(slot.free for slot in slots),
        "error_forms": [form] if form.errors else [],
    }
    context.update(extra or {})
    return context


@never_cache
@require_http_methods(["GET", "POST"])
def book(request, pk):
    site = current_office(request)
    service = get_object_or_404(
        BookableService.objects.select_related("service", "counter"),
        pk=pk,
        site=site,
        active=True,
        counter__active=True,
    )
    calendar = Calendar(site)
    days = calendar.open_days()
    day = _chosen_day(request, calendar, days)
    case, token = _case_from(request, site, service)
    extra = {"service": service, "case": case, "case_token": token, "next_free": []}
    status = 200
    if request.method == "POST":
        form = BookingForm(request.POST, calendar=calendar)
        if form.is_valid():
            slot_day, start = form.cleaned_data["slot"]
            if too_many(request, service, calendar, slot_day):
                logger.warning("booking: limit reached for service %s on %s", service.pk, slot_day)
                form.add_error(
                    None,
                    _(
                        "Many bookings for this day have come from your internet connection. Please book "
                        "another day, or call the office; what you typed is kept."
                    ),
                )
                status = 429
            else:
                try:
                    booking, secret = queue.book(
                        calendar,
                        service,
                        slot_day,
                        start,
                        name=form.cleaned_data["name"],
                        phone=form.cleaned_data["phone"],
                        email=form.cleaned_data["email"],
                        language=translation.get_language() or "th",
                        case=case,
                    )
                except queue.BookingError as error:
                    form.add_error("slot", FULL_MESSAGE if error.code == "full" else _("Choose another time."))
                    extra["next_free"] = calendar.next_free(service.counter, after_day=slot_day)
                    day = slot_day if slot_day in days else day
                    status = 409
                else:
                    return redirect(manage_url(booking, secret))
        elif "slot" in form.errors:
            status = 400
            extra["next_free"] = calendar.next_free(service.counter, after_day=day)
        else:
            status = 400
    else:
        form = BookingForm(calendar=calendar, initial=_requester(request, case))
    return render(
        request, "booking/book.html", _slot_context(calendar, service.counter, day, days, form, extra), status=status
    )


def manage_url(booking, secret):
    with translation.override(booking.language):
        return reverse("booking_manage", args=[booking.reference, secret])


def _own_booking(request, reference, secret):
    reference = (reference or "").upper()[:12]
    if not (reference.isascii() and reference.isalnum()):
        raise Http404  # a NUL or other junk never reaches the query (PostgreSQL refuses a NUL)
    booking = (
        Booking.objects.filter(reference=reference, site=current_office(request))
        .select_related("counter", "service", "site")
        .first()
    )
    if booking is None or not booking.secret_matches(secret):
        raise Http404
    return booking


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, reference, secret):
    """The booking's page: its place, a QR for the counter, cancel, and move to another slot."""
    booking = _own_booking(request, reference, secret)
    calendar = Calendar(booking.site)
    days = calendar.open_days()
    day = _chosen_day(request, calendar, days)
    status = 200
    notice = request.GET.get("done", "")
    form = SlotForm(calendar=calendar)
    extra = {"booking": booking, "notice": notice, "next_free": []}
    if request.method == "POST" and booking.is_changeable:
        if request.POST.get("action") == "cancel":
            queue.cancel(booking)
            return redirect(f"{request.path}?done=cancelled")
        form = SlotForm(request.POST, calendar=calendar)
        if form.is_valid():
            new_day, start = form.cleaned_data["slot"]
            try:
                queue.move(calendar, booking, new_day, start)
            except queue.BookingError as error:
                form.add_error("slot", FULL_MESSAGE if error.code == "full" else _("Choose another time."))
                extra["next_free"] = calendar.next_free(booking.counter, after_day=new_day)
                status = 409
            else:
                return redirect(f"{request.path}?done=moved")
        else:
            status = 400
            extra["next_free"] = calendar.next_free(booking.counter, after_day=day)
    extra["qr"] = qr.svg(
        booking.reference, border=2, label=_("QR code of booking %(ref)s") % {"ref": booking.reference}
    )
    extra["service_name"] = booking.service_name(translation.get_language())
    context = _slot_context(calendar, booking.counter, day, days, form, extra)
    return render(request, "booking/manage.html", context, status=status)
