"""The Messaging API webhook: `/line/webhook/` for the default office, `/line/webhook/<office>/`
for another (its host name).

The view only checks and stores: the signature (HMAC-SHA256 of the raw body with the channel
secret, compared in constant time) before anything is parsed, then each event once under its
webhookEventId, and one task per new event queued after commit. LINE waits a couple of seconds
for the 200 and redelivers what it thinks was lost, so the chat itself runs in the task.
"""

import base64
import hashlib
import hmac
import json
import logging
import threading
from contextlib import nullcontext

from django.db import DataError, IntegrityError, connection, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_q.conf import Conf
from django_q.tasks import async_task

from services.line.channel import credentials, default_office, office_named
from services.line.models import LineEvent

logger = logging.getLogger(__name__)

# LINE sends at most a few hundred kilobytes (events carry ids, not content); anything larger is
# not LINE.
MAX_BODY = 1024 * 1024
MAX_EVENTS = 500


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def valid_signature(body, secret, given):
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected.encode(), (given or "").encode("utf-8", "replace"))


# SQLite has one writer at a time, and a thread that finds the file locked sleeps in SQLite's busy
# handler (up to 100 ms a try). The webhook's threads in one process take turns here instead, so
# only the other process's writers are ever waited for that way.
_sqlite_writer = threading.Lock()


def _one_writer():
    return _sqlite_writer if connection.vendor == "sqlite" else nullcontext()


def queue(event_id):
    """Queue the event's processing; a broker that is down leaves the row unprocessed
    (`processed_at` empty) rather than failing LINE's request. The database broker's task row is
    written in the event's own transaction (one write, and the task exists exactly when the event
    does); any other broker is called once the row is committed."""

    def _queue():
        try:
            async_task("services.line.tasks.process_event", event_id, task_name=f"line-event-{event_id}")
        except Exception:  # noqa: BLE001 - broker down: the event stays stored, unprocessed
            logger.warning("could not queue LINE event %s", event_id, exc_info=True)

    if Conf.ORM and not Conf.SYNC:
        _queue()
    else:
        transaction.on_commit(_queue, robust=True)


def store(site, events):
    """Store each well-formed event not seen before and queue it; returns how many were new."""
    new = 0
    for event in events:
        if not isinstance(event, dict):
            continue
        event_id = event.get("webhookEventId")
        if not isinstance(event_id, str) or not event_id or len(event_id) > 64:
            continue
        source = event.get("source") if isinstance(event.get("source"), dict) else {}
        user = source.get("userId") if isinstance(source.get("userId"), str) else ""
        kind = event.get("type") if isinstance(event.get("type"), str) else ""
        try:
            with transaction.atomic():
                row = LineEvent.objects.create(
                    site=site, event_id=event_id, kind=kind[:32], user_id=user[:33], payload=event
                )
        except IntegrityError:
            continue  # LINE's redelivery, or a replay: done already
        except DataError:  # e.g. a NUL character, which PostgreSQL's JSON cannot hold
            logger.warning("LINE event %s could not be stored", event_id[:64])
            continue
        queue(row.pk)
        new += 1
    return new


@csrf_exempt
@require_POST
def webhook(request, office=None):
    site = default_office() if office is None else office_named(office)
    if site is None or (office is not None and site.is_default_site):
        # The default office answers at /line/webhook/ only, with the environment's channel.
        return HttpResponse(status=404)
    channel = credentials(site)
    if channel is None or not channel.secret:
        return HttpResponse(status=404)
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return HttpResponse(status=413)
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return HttpResponse(status=413)
    if not valid_signature(body, channel.secret, request.headers.get("X-Line-Signature")):
        return HttpResponseBadRequest("bad signature")
    try:
        # Strict JSON, as LINE sends: NaN and Infinity are Python's extension, and no database
        # stores them in a JSON column.
        data = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: absurdly nested arrays
        return HttpResponseBadRequest("not JSON")
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        return HttpResponseBadRequest("no events")
    # LINE's "verify" button sends no events: a 200 is all it wants.
    with _one_writer(), transaction.atomic():
        store(site, events[:MAX_EVENTS])
    return HttpResponse(status=200)
