"""The counter staff's pages in the Wagtail admin: the day's queue of one counter (arrived,
served, did not come), walk-in tickets into the same queue, and the printable ticket.

Who: people with the "run the counters' queue" permission, for their own offices' counters
(portal.offices.scope); another office's counter or booking is a 404. The day list is a list of
cards rather than a wide table, so it reads on the phone an officer carries along the queue.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import qr
from portal.offices import scope, works_for_several
from services.booking import queue
from services.booking.models import BookableService, Booking, BookingStatus, Counter

PERMISSION = "booking.manage_queue"
STAFF_MARKS = {
    "arrived": BookingStatus.ARRIVED,
    "served": BookingStatus.SERVED,
    "no_show": BookingStatus.NO_SHOW,
    "booked": BookingStatus.BOOKED,  # undo a mark made by mistake
}


def can_run_queue(user):
    return user.is_authenticated and user.is_active and user.has_perm(PERMISSION)


def shows_menu(request):
    return can_run_queue(request.user)


def visible_counters(user):
    return scope(Counter.objects.select_related("site"), user).order_by("site__site_name", "letter", "name")


def _number(value):
    """A posted id as an int; 0 (finds nothing) for anything else a hostile form may send."""
    value = str(value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else 0


def _counter(request, pk):
    return get_object_or_404(visible_counters(request.user), pk=_number(pk))


def _day(value):
    try:
        return datetime.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return timezone.localdate()


def _require(request):
    if not can_run_queue(request.user):
        raise PermissionDenied


def day_list(request):
    """One counter's queue for one day (today unless ?day=), in order of time then number, with
    the day's counts. Three queries whatever the number of bookings: counters, bookings, counts."""
    _require(request)
    counters = list(visible_counters(request.user).filter(active=True))
    if not counters:
        return render(request, "booking/admin/day.html", {"counters": [], "counter": None})
    wanted = request.GET.get("counter")
    counter = next((c for c in counters if str(c.pk) == wanted), counters[0])
    day = _day(request.GET.get("day"))
    bookings = list(
        Booking.objects.filter(counter=counter, date=day)
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("case")
        .order_by("start", "number")
    )
    for booking in bookings:
        booking.counter = counter  # the ticket's letter without a join per row
    counts = Booking.objects.filter(counter=counter, date=day).aggregate(
        waiting=Count("pk", filter=Q(status=BookingStatus.BOOKED)),
        arrived=Count("pk", filter=Q(status=BookingStatus.ARRIVED)),
        served=Count("pk", filter=Q(status=BookingStatus.SERVED)),
        no_show=Count("pk", filter=Q(status=BookingStatus.NO_SHOW)),
    )
    services = list(counter.services.filter(active=True).select_related("service"))
    return render(
        request,
        "booking/admin/day.html",
        {
            "counters": counters,
            "counter": counter,
            "day": day,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
            "is_today": day == timezone.localdate(),
            "bookings": bookings,
            "counts": counts,
            "services": services,
            "several_offices": works_for_several(request.user),
        },
    )


@require_POST
def mark(request, pk):
    _require(request)
    booking = get_object_or_404(scope(Booking.objects.select_related("counter"), request.user), pk=pk)
    status = STAFF_MARKS.get(request.POST.get("status", ""))
    if status is None:
        raise Http404
    queue.mark(booking, status)
    return redirect(
        f"{reverse('booking_day')}?counter={booking.counter_id}&day={booking.date.isoformat()}#b{booking.pk}"
    )


@require_POST
def walk_in(request):
    _require(request)
    counter = _counter(request, request.POST.get("counter"))
    service = BookableService.objects.filter(pk=_number(request.POST.get("service")), counter=counter).first()
    booking = queue.walk_in(counter, service)
    return redirect("booking_ticket", booking.pk)


def ticket(request, pk):
    """A walk-in ticket (or a booking's) to print: the queue number large, the QR of its reference."""
    _require(request)
    booking = get_object_or_404(scope(Booking.objects.select_related("counter", "site"), request.user), pk=pk)
    return render(
        request,
        "booking/admin/ticket.html",
        {
            "booking": booking,
            "qr": qr.svg(
                booking.reference, border=2, label=_("QR code of booking %(ref)s") % {"ref": booking.reference}
            ),
            "printed_at": timezone.localtime(),
        },
    )
