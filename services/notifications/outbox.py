"""The outbox: write a notification in the caller's transaction, send it after commit, retry
with backoff, never twice.

Why each piece is there:
- `record()` runs inside the transaction that writes the event, so the event and its
  notifications are saved together or not at all;
- the task is queued with `transaction.on_commit`, so a worker never sees a row that could
  still roll back; if queuing fails (broker down) or the worker dies, `retry_due` (scheduled
  every minute) finds the row because it is still pending;
- `claim()` is a conditional UPDATE (status pending → sending): of two workers holding the same
  id only one matches the row, so one message goes out; a claim older than the lease (the worker
  was killed) may be taken over;
- the result is written only if our claim is still the current one.
"""

import hashlib
import hmac
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_q.tasks import async_task

from services.notifications.channels import NOT_CONFIGURED, Message, TemporaryFailure, Undeliverable, get_channel
from services.notifications.models import Notification
from services.notifications.render import button_label, redact, render, to_html

logger = logging.getLogger(__name__)

S = Notification.Status


def lease_seconds():
    # Longer than a task's timeout, so a live worker is never overtaken by the retry job.
    return int(getattr(settings, "NOTIFY_LEASE_SECONDS", 300))


def max_attempts():
    return int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", 8))


def backoff(attempts):
    """Seconds before the next try: 1, 2, 4 … minutes, capped at 6 hours (eight tries span about
    four hours — long enough to ride out a mail server's maintenance window)."""
    return min(60 * 2 ** max(attempts - 1, 0), 6 * 3600)


def queue(notification_id):
    """Queue the send after commit. Failing to queue is not an error: the row stays pending and
    the retry job picks it up."""

    def _queue():
        try:
            async_task(
                "services.notifications.tasks.send_notification", notification_id, task_name=f"notify-{notification_id}"
            )
        except Exception:  # noqa: BLE001 - broker down: the scheduled retry will send it
            logger.warning(
                "could not queue notification %s; the retry job will send it", notification_id, exc_info=True
            )

    transaction.on_commit(_queue, robust=True)


def recipient_tag(recipient):
    """A stand-in for a phone number or an e-mail address inside an idempotency key: the same
    address always gives the same tag (so "never twice" still holds), and the key no longer
    holds the address itself, so erasing a person leaves nothing of them in keys (issue 16).
    Keyed with SECRET_KEY: a plain hash of a phone number is undone by trying every number."""
    normalised = f"notify-recipient:{(recipient or '').strip()}".encode()
    return "r" + hmac.new(settings.SECRET_KEY.encode(), normalised, hashlib.sha256).hexdigest()[:24]


def private_key(key, recipient):
    """`key` with the recipient replaced by its tag. Every caller builds keys as
    "<what happened>:<channel>:<recipient>", and this is applied to all of them here, in one
    place, so no new kind of notice can bring the address back into its key."""
    recipient = (recipient or "").strip()
    if recipient and recipient in key:
        key = key.replace(recipient, recipient_tag(recipient))
    return key[:200]


def record(
    *, event, channel, recipient, language, values, key, case=None, case_event=None, department=None, site=None, link=""
):
    """Write one notification (in the current transaction) and queue its send after commit.

    `site` is the office that sends it (by default the case's, else the department's): its
    wording is used, its staff see the row, and LINE pushes go through its channel. `link` is
    the page a LINE message's button opens (the tracking page).

    Returns the row, or None when the same key was already recorded (the event was reported
    before — e.g. a scheduled reminder running twice the same day).
    """
    if site is None:
        site_id = case.site_id if case is not None else getattr(department, "site_id", None)
    else:
        site_id = getattr(site, "pk", site)
    subject, text, _html = render(event, language, values, site=site_id)
    row = Notification(
        site_id=site_id,
        event=event,
        channel=channel,
        recipient=recipient[:254],
        language=language,
        subject=subject[:255],
        body=text,
        idempotency_key=private_key(key, recipient),
        case=case,
        case_event=case_event,
        department=department,
        link=(link or "")[:500],
    )
    try:
        if not get_channel(channel).is_configured(site_id):
            raise Undeliverable(f"the {channel} channel {NOT_CONFIGURED}")
        get_channel(channel).check(recipient, site_id)
    except Undeliverable as error:
        # Recorded anyway, so staff see that this person was not told (and why); staff may
        # resend once the address or the configuration is fixed.
        row.status, row.last_error = S.UNDELIVERABLE, str(error)
    try:
        with transaction.atomic():  # a savepoint: a duplicate key must not spoil the caller's transaction
            row.save(force_insert=True)
    except IntegrityError:
        if Notification.objects.filter(idempotency_key=row.idempotency_key).exists():
            return None
        raise
    if row.status == S.PENDING:
        queue(row.pk)
    return row


def claim(notification_id, now=None):
    """Take the row for sending. True if this worker got it."""
    now = now or timezone.now()
    stale = now - timezone.timedelta(seconds=lease_seconds())
    claimable = Q(status=S.PENDING, next_attempt_at__lte=now) | Q(status=S.SENDING, claimed_at__lt=stale)
    return bool(
        Notification.objects.filter(claimable, pk=notification_id).update(
            status=S.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def deliver(notification_id, now=None):
    """Claim, send and record the outcome. Returns the final status (or None if another worker
    has it or it is not due). Never raises for a delivery problem."""
    now = now or timezone.now()
    if not claim(notification_id, now):
        return None
    row = Notification.objects.get(pk=notification_id)
    ours = Notification.objects.filter(pk=row.pk, status=S.SENDING, claimed_at=row.claimed_at)
    channel = get_channel(row.channel)
    message = Message(
        recipient=row.recipient,
        subject=row.subject,
        text=row.body,
        html=to_html(row.body) if row.channel == "email" else "",
        key=row.idempotency_key,
        site_id=row.site_id,
        link=row.link,
        button=button_label(row.event, row.link, row.language) if row.link else "",
    )
    try:
        channel.send(message)
    except Undeliverable as error:
        ours.update(status=S.UNDELIVERABLE, last_error=str(error)[:500])
        logger.info("notification %s undeliverable: %s", row.pk, error)
        return S.UNDELIVERABLE
    except Exception as error:  # noqa: BLE001 - any other failure is treated as temporary
        reason = str(error) if isinstance(error, TemporaryFailure) else f"{error.__class__.__name__}: {error}"
        if row.attempts >= max_attempts():
            ours.update(status=S.FAILED, last_error=reason[:500])
            logger.warning("notification %s failed after %s attempts: %s", row.pk, row.attempts, reason)
            return S.FAILED
        # A provider's Retry-After (a rate limit) is a floor: never try again sooner than it asked.
        wait = max(backoff(row.attempts), getattr(error, "retry_after", None) or 0)
        ours.update(
            status=S.PENDING,
            last_error=reason[:500],
            next_attempt_at=timezone.now() + timezone.timedelta(seconds=wait),
        )
        logger.info("notification %s will be retried: %s", row.pk, reason)
        return S.PENDING
    # The kept copy loses the tracking link's secret and any one-time code once they went out.
    ours.update(
        status=S.SENT,
        sent_at=timezone.now(),
        last_error="",
        body=redact(row.event, row.body),
        link=redact(row.event, row.link),
    )
    return S.SENT


def retry_due(now=None, limit=500):
    """Queue every row that is due (pending and past its backoff, or abandoned by a dead
    worker). Returns how many were queued. The claim keeps this safe to run alongside the
    workers and twice in a row."""
    ids = list(
        Notification.objects.due(now, lease_seconds()).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        async_task("services.notifications.tasks.send_notification", pk, task_name=f"notify-{pk}")
    return len(ids)


def resend(notification):
    """Staff's resend of a failed or undeliverable delivery: the same row (same key), tried again
    from scratch. A sent message is never resent."""
    updated = Notification.objects.filter(pk=notification.pk, status__in=[S.FAILED, S.UNDELIVERABLE]).update(
        status=S.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error="", claimed_at=None
    )
    if updated:
        queue(notification.pk)
    return bool(updated)
