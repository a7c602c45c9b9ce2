"""The LINE event's work, off the webhook's request: queued by id after commit, safe to run twice
(the event is claimed in the transaction that acts on it; a second run finds it done)."""

import datetime
import logging

from django.utils import timezone, translation

from services.line import api, chat
from services.line.channel import credentials
from services.line.models import Conversation, LineEvent

logger = logging.getLogger(__name__)


def process_event(event_id):
    event = LineEvent.objects.select_related("site").filter(pk=event_id, processed_at__isnull=True).first()
    if event is None:
        return "done already"
    channel = credentials(event.site)
    if channel is None or not channel.token:  # the office removed its channel since: nothing can be answered
        LineEvent.objects.filter(pk=event.pk).update(processed_at=event.received_at)
        return "no channel"
    # The office's record language; residents of a Thai office chat in Thai.
    with translation.override("th"):
        answer = chat.handle(event, channel)
    if answer and event.user_id:
        api.reply(channel.token, event.payload.get("replyToken"), event.user_id, answer, event.event_id)
    return "answered" if answer else "silent"


def process_pending(limit=500):
    """Queue-less catch-up: process events stored while the broker was down (a schedule may run
    it; it is also what the bench's worker-free run calls)."""
    ids = list(LineEvent.objects.filter(processed_at__isnull=True).order_by("pk").values_list("pk", flat=True)[:limit])
    for pk in ids:
        process_event(pk)
    return len(ids)


# A chat not finished within a day is abandoned; LINE redelivers an event within hours, so a week
# of event IDs is ample to recognise a redelivery.
CONVERSATIONS_KEPT = datetime.timedelta(days=1)
EVENTS_KEPT = datetime.timedelta(days=7)


def purge_stale(now=None):
    """PDPA: what residents sent by chat is kept only as long as it is needed. A conversation a
    day old goes — with its photo when it never became a request (a filed one's photo is the
    request's own file now, kept by the case) — and event payloads (their messages as LINE sent
    them) go after a week. Safe to run twice. Returns (conversations, events) deleted."""
    now = now or timezone.now()
    stale = Conversation.objects.filter(updated_at__lt=now - CONVERSATIONS_KEPT)
    for conversation in stale.exclude(status=Conversation.Status.FILED).exclude(photo="").iterator():
        conversation.photo.delete(save=False)
    conversations, _ = stale.delete()
    events, _ = LineEvent.objects.filter(received_at__lt=now - EVENTS_KEPT).delete()
    return conversations, events
