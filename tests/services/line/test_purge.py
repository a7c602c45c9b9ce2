"""PDPA: what residents send by chat is not kept longer than needed (services.line.tasks.purge_stale)."""

import datetime

import pytest
from django.utils import timezone

from services.cases.models import Case
from services.line.models import Conversation, LineEvent
from services.line.tasks import purge_stale
from tests.line_platform import user_id
from tests.services.line.conftest import TOWN, jpeg
from tests.services.line.support import send
from tests.services.line.test_chat import report

pytestmark = pytest.mark.django_db


def test_a_day_old_chat_and_a_week_old_event_go_and_a_filed_photo_stays(
    client, world, platform, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    report(client, capture, platform, user_id(1))  # filed: its photo is now the request's file
    unfinished = user_id(2)
    send(client, capture, platform.image(unfinished, jpeg()))  # a photo, then nothing more
    send(client, capture, platform.location(unfinished, *TOWN))
    abandoned = Conversation.objects.get(user_id=unfinished)
    abandoned_photo = abandoned.photo.name
    assert abandoned.photo.storage.exists(abandoned_photo)
    case = Case.objects.get()
    filed_photo = case.submission.files.get().file

    # Not yet: a chat an hour old may still be finished, and events are kept for redeliveries.
    assert purge_stale(now=timezone.now() + datetime.timedelta(hours=1)) == (0, 0)

    later = timezone.now() + datetime.timedelta(days=2)
    conversations, events = purge_stale(now=later)
    assert conversations == 2 and events == 0
    assert not Conversation.objects.exists()
    assert not abandoned.photo.storage.exists(abandoned_photo)  # the unfiled photo is gone
    assert filed_photo.storage.exists(filed_photo.name)  # the request keeps its own
    assert LineEvent.objects.count() == 5

    assert purge_stale(now=timezone.now() + datetime.timedelta(days=8)) == (0, 5)
    assert not LineEvent.objects.exists()
    assert Case.objects.get().submission.line_user_id == user_id(1)  # the request is untouched
    assert purge_stale(now=later) == (0, 0)  # twice: nothing more
