"""The demo's SMS (issue 14, item 11): `make run` starts a local stand-in for the SMS gateway
(manage.py sms_gateway_standin) that takes the real gateway's JSON and Bearer key and prints
each message, so a resident who gave only a phone number is told; and staff read "SMS not set
up on this site", not "invalid address", when a site has no gateway."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from django.urls import reverse

from services.notifications.models import Notification
from services.notifications.standin import StandinGateway
from tests.services.cases.support import make_world
from tests.services.notifications.support import file_request, free_port

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
S = Notification.Status


@pytest.fixture
def world(home_th):
    return make_world(home_th)


@pytest.fixture
def standin(settings):
    lines = []
    server = StandinGateway(("127.0.0.1", 0), "standin-key", out=lines.append)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_GATEWAY_URL = server.url
    settings.SMS_GATEWAY_KEY = "standin-key"
    settings.SMS_SENDER = "BanSuan"
    server.lines = lines
    yield server
    server.shutdown()
    server.server_close()


def test_a_phone_only_resident_is_texted_through_the_standin(world, standin, django_capture_on_commit_callbacks):
    case, _ = file_request(
        world, django_capture_on_commit_callbacks, phone="081-234-5678", email="", contact_name="นางสมศรี ใจดี"
    )
    [sms] = standin.messages
    assert sms["to"] == "0812345678" and sms["sender"] == "BanSuan"
    assert sms["message"].startswith("เรียน คุณสมศรี ใจดี\n") and case.reference in sms["message"]
    assert sms["idempotency_key"].startswith("ev")
    assert Notification.objects.get(case=case, channel="sms").status == S.SENT
    printed = "\n".join(standin.lines)
    assert "to 0812345678 from BanSuan" in printed and case.reference in printed


def test_the_standin_refuses_what_a_gateway_would(standin):
    good = {"to": "0812345678", "message": "ทดสอบ", "sender": "BanSuan"}
    headers = {"Authorization": "Bearer standin-key", "Idempotency-Key": "k1"}
    assert (
        requests.post(standin.url, json=good, headers={"Authorization": "Bearer wrong"}, timeout=5).status_code == 401
    )
    assert (
        requests.post(standin.url, json={"to": "0812345678", "message": "x"}, headers=headers, timeout=5).status_code
        == 400
    )
    landline = requests.post(standin.url, json={**good, "to": "053123456"}, headers=headers, timeout=5)
    assert landline.status_code == 400 and "Thai mobile" in landline.json()["error"]
    assert requests.post(standin.url, json={**good, "message": " "}, headers=headers, timeout=5).status_code == 400
    first = requests.post(standin.url, json=good, headers=headers, timeout=5)
    again = requests.post(standin.url, json=good, headers=headers, timeout=5)  # the same key: a retry
    assert first.status_code == again.status_code == 200 and first.json()["id"] == again.json()["id"]
    assert len(standin.messages) == 1


def test_the_command_prints_each_message_as_make_run_shows_it():
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "SMS_GATEWAY_URL": f"http://127.0.0.1:{port}/sms",
        "SMS_GATEWAY_KEY": "k",
        "PYTHONUNBUFFERED": "1",
    }
    command = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "sms_gateway_standin"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert f"SMS gateway stand-in at http://127.0.0.1:{port}/sms" in command.stdout.readline()
        payload = {"to": "0891112222", "message": "คำร้อง BSR-69-7KQ2M-4 ของท่าน", "sender": "BanSuan"}
        response = requests.post(
            f"http://127.0.0.1:{port}/sms", json=payload, headers={"Authorization": "Bearer k"}, timeout=5
        )
        assert response.status_code == 200
        assert "to 0891112222 from BanSuan" in command.stdout.readline()
        assert "คำร้อง BSR-69-7KQ2M-4 ของท่าน" in command.stdout.readline()
    finally:
        command.terminate()
        command.wait(timeout=10)


def test_dev_settings_send_sms_to_the_standin_and_make_run_starts_it():
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMS_")}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    printed = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.SMS_GATEWAY_URL)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    assert printed == "http://127.0.0.1:8025/sms"
    run_target = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "$(MANAGE) sms_gateway_standin &" in run_target


def test_staff_read_sms_not_set_up_instead_of_invalid_address(
    world, settings, client, django_capture_on_commit_callbacks
):
    settings.SMS_GATEWAY_URL = ""
    case, _ = file_request(world, django_capture_on_commit_callbacks, phone="0812345678", email="")
    assert Notification.objects.get(case=case, channel="sms").status == S.UNDELIVERABLE
    client.force_login(world["officer_works"])
    page = client.get(reverse("notification_failed:index")).content.decode()
    assert case.reference in page
    assert "เว็บไซต์นี้ยังไม่ได้ตั้งค่าการส่ง SMS" in page and "ที่อยู่ไม่ถูกต้อง" not in page
    # Once a gateway is set up, the same row says so and invites a resend.
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"
    page = client.get(reverse("notification_failed:index")).content.decode()
    assert "ตอนส่งยังไม่ได้ตั้งค่าการส่ง SMS" in page
    # A landline is the resident's number, not the site's setup: said as such.
    landline_case, _ = file_request(world, django_capture_on_commit_callbacks, phone="053123456", email="")
    page = client.get(reverse("notification_failed:index")).content.decode()
    assert landline_case.reference in page and "ไม่ใช่หมายเลขโทรศัพท์มือถือ" in page
