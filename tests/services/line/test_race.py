"""Residents' chats at the same moment, on a real database with real threads: each report filed
once, each receipt sent once, even when the task of the completing message runs twice at once."""

import threading

import pytest
from django.db import connection
from django.test import Client

from services.cases.models import Case
from services.line.models import LineEvent
from services.line.tasks import process_event
from tests import line_platform
from tests.line_platform import user_id
from tests.services.line.conftest import STEPS, TOWN, jpeg
from tests.services.places.support import public_world

RESIDENTS = 20


def run_threads(target, count):
    barrier = threading.Barrier(count)
    errors = []

    def run(index):
        try:
            barrier.wait(timeout=30)
            target(index)
        except Exception as error:  # noqa: BLE001 - collected and reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


@pytest.fixture
def line_world(home_th):
    world = public_world(home_th)
    world["form"].steps = STEPS
    world["form"].save_revision().publish()
    return world


def post(client, *events):
    body = line_platform.webhook_body(*events)
    response = client.post(
        "/line/webhook/",
        data=body,
        content_type="application/json",
        HTTP_X_LINE_SIGNATURE=line_platform.signature(body),
    )
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_residents_reporting_at_once_each_get_one_case_and_one_receipt(line_world, platform):
    def resident(n):
        client, user = Client(), user_id(500 + n)
        post(client, platform.image(user, jpeg()))
        post(client, platform.location(user, TOWN[0] + n * 0.003, TOWN[1]))
        text = platform.text(user, f"ไฟดับหน้าบ้านเลขที่ {n}")
        post(client, text)
        post(client, text)  # LINE's redelivery of the last message, at once

    assert run_threads(resident, RESIDENTS) == []
    cases = Case.objects.select_related("submission")
    assert cases.count() == RESIDENTS
    assert len({c.submission.line_user_id for c in cases}) == RESIDENTS
    receipts = [m for r in platform.replies() for m in r["messages"] if m["type"] == "flex"]
    assert sorted(m["altText"].split()[2] for m in receipts) == sorted(c.reference for c in cases)
    assert not platform.refused


@pytest.mark.django_db(transaction=True)
def test_the_completing_events_task_running_twice_at_once_files_once(line_world, platform):
    client, user = Client(), user_id(600)
    post(client, platform.location(user, *TOWN))
    post(client, platform.postback(user, "action=skip_photo"))
    text = platform.text(user, "ไฟดับหน้าบ้าน")
    event = LineEvent.objects.create(
        site=line_world["site"], event_id=text["webhookEventId"], kind="message", user_id=user, payload=text
    )
    assert run_threads(lambda _n: process_event(event.pk), 4) == []
    assert Case.objects.count() == 1
    assert sum(m["type"] == "flex" for r in platform.replies() for m in r["messages"]) == 1
