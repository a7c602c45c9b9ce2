"""Delivery channels behind one interface: `send(message)` returns nothing on success and raises
`Undeliverable` (the address is wrong: never retry) or `TemporaryFailure` (try again later).

Each send carries the notification's idempotency key to the provider (a fixed email Message-ID,
LINE's X-Line-Retry-Key, an Idempotency-Key header for the SMS gateway), so that in the one
window no outbox can close — the provider accepted the message and the worker died before
recording it — a retry is recognised as the same message by providers that honour the key.
"""

import hashlib
import json
import re
import smtplib
import uuid
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email

TIMEOUT = 10  # seconds; a gateway slower than this is treated as down and retried later
# Stored in a delivery's last error; the staff listing tells these apart from a wrong address.
NOT_CONFIGURED = "is not configured on this site"
NOT_A_MOBILE = "not a Thai mobile number"


class DeliveryError(Exception):
    pass


class Undeliverable(DeliveryError):
    """The recipient cannot receive this (invalid address or number, refused by the provider)."""


class TemporaryFailure(DeliveryError):
    """The service is down or busy: try again with backoff."""


@dataclass
class Message:
    recipient: str
    subject: str
    text: str
    html: str
    key: str  # the notification's idempotency key


class Channel:
    name = ""

    def is_configured(self):
        return True

    def normalize(self, recipient):
        """The recipient in the provider's format; raises Undeliverable if it cannot be one."""
        return recipient

    def send(self, message):  # pragma: no cover - interface
        raise NotImplementedError


class EmailChannel(Channel):
    name = "email"

    def normalize(self, recipient):
        recipient = (recipient or "").strip()
        try:
            validate_email(recipient)
        except ValidationError as error:
            raise Undeliverable("invalid email address") from error
        return recipient

    def send(self, message):
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
        email = EmailMultiAlternatives(
            subject=message.subject.replace("\n", " ")[:200],
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[self.normalize(message.recipient)],
            headers={"Message-ID": f"<{hashlib.sha256(message.key.encode()).hexdigest()[:32]}@{domain}>"},
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        try:
            get_connection(fail_silently=False, timeout=TIMEOUT).send_messages([email])
        except smtplib.SMTPRecipientsRefused as error:
            raise Undeliverable(f"recipient refused: {error.recipients}") from error
        except (smtplib.SMTPException, OSError) as error:
            raise TemporaryFailure(f"SMTP: {error.__class__.__name__}: {error}") from error


def _http_errors(response, provider):
    """Map an HTTP answer to our two failure kinds: 4xx (but 401/403/408/429) means this
    message will never go through; everything else may go through later."""
    if 200 <= response.status_code < 300:
        return
    detail = f"{provider} answered {response.status_code}: {response.text[:200]}"
    if 400 <= response.status_code < 500 and response.status_code not in (401, 403, 408, 429):
        raise Undeliverable(detail)
    raise TemporaryFailure(detail)


def _post(url, payload, headers, provider):
    try:
        response = requests.post(
            url, data=json.dumps(payload, ensure_ascii=False).encode(), headers=headers, timeout=TIMEOUT
        )
    except requests.RequestException as error:
        raise TemporaryFailure(f"{provider}: {error.__class__.__name__}") from error
    return response


THAI_MOBILE = re.compile(r"^0[689]\d{8}$")


class SmsChannel(Channel):
    """A generic HTTP SMS gateway: JSON POST {"to", "message", "sender"} with a Bearer key.
    Thai mobile numbers only (10 digits starting 06/08/09; +66 and 66 prefixes accepted)."""

    name = "sms"

    def is_configured(self):
        return bool(getattr(settings, "SMS_GATEWAY_URL", ""))

    def normalize(self, recipient):
        digits = re.sub(r"[\s\-().]", "", recipient or "")
        if digits.startswith("+66"):
            digits = "0" + digits[3:]
        elif digits.startswith("66") and len(digits) == 11:
            digits = "0" + digits[2:]
        if not THAI_MOBILE.match(digits):
            raise Undeliverable(NOT_A_MOBILE)
        return digits

    def send(self, message):
        if not self.is_configured():
            raise TemporaryFailure(f"SMS_GATEWAY_URL is not set: the sms channel {NOT_CONFIGURED}")
        payload = {
            "to": self.normalize(message.recipient),
            "message": message.text,
            "sender": getattr(settings, "SMS_SENDER", ""),
        }
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {getattr(settings, 'SMS_GATEWAY_KEY', '')}",
            "Idempotency-Key": message.key,
        }
        _http_errors(_post(settings.SMS_GATEWAY_URL, payload, headers, "SMS gateway"), "SMS gateway")


LINE_ID = re.compile(r"^[UCR][0-9a-f]{32}$")
LINE_TEXT_LIMIT = 5000


class LineChannel(Channel):
    """LINE Messaging API push: POST {LINE_API_URL}/v2/bot/message/push."""

    name = "line"

    def is_configured(self):
        return bool(getattr(settings, "LINE_CHANNEL_TOKEN", ""))

    def normalize(self, recipient):
        recipient = (recipient or "").strip()
        if not LINE_ID.match(recipient):
            raise Undeliverable("not a LINE user, group or room ID")
        return recipient

    def send(self, message):
        if not self.is_configured():
            raise TemporaryFailure(f"LINE_CHANNEL_TOKEN is not set: the line channel {NOT_CONFIGURED}")
        url = getattr(settings, "LINE_API_URL", "https://api.line.me").rstrip("/") + "/v2/bot/message/push"
        payload = {
            "to": self.normalize(message.recipient),
            "messages": [{"type": "text", "text": message.text[:LINE_TEXT_LIMIT]}],
        }
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {settings.LINE_CHANNEL_TOKEN}",
            # LINE refuses a second push with the same key (409): the message went out already.
            "X-Line-Retry-Key": str(uuid.uuid5(uuid.NAMESPACE_URL, message.key)),
        }
        response = _post(url, payload, headers, "LINE")
        if response.status_code == 409:
            return
        _http_errors(response, "LINE")


CHANNELS = {channel.name: channel for channel in (EmailChannel(), SmsChannel(), LineChannel())}


def get_channel(name):
    return CHANNELS[name]
