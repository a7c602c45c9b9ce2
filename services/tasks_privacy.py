"""PDPA background work: anonymise closed cases whose retention period has ended.

Scheduled daily by `manage.py setup_privacy_schedule` (idempotent). Safe to run twice and
concurrently with itself: `privacy.anonymise` locks the case row and skips a case that already
carries an Anonymisation mark.
"""

import datetime
import logging

from django.utils import timezone

logger = logging.getLogger(__name__)

SCHEDULE_NAME = "pdpa: anonymise cases past their retention period"


def anonymise_expired_cases(limit=None):
    """Anonymise every case past its retention period; returns how many were anonymised."""
    from services import privacy
    from services.models.privacy import Anonymisation

    done = 0
    for case in privacy.expired_cases():
        if privacy.anonymise(case, reason=Anonymisation.Reason.RETENTION):
            done += 1
        if limit and done >= limit:
            break
    if done:
        logger.info("PDPA retention: anonymised %s cases", done)
    return done


def ensure_schedule(now=None):
    """Create (or correct) the daily schedule at 03:00 local time. Returns True if it changed."""
    from django_q.models import Schedule

    wanted = {"func": "services.tasks_privacy.anonymise_expired_cases", "schedule_type": Schedule.DAILY, "repeats": -1}
    row = Schedule.objects.filter(name=SCHEDULE_NAME).first()
    if row is None:
        now = timezone.localtime(now or timezone.now())
        first = now.replace(hour=3, minute=0, second=0, microsecond=0)
        if first <= now:
            first += datetime.timedelta(days=1)
        Schedule.objects.create(name=SCHEDULE_NAME, next_run=first, **wanted)
        return True
    if any(getattr(row, field) != value for field, value in wanted.items()):
        Schedule.objects.filter(pk=row.pk).update(**wanted)
        return True
    return False
