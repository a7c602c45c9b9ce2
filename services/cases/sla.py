"""Working-day arithmetic for service-level deadlines.

A Thai office promises "15 working days": weekends, Thai public holidays (from the `holidays`
package, which follows the cabinet's announcements including substitution days) and the days
the office itself declares closed (``OfficeClosure``) do not count. Time spent waiting for the
resident does not count either: when a case leaves "waiting for the resident", its due date is
pushed by the working days it waited (see ``services.cases.workflow``).
"""

import datetime

import holidays
from django.core.cache import cache
from django.utils import timezone

from services.cases.models import OfficeClosure

DEFAULT_PROCESSING_DAYS = 15


class WorkingCalendar:
    """One office's working days. Build it once per request or batch: it loads the office's
    closures with a single query and the holiday tables lazily per year."""

    def __init__(self, site=None, closures=None):
        if closures is None:
            closures = closures_for(site) if site is not None else set()
        self.closures = set(closures)
        self._holidays = holidays.Thailand(years=[])

    def is_working_day(self, day):
        return day.weekday() < 5 and day not in self._holidays and day not in self.closures

    def add_working_days(self, start, days):
        """The date `days` working days after `start` (day 1 is the first working day after it).

        A request filed on Friday evening with a 1-day promise is due on Monday (or the next day
        the office is open).
        """
        day = start
        remaining = max(int(days), 0)
        while remaining:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start, end):
        """Working days in (start, end]: how many working days passed from `start` to `end`."""
        if end <= start:
            return 0
        count = 0
        day = start
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def closures_for(site):
    """The office's declared closures, cached (they change a few times a year; saving or deleting
    an OfficeClosure clears the cache), so the queue does not query them on every page."""
    key = OfficeClosure.cache_key(site.pk)
    closures = cache.get(key)
    if closures is None:
        closures = set(OfficeClosure.objects.filter(site=site).values_list("date", flat=True))
        cache.set(key, closures, 3600)
    return closures


def local_date(value=None):
    """A datetime (or now) as a date in the office's time zone."""
    value = value or timezone.now()
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
