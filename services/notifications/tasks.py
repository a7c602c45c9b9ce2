"""Background work of the services room, run by django-q2 (`manage.py qcluster`).

Tasks take ids, never model instances (the row may have changed by the time a worker runs),
and are queued with `transaction.on_commit` so a worker never looks for a row that is not
committed yet. The pattern for later slow work (receipts, PDFs): write what must happen in the
request's transaction, queue `services.notifications.tasks.<name>` with the id on commit, make the task safe
to run twice.
"""

import logging

from django.db import transaction

from services.notifications.digests import monthly_report, weekly_digest
from services.notifications.events import sla_reminders
from services.notifications.outbox import deliver, retry_due

logger = logging.getLogger(__name__)


def send_notification(notification_id):
    """Send one outbox row (claims it first: safe to run twice or in parallel)."""
    return deliver(notification_id)


def retry_due_notifications():
    """Every minute: queue pending rows past their backoff and rows a dead worker abandoned."""
    return retry_due()


def send_sla_reminders():
    """Daily: due-tomorrow reminders and overdue escalations."""
    with transaction.atomic():
        return sla_reminders()


def send_weekly_digest():
    """Weekly: each department's counts for the past week."""
    with transaction.atomic():
        return weekly_digest()


def send_monthly_report():
    """Monthly: last month's figures to the executives."""
    with transaction.atomic():
        return monthly_report()
