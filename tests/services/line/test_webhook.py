"""Issue 19: the webhook takes only what LINE signed, each event once, 200 fast, per office."""

import pytest
from django_q.conf import Conf
from django_q.models import OrmQ

from services.cases.models import Case
from services.line.models import Conversation, LineEvent
from services.notifications.models import NotificationSettings
from tests import line_platform
from tests.factories import (
    DepartmentFactory,
    FormIndexPageFactory,
    FormPageFactory,
    OfficeFactory,
    ServiceIndexPageFactory,
    ServicePageFactory,
)
from tests.line_platform import user_id, webhook_body
from tests.services.line.conftest import STEPS, TOWN, jpeg
from tests.services.line.support import send

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl", line_platform.signature(b"other body")])
def test_a_wrong_or_missing_signature_is_refused_and_nothing_is_stored(
    client, world, platform, django_capture_on_commit_callbacks, signature
):
    response = send(client, django_capture_on_commit_callbacks, platform.text(user_id(1), "ไฟดับ"), signature=signature)
    assert response.status_code == 400
    assert not LineEvent.objects.exists() and not platform.requests


def test_the_other_channels_secret_is_refused(client, world, platform, django_capture_on_commit_callbacks):
    response = send(client, django_capture_on_commit_callbacks, platform.text(user_id(1), "ไฟดับ"), secret="not-ours")
    assert response.status_code == 400 and not LineEvent.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'{"events": "x"}',
        b"null",
        b'{"events": [NaN]}',
        b"[" * 200_000 + b"]" * 200_000,
    ],
)
def test_a_signed_body_that_is_not_a_webhook_is_a_400(
    client, world, platform, django_capture_on_commit_callbacks, body
):
    response = send(client, django_capture_on_commit_callbacks, body=body)
    assert response.status_code == 400 and not LineEvent.objects.exists()


def test_a_body_over_a_megabyte_is_refused(client, world, platform, django_capture_on_commit_callbacks):
    body = webhook_body(platform.text(user_id(1), "ก" * (400 * 1024)))
    assert len(body) > 1024 * 1024
    response = send(client, django_capture_on_commit_callbacks, body=body)
    assert response.status_code == 413 and not LineEvent.objects.exists()


def test_get_and_the_verify_button(client, world, platform, django_capture_on_commit_callbacks):
    assert client.get("/line/webhook/").status_code == 405
    # LINE's "Verify" sends an empty event list, signed.
    assert send(client, django_capture_on_commit_callbacks, body=webhook_body()).status_code == 200


def test_a_replayed_event_is_processed_once(client, world, platform, django_capture_on_commit_callbacks):
    event = platform.text(user_id(1), "ไฟดับหน้าบ้าน")
    body = webhook_body(event)
    for _ in range(3):
        assert send(client, django_capture_on_commit_callbacks, body=body).status_code == 200
    assert LineEvent.objects.count() == 1
    assert len(platform.replies()) == 1 and not platform.pushes()
    assert Conversation.objects.get().description == "ไฟดับหน้าบ้าน"


def test_unknown_event_types_are_ignored_with_200(client, world, platform, django_capture_on_commit_callbacks):
    events = [
        platform.event("unsend", user_id(1), unsend={"messageId": "1"}),
        platform.event("somethingNew", user_id(1)),
        {"type": "message"},  # no webhookEventId: not stored
        "not an event",
    ]
    assert send(client, django_capture_on_commit_callbacks, *events).status_code == 200
    assert LineEvent.objects.count() == 2
    assert not LineEvent.objects.filter(processed_at__isnull=True).exists()
    assert not platform.accepted


def test_100_events_in_one_body_are_all_stored_and_processed(
    client, world, platform, django_capture_on_commit_callbacks
):
    events = [platform.text(user_id(n), f"ไฟดับซอย {n}") for n in range(100)]
    assert send(client, django_capture_on_commit_callbacks, *events).status_code == 200
    assert LineEvent.objects.filter(processed_at__isnull=False).count() == 100
    assert Conversation.objects.count() == 100
    assert len(platform.replies()) == 100


def test_50_residents_reporting_at_once_give_50_cases_and_one_receipt_each(
    client, world, platform, django_capture_on_commit_callbacks
):
    users = [user_id(1000 + n) for n in range(50)]
    # The residents' messages interleave: each body carries one message of every resident.
    send(
        client,
        django_capture_on_commit_callbacks,
        *[platform.image(u, jpeg(color=(n, 0, 0))) for n, u in enumerate(users)],
    )
    # Each at their own street (110 m apart): one spot would be "already reported here".
    send(
        client,
        django_capture_on_commit_callbacks,
        *[platform.location(u, TOWN[0] + n * 0.001, TOWN[1]) for n, u in enumerate(users)],
    )
    send(
        client,
        django_capture_on_commit_callbacks,
        *[platform.text(u, f"ไฟดับหน้าบ้านเลขที่ {n}") for n, u in enumerate(users)],
    )
    cases = Case.objects.select_related("submission")
    assert cases.count() == 50
    assert sorted(c.submission.line_user_id for c in cases) == sorted(users)
    assert len({c.reference for c in cases}) == 50
    receipts = [m for r in platform.replies() for m in r["messages"] if m["type"] == "flex"]
    assert (
        sorted(m["altText"].split()[2] for m in receipts) == sorted(c.reference for c in cases) or len(receipts) == 50
    )
    for case in cases:
        assert sum(case.reference in m["altText"] for m in receipts) == 1
    assert len(platform.replies()) == 150 and not platform.refused


@pytest.fixture
def office_b(world, platform):
    office = OfficeFactory(name="อบต.หนองบัว", hostname="nongbua.localhost", reference_prefix="NBA")
    works = DepartmentFactory(site=office.site, code="works", name="กองช่าง อบต.หนองบัว")
    form = FormPageFactory(parent=FormIndexPageFactory(parent=office.home_th, slug="forms"), slug="lamp", steps=STEPS)
    form.save_revision().publish()
    ServicePageFactory(
        parent=ServiceIndexPageFactory(parent=office.home_th, slug="services"),
        title="ไฟทางดับ หนองบัว",
        slug="streetlight",
        department=works,
        online_form=form,
        public_place=True,
    )
    settings = NotificationSettings.for_site(office.site)
    settings.line_channel_secret, settings.line_channel_token = "nongbua-secret", "nongbua-token"
    settings.save()
    platform.tokens.add("nongbua-token")
    office.works = works
    return office


def test_another_office_has_its_own_webhook_and_secret(
    client, world, office_b, platform, django_capture_on_commit_callbacks
):
    url = "/line/webhook/nongbua.localhost/"
    user = user_id(1)
    # The default office's secret does not open office B's webhook.
    refused = send(client, django_capture_on_commit_callbacks, platform.text(user, "ไฟดับ"), url=url)
    assert refused.status_code == 400
    for event in (platform.location(user, *TOWN), platform.text(user, "ไฟทางดับหน้าโรงเรียน")):
        response = send(client, django_capture_on_commit_callbacks, event, url=url, secret="nongbua-secret")
        assert response.status_code == 200
    send(
        client,
        django_capture_on_commit_callbacks,
        platform.postback(user, "action=skip_photo"),
        url=url,
        secret="nongbua-secret",
    )
    case = Case.objects.get()
    assert case.site == office_b.site and case.department == office_b.works
    assert case.reference.startswith("NBA")
    assert all(
        r["headers"]["Authorization"] == "Bearer nongbua-token" for r in platform.requests if "/reply" in r["path"]
    )
    # The same user at the default office is another conversation.
    assert not Conversation.objects.filter(site=world["site"]).exists()


def test_unknown_office_and_the_default_office_by_name_are_not_found(client, world, platform):
    for name in ("nowhere.example", world["site"].hostname, "9999"):
        response = client.post(f"/line/webhook/{name}/", data=b"{}", content_type="application/json", follow=True)
        assert response.status_code == 404
    assert not LineEvent.objects.exists()


def test_with_the_database_broker_each_new_event_and_its_task_are_one_write(
    client, world, platform, django_capture_on_commit_callbacks, monkeypatch
):
    """The default install's broker is the database: the task row is written in the event's own
    transaction (no second write for the worker to wait on), and a redelivery queues nothing."""
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", "default")
    event = platform.text(user_id(7), "ไฟดับ")
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(2):
            response = client.post(
                "/line/webhook/",
                data=webhook_body(event),
                content_type="application/json",
                HTTP_X_LINE_SIGNATURE=line_platform.signature(webhook_body(event)),
            )
            assert response.status_code == 200
    assert not callbacks  # nothing left for after the commit
    task = OrmQ.objects.get()
    assert task.name() == f"line-event-{LineEvent.objects.get().pk}"
    assert not platform.requests  # queued, not done: the worker answers
