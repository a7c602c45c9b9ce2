"""Every periodic job of the portal, in one table, created by one idempotent command.

`manage.py setup_schedules` (run by `make run`, by the README's production steps and by the
compose file) and every `migrate` (a post_migrate receiver in portal/apps.py) create the
django-q2 schedules below. Rows are matched by name: running it again changes nothing, and a
changed definition here (a function that moved to another module, a new interval) updates the
row without moving its next run. Times are the office's local time (TIME_ZONE).

The table names functions by their dotted path, so the kernel imports no area to list them.
"""

import datetime

from django.db import connections
from django.utils import timezone
from django_q.models import Schedule

# name: (function, schedule type, minutes (MINUTES only), first run: (weekday or None, day of month or None, hh, mm))
# Schedule types are django-q2's: I minutes, D daily, W weekly, M monthly.
SCHEDULES = {
    # Notifications: what is due again (backoff over) and what a killed worker abandoned (lease over).
    "notify: retry due notifications": ("services.notifications.tasks.retry_due_notifications", "I", 1, None),
    "notify: SLA reminders and escalations": (
        "services.notifications.tasks.send_sla_reminders",
        "D",
        None,
        (None, None, 7, 30),
    ),
    "notify: weekly department digest": (
        "services.notifications.tasks.send_weekly_digest",
        "W",
        None,
        (0, None, 7, 30),
    ),
    "notify: monthly report to executives": (
        "services.notifications.tasks.send_monthly_report",
        "M",
        None,
        (None, 1, 8, 0),
    ),
    # Licensing Facilitation Act: the delay notice every 7 days once a request's published time has passed.
    "cases: delay notices past the published time": (
        "services.cases.tasks.send_delay_notices",
        "D",
        None,
        (None, None, 8, 30),
    ),
    # Queue booking: each booking of tomorrow reminded once, in the morning (issue 23).
    "booking: reminders the day before": ("services.booking.tasks.send_reminders", "D", None, (None, None, 9, 0)),
    # Backups: the whole site in one archive in BACKUP_DIR, the newest BACKUP_KEEP kept.
    "backup: daily archive of the database and files": ("portal.backups.daily_backup", "D", None, (None, None, 1, 30)),
    # E-forms: saved drafts and never-sent uploads past FORMS_BUILDER_DRAFT_DAYS.
    "purge: expired form drafts": ("forms_builder.tasks.purge_expired_drafts", "D", None, (None, None, 2, 0)),
    # Fees: each household's garbage and wastewater charge for the new month.
    "fees: monthly household charges": ("services.payments.billing.bill_current_month", "M", None, (None, 1, 1, 0)),
    # Local taxes: reminders before each due date (instalments too), once per due date.
    "taxes: reminders before due dates": ("services.taxes.tasks.send_due_reminders", "D", None, (None, None, 8, 0)),
    # PDPA: expired browser sessions (half-filled answers) and expired drafts with their uploads.
    "pdpa: purge expired sessions and drafts": (
        "services.privacy.tasks.purge_expired_sessions_and_drafts",
        "D",
        None,
        (None, None, 2, 30),
    ),
    # PDPA: LINE chats a day old (unfiled photos with them) and LINE event payloads a week old.
    "pdpa: purge LINE chats and events": ("services.line.tasks.purge_stale", "D", None, (None, None, 2, 45)),
    # PDPA: names and phones of bookings past the office's retention period (issue 23).
    "pdpa: purge booking contacts": ("services.booking.tasks.purge_personal_data", "D", None, (None, None, 3, 15)),
    # PDPA: anonymise closed cases whose retention period has ended, at night.
    "pdpa: anonymise cases past their retention period": (
        "services.privacy.tasks.anonymise_expired_cases",
        "D",
        None,
        (None, None, 3, 0),
    ),
    # Reporting: the public figures kept fresh, page views moved from the cache to the database,
    # and last month's report built once a day if it is still missing.
    "dashboard-refresh": ("services.reporting.tasks.refresh_dashboard", "I", 15, None),
    "usage-flush": ("services.reporting.tasks.flush_usage", "I", 10, None),
    "monthly-report": ("services.reporting.tasks.build_last_month_reports", "D", None, None),
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


def schedule_after_migrate(sender, using="default", **kwargs):
    """post_migrate receiver: once django-q2's table exists, every `migrate` leaves the jobs scheduled."""
    if sender.label == "django_q" and "django_q_schedule" in connections[using].introspection.table_names():
        ensure_schedules()
