"""The Messaging API webhook: `/line/webhook/` for the default office, `/line/webhook/<office>/`
for another (its host name).

The view only checks and stores: the signature (HMAC-SHA256 of the raw body with the channel
secret, compared in constant time) before anything is parsed, then each event once under its
webhookEventId, and one task per new event queued (in the same transaction with the database
broker, after commit with another). LINE waits a couple of seconds
for the 200 and redelivers what it thinks was lost, so the chat itself runs in the task.
"""

import base64
import hashlib
import hmac
import json
import logging

from django.db import DataError, IntegrityError, connection, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_q.brokers import Broker
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.tasks import async_task

from portal import sqlite_writers
from services.line.channel import webhook_office
from services.line.models import LineEvent

logger = logging.getLogger(__name__)

# LINE sends at most a few hundred kilobytes (events carry ids, not content); anything larger is
# not LINE.
MAX_BODY = 1024 * 1024
MAX_EVENTS = 500
TASK = "services.line.tasks.process_event"


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def valid_signature(body, secret, given):
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected.encode(), (given or "").encode("utf-8", "replace"))


class _Kept(Broker):
    """A broker that keeps the signed task packages it is given, so the database broker's rows
    for a whole webhook body are written in one INSERT (`queue`) rather than one each."""

    def __init__(self):
        super().__init__(list_key=Conf.CLUSTER_NAME)
        self.packages = []

    def enqueue(self, task):
        self.packages.append(task)


def queue(event_ids):
    """Queue each event's processing; a broker that is down leaves the rows unprocessed
    (`processed_at` empty) rather than failing LINE's request. The database broker's task rows
    are written in the events' own transaction, in one INSERT (one write, and a task exists
    exactly when its event does: the row is what django-q2's ORM broker writes itself); any
    other broker is called once the rows are committed."""
    if not event_ids:
        return
    if Conf.ORM and not Conf.SYNC:
        kept = _Kept()
        for event_id in event_ids:
            async_task(TASK, event_id, task_name=f"line-event-{event_id}", broker=kept)
        now = timezone.now()
        _insert(OrmQ, ("key", "payload", "lock"), [(kept.list_key, package, now) for package in kept.packages])
        return

    def _queue(event_id):
        try:
            async_task(TASK, event_id, task_name=f"line-event-{event_id}")
        except Exception:  # noqa: BLE001 - broker down: the event stays stored, unprocessed
            logger.warning("could not queue LINE event %s", event_id, exc_info=True)

    for event_id in event_ids:
        transaction.on_commit(lambda event_id=event_id: _queue(event_id), robust=True)


def well_formed(events):
    """{webhookEventId: LineEvent fields} of the events worth keeping, the first of each ID."""
    rows = {}
    for event in events:
        if not isinstance(event, dict):
            continue
        event_id = event.get("webhookEventId")
        if not isinstance(event_id, str) or not event_id or len(event_id) > 64 or event_id in rows:
            continue
        source = event.get("source") if isinstance(event.get("source"), dict) else {}
        user = source.get("userId") if isinstance(source.get("userId"), str) else ""
        kind = event.get("type") if isinstance(event.get("type"), str) else ""
        rows[event_id] = {"kind": kind[:32], "user_id": user[:33], "payload": event}
    return rows


def _insert(model, names, rows, conflict="", returning=None):
    """One INSERT of `rows` (tuples of values for the fields `names`) into `model`'s table,
    values prepared as the ORM prepares them; the `returning` column of each row written.

    Written out because the ORM's bulk_create cost the webhook more CPU than everything else it
    does (it prepares a statement per call for any model), and because with conflicts ignored it
    cannot say which rows were written; ON CONFLICT … RETURNING is SQLite 3.35+ and PostgreSQL."""
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    params = [
        field.get_db_prep_save(value, connection) for row in rows for field, value in zip(fields, row, strict=True)
    ]
    # Names from the models' own metadata and a fixed clause; every value is a parameter.
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(rows))
    sql = f"INSERT INTO {table} ({columns}) VALUES {values} {conflict}"  # noqa: S608
    if returning:
        sql += f" RETURNING {quote(returning)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [value for (value,) in cursor.fetchall()] if returning else []


def _insert_new(site_id, rows, now):
    """The body's events in one INSERT that skips the IDs the office has already (the unique
    constraint decides, so two deliveries racing each other cannot both win); the ids of the
    rows written, in the body's order."""
    values = [(site_id, event_id, row["kind"], row["user_id"], row["payload"], now) for event_id, row in rows.items()]
    names = ("site", "event_id", "kind", "user_id", "payload", "received_at")
    return sorted(_insert(LineEvent, names, values, conflict="ON CONFLICT DO NOTHING", returning="id"))


def _insert_one_by_one(site_id, rows, now):
    """When the batch held a value the database cannot store (a NUL character, which
    PostgreSQL's JSON refuses): each event on its own, the bad ones left out."""
    new = []
    for event_id, row in rows.items():
        try:
            with transaction.atomic():
                new.append(LineEvent.objects.create(site_id=site_id, event_id=event_id, received_at=now, **row).pk)
        except IntegrityError:
            continue  # LINE's redelivery, or a replay: done already
        except DataError:
            logger.warning("LINE event %s could not be stored", event_id[:64])
    return new


def store(site_id, events):
    """Store each well-formed event not seen before and queue it; returns how many were new.
    One transaction: one INSERT for the events, one for their tasks (the database broker)."""
    rows = well_formed(events)
    if not rows:
        return 0  # LINE's "verify" button sends no events: a 200 is all it wants
    # SQLite: the webhook's writers (every gunicorn thread and process) take turns on a lock
    # file rather than sleeping in SQLite's busy handler (portal.sqlite_writers).
    with sqlite_writers.in_turn():
        now = timezone.now()
        try:
            with transaction.atomic():
                new = _insert_new(site_id, rows, now)
                queue(new)
        except DataError:
            with transaction.atomic():
                new = _insert_one_by_one(site_id, rows, now)
                queue(new)
    return len(new)


@csrf_exempt
@require_POST
def webhook(request, office=None):
    found = webhook_office(office)
    if found is None:
        return HttpResponse(status=404)
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return HttpResponse(status=413)
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return HttpResponse(status=413)
    if not valid_signature(body, found.secret, request.headers.get("X-Line-Signature")):
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
    store(found.site_id, events[:MAX_EVENTS])
    return HttpResponse(status=200)
