"""The booking calendar: which days an office's counters open, which slots a day has, and how
many places each slot has left.

Days: the office's open weekdays (BookingSettings), less Thai public holidays (the `holidays`
package, as the case deadlines use) and the office's declared closures (cases' OfficeClosure,
the same days deadlines skip). Slots: every `slot_minutes` from opening, none starting in the
lunch break or at closing time. Places: the counter's capacity less the bookings holding a place
in that slot, counted with one grouped query for a whole range of days.
"""

import datetime
from dataclasses import dataclass

import holidays
from django.db.models import Count
from django.utils import timezone

from services.booking.models import HOLDING, Booking, BookingSettings
from services.cases.sla import closures_for


@dataclass(frozen=True)
class Slot:
    day: datetime.date
    start: datetime.time
    free: int

    @property
    def value(self):
        """How a slot travels in a form: 2026-12-03T09:30."""
        return f"{self.day.isoformat()}T{self.start:%H:%M}"


def parse_slot(value):
    """(day, start) from a form's slot value, or None when it is not one."""
    try:
        day, start = str(value or "").strip().split("T", 1)
        return datetime.date.fromisoformat(day), datetime.time.fromisoformat(start)
    except ValueError:
        return None


def parse_day(value):
    try:
        return datetime.date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


class Calendar:
    """One office's booking calendar, built once per request or batch."""

    def __init__(self, site, settings=None, now=None):
        self.site = site
        self.settings = settings or BookingSettings.for_site(site)
        self.now = timezone.localtime(now or timezone.now())
        self.today = self.now.date()
        self.closures = closures_for(site)
        self._holidays = holidays.Thailand(years=[])

    @property
    def last_day(self):
        return self.today + datetime.timedelta(days=self.settings.days_ahead)

    def closed_reason(self, day):
        """Why nobody can book `day` ("" when it is open): the words a resident reads next to the field."""
        if str(day.weekday()) not in self.settings.open_weekdays:
            return "weekday"
        if day in self._holidays:
            return "holiday"
        if day in self.closures:
            return "closure"
        return ""

    def is_open(self, day):
        return not self.closed_reason(day)

    def holiday_name(self, day):
        return self._holidays.get(day) or ""

    def open_days(self):
        """Bookable days from today to `days_ahead` days on."""
        days = []
        day = self.today
        while day <= self.last_day:
            if self.is_open(day):
                days.append(day)
            day += datetime.timedelta(days=1)
        return days

    def starts(self):
        """The slot start times of an open day."""
        settings = self.settings
        step = datetime.timedelta(minutes=settings.slot_minutes)
        moment = datetime.datetime.combine(self.today, settings.opens_at)
        closing = datetime.datetime.combine(self.today, settings.closes_at)
        lunch = None
        if settings.lunch_starts and settings.lunch_ends:
            lunch = (
                datetime.datetime.combine(self.today, settings.lunch_starts),
                datetime.datetime.combine(self.today, settings.lunch_ends),
            )
        found = []
        while moment + step <= closing:
            if lunch and moment < lunch[1] and moment + step > lunch[0]:
                moment = lunch[1]  # a slot overlapping the break: the next one starts when it ends
                continue
            found.append(moment.time())
            moment += step
        return found

    def is_past(self, day, start):
        return timezone.make_aware(datetime.datetime.combine(day, start)) <= self.now

    def is_bookable_time(self, day, start):
        """A slot of this office's hours, on an open day inside the booking window, not begun."""
        return (
            self.today <= day <= self.last_day
            and self.is_open(day)
            and start in self.starts()
            and not self.is_past(day, start)
        )

    def slots(self, counter, days):
        """{day: [Slot …]} for `days` of `counter`, from one query."""
        days = [day for day in days if self.is_open(day)]
        if not days:
            return {}
        taken = {
            (row["date"], row["start"]): row["n"]
            for row in Booking.objects.filter(
                counter=counter, date__in=days, start__isnull=False, status__in=HOLDING, kind=Booking.Kind.ONLINE
            )
            .values("date", "start")
            .annotate(n=Count("pk"))
            .order_by()
        }
        starts = self.starts()
        return {
            day: [
                Slot(day, start, max(counter.capacity - taken.get((day, start), 0), 0))
                for start in starts
                if not self.is_past(day, start)
            ]
            for day in days
        }

    def next_free(self, counter, after_day=None, limit=3):
        """The first `limit` slots with a place left, from `after_day` on (all days in the window)."""
        days = [day for day in self.open_days() if after_day is None or day >= after_day]
        found = []
        for day_slots in self.slots(counter, days).values():
            found.extend(slot for slot in day_slots if slot.free)
        found.sort(key=lambda slot: (slot.day, slot.start))
        return found[:limit]
