"""The django-q2 schedules of the notifications room, created idempotently by
`manage.py setup_schedules` (run by `make run`; run it after `migrate` in production).

Rows are matched by name: running it again changes nothing, and a changed definition here
updates the row without moving its next run. Times are the office's local time (TIME_ZONE).
"""

import datetime

from django.utils import timezone

# name: (function, schedule type, minutes (MINUTES only), first run: (weekday or None, day of month or None, hh, mm))
SCHEDULES = {
    # Sends what is due again (backoff over) and what a killed worker abandoned (lease over).
    "notify: retry due notifications": ("services.tasks.retry_due_notifications", "I", 1, None),
    "notify: SLA reminders and escalations": ("services.tasks.send_sla_reminders", "D", None, (None, None, 7, 30)),
    "notify: weekly department digest": ("services.tasks.send_weekly_digest", "W", None, (0, None, 7, 30)),
    "notify: monthly report to executives": ("services.tasks.send_monthly_report", "M", None, (None, 1, 8, 0)),
    # The e-forms room's purge: saved drafts and never-sent uploads past FORMS_BUILDER_DRAFT_DAYS.
    "purge: expired form drafts": ("forms_builder.tasks.purge_expired_drafts", "D", None, (None, None, 2, 0)),
    # The fees room: each household's garbage and wastewater charge for the new month.
    "fees: monthly household charges": ("services.payments.bill_current_month", "M", None, (None, 1, 1, 0)),
}


def first_run(when, now=None):
    """The next local time matching `when` (weekday 0=Monday, day of month, hour, minute)."""
    now = timezone.localtime(now or timezone.now())
    if when is None:
        return now
    weekday, day, hour, minute = when
    candidate = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    for _step in range(370):  # bounded: a month-day match is at most 31 days away
        if (
            candidate > now
            and (weekday is None or candidate.weekday() == weekday)
            and (day is None or candidate.day == day)
        ):
            return candidate
        candidate += datetime.timedelta(days=1)
    raise ValueError(f"no time matches {when}")  # pragma: no cover - every definition above matches


def ensure_schedules(now=None):
    """Create missing schedules, correct changed ones. Returns (created, updated) counts."""
    from django_q.models import Schedule

    created = updated = 0
    for name, (func, kind, minutes, when) in SCHEDULES.items():
        wanted = {"func": func, "schedule_type": kind, "minutes": minutes, "repeats": -1}
        row = Schedule.objects.filter(name=name).first()
        if row is None:
            Schedule.objects.create(name=name, next_run=first_run(when, now), **wanted)
            created += 1
        elif any(getattr(row, field) != value for field, value in wanted.items()):
            Schedule.objects.filter(pk=row.pk).update(**wanted)
            updated += 1
    return created, updated
