"""Issue 16: the tracking link rides in the first message, the one-time code goes out through the
real outbox to the SMTP server and the SMS gateway stand-ins, and no idempotency key holds a
phone number or an e-mail address."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.utils import timezone

from services.cases import access
from services.cases.models import CaseAccess
from services.notifications import events
from services.notifications.models import Notification, NotifyEvent
from tests.services.cases.support import make_world
from tests.services.notifications.support import file_request

pytestmark = pytest.mark.django_db

DETAILS = "ไฟดับหน้าบ้านเลขที่ 12"
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@pytest.fixture
def world(home_th):
    world = make_world(home_th)
    world["works"].email = "works@bansuan.go.th"
    world["works"].save()
    return world


def ask_for_code(client, case, capture, via="phone"):
    with capture(execute=True):
        return client.post(f"/t/{case.reference}/code", {"via": via}, HTTP_ACCEPT_LANGUAGE="th")


def code_in(text):
    return re.search(r"(?<!\d)(\d{6})(?!\d)", text).group(1)


def test_the_received_message_carries_the_link_and_the_outbox_forgets_it(
    client, world, smtp, django_capture_on_commit_callbacks
):
    case, _ = file_request(world, django_capture_on_commit_callbacks, email="somying@example.com")
    [message] = [m for m in smtp.messages if "somying@example.com" in m["to"]]
    link = re.search(rf"http://testserver(/t/{case.reference}/[A-Za-z0-9_-]{{22}})", message["text"]).group(1)
    assert f'href="http://testserver{link}"' in message["html"]

    client.get(link)
    assert DETAILS in client.get(f"/t/{case.reference}").content.decode()
    # Once sent, the kept copy no longer holds the secret.
    row = Notification.objects.get(case=case, event=NotifyEvent.RECEIVED, recipient="somying@example.com")
    assert row.status == Notification.Status.SENT
    assert link not in row.body and f"/t/{case.reference}/…" in row.body


def test_a_code_by_sms_opens_the_request_end_to_end(client, world, gateway, django_capture_on_commit_callbacks):
    case, _ = file_request(world, django_capture_on_commit_callbacks, phone="081-234-5678", email="")
    sent_before = len(gateway.sms())

    response = ask_for_code(client, case, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    [sms] = gateway.sms()[sent_before:]
    assert sms["json"]["to"] == "0812345678" and case.reference in sms["json"]["message"]
    code = code_in(sms["json"]["message"])
    page = client.get(f"/t/{case.reference}").content.decode()
    assert "08x-xxx-5678" in page and "0812345678" not in page
    # Stored as a keyed digest only, and gone from the outbox's copy once sent.
    assert code not in CaseAccess.objects.get(case=case).code_hash
    row = Notification.objects.get(case=case, event=NotifyEvent.TRACKING_CODE)
    assert code not in row.body and "••••••" in row.body
    # Typed on a Thai keyboard.
    response = client.post(f"/t/{case.reference}", {"code": code.translate(THAI_DIGITS)})
    assert response.status_code == 302
    assert DETAILS in client.get(f"/t/{case.reference}").content.decode()
    # A code works once.
    other = client.__class__()
    assert other.post(f"/t/{case.reference}", {"code": code}).status_code == 400
    assert DETAILS not in other.get(f"/t/{case.reference}").content.decode()


def test_a_code_by_e_mail_shows_where_it_went_masked(client, world, smtp, django_capture_on_commit_callbacks):
    case, _ = file_request(world, django_capture_on_commit_callbacks, email="somying@gmail.com")
    response = ask_for_code(client, case, django_capture_on_commit_callbacks, via="email")
    assert response.status_code == 302
    [mail] = [m for m in smtp.messages if "somying@gmail.com" in m["to"] and "รหัส" in m["subject"]]
    page = client.get(f"/t/{case.reference}").content.decode()
    assert "s***@gmail.com" in page and "somying@gmail.com" not in page
    assert client.post(f"/t/{case.reference}", {"code": code_in(mail["text"])}).status_code == 302


def test_no_e_mail_on_the_form_is_a_clear_message(client, world, gateway, django_capture_on_commit_callbacks):
    case, _ = file_request(world, django_capture_on_commit_callbacks, email="")
    response = ask_for_code(client, case, django_capture_on_commit_callbacks, via="email")
    assert response.status_code == 400
    assert "ไม่สามารถส่งรหัสทางอีเมล" in response.content.decode()
    assert not Notification.objects.filter(event=NotifyEvent.TRACKING_CODE).exists()


def test_one_live_code_resends_throttled_five_tries_ten_minutes(
    client, world, gateway, django_capture_on_commit_callbacks
):
    case, _ = file_request(world, django_capture_on_commit_callbacks)
    ask_for_code(client, case, django_capture_on_commit_callbacks)
    first = code_in(gateway.sms()[-1]["json"]["message"])
    # A second request within the minute is refused and sends nothing.
    again = ask_for_code(client, case, django_capture_on_commit_callbacks)
    assert again.status_code == 400 and "รอ" in again.content.decode()
    assert Notification.objects.filter(event=NotifyEvent.TRACKING_CODE).count() == 1
    # After a minute a new code replaces the first.
    CaseAccess.objects.filter(case=case).update(code_sent_at=timezone.now() - datetime.timedelta(minutes=2))
    ask_for_code(client, case, django_capture_on_commit_callbacks)
    second = code_in(gateway.sms()[-1]["json"]["message"])
    if second != first:
        assert client.post(f"/t/{case.reference}", {"code": first}).status_code == 400
    # Five wrong tries use the code up: the right one is refused afterwards.
    wrong = "000000" if second != "000000" else "111111"
    for _try in range(access.CODE_TRIES - (1 if second != first else 0)):
        client.post(f"/t/{case.reference}", {"code": wrong})
    refused = client.post(f"/t/{case.reference}", {"code": second})
    assert refused.status_code == 400 and "ขอรหัสใหม่" in refused.content.decode()
    # And a code older than ten minutes is refused too.
    CaseAccess.objects.filter(case=case).update(code_sent_at=timezone.now() - datetime.timedelta(minutes=2))
    ask_for_code(client, case, django_capture_on_commit_callbacks)
    third = code_in(gateway.sms()[-1]["json"]["message"])
    CaseAccess.objects.filter(case=case).update(code_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.post(f"/t/{case.reference}", {"code": third}).status_code == 400
    assert DETAILS not in client.get(f"/t/{case.reference}").content.decode()


def test_idempotency_keys_hold_no_phone_or_e_mail_and_still_send_once(world, smtp, django_capture_on_commit_callbacks):
    case, _ = file_request(world, django_capture_on_commit_callbacks, email="somying@example.com")
    keys = list(Notification.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == 2  # the resident and the department
    for key in keys:
        for personal in ("0812345678", "somying@example.com", "works@bansuan.go.th"):
            assert personal not in key
    # The same event reported again is still recorded (and sent) once.
    created = case.events.get(kind="created")
    assert events.notify_resident(case, created, NotifyEvent.RECEIVED) == []
    assert len([m for m in smtp.messages if "somying@example.com" in m["to"]]) == 1


def test_the_migration_hashes_the_recipients_in_existing_keys(world):
    short = Notification.objects.create(
        event="received",
        channel="email",
        recipient="somying@example.com",
        body="x",
        idempotency_key="ev1:email:somying@example.com",
    )
    long_address = "a" * 60 + "@example.com"
    cut = ("x" * 180 + ":email:" + long_address)[:200]
    long = Notification.objects.create(
        event="received", channel="email", recipient=long_address, body="x", idempotency_key=cut
    )
    untouched = Notification.objects.create(
        event="received", channel="email", recipient="", body="x", idempotency_key="k1"
    )
    migration = importlib.import_module("services.notifications.migrations.0002_tracking_code_and_private_keys")

    migration.hash_recipients_in_keys(apps, None)

    short.refresh_from_db(), long.refresh_from_db(), untouched.refresh_from_db()
    assert short.idempotency_key.startswith("ev1:email:r") and "somying" not in short.idempotency_key
    assert "aaaa" not in long.idempotency_key.split(":email:")[1]
    assert untouched.idempotency_key == "k1"
