"""Delivery channels behind one interface: `send(message)` returns nothing on success and raises
`Undeliverable` (the address is wrong: never retry) or `TemporaryFailure` (try again later).

Each send carries the notification's idempotency key to the provider (a fixed email Message-ID,
LINE's X-Line-Retry-Key, an Idempotency-Key header for the SMS gateway), so that in the one
window no outbox can close — the provider accepted the message and the worker died before
recording it — a retry is recognised as the same message by providers that honour the key.
"""

import datetime
import hashlib
import json
import re
import smtplib
import uuid
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.utils import timezone

from services.notifications import line

TIMEOUT = 10  # seconds; a gateway slower than this is treated as down and retried later
# Stored in a delivery's last error; the staff listing tells these apart from a wrong address.
NOT_CONFIGURED = "is not configured on this site"
NOT_A_MOBILE = "not a Thai mobile number"
BLOCKED = "the LINE user blocked the office's account"
# However long a provider asks us to wait, a day at most: a wrong header must not park a message.
MAX_RETRY_AFTER = 24 * 3600


class DeliveryError(Exception):
    pass


class Undeliverable(DeliveryError):
    """The recipient cannot receive this (invalid address or number, refused by the provider)."""


class TemporaryFailure(DeliveryError):
    """The service is down or busy: try again with backoff. `retry_after` (seconds) is how long
    the provider asked us to wait (HTTP 429/503 with Retry-After); the outbox waits at least that."""

    def __init__(self, message="", retry_after=None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Message:
    recipient: str
    subject: str
    text: str
    html: str
    key: str  # the notification's idempotency key
    site_id: int | None = None  # the office that sends it: LINE pushes with that office's channel
    link: str = ""  # the page a button opens (LINE); empty: a plain text message
    button: str = ""  # the button's words, in the recipient's language


class Channel:
    name = ""

    def is_configured(self, site=None):
        """Whether `site`'s office (a Site, its id, or None for the install) can send on this channel."""
        return True

    def normalize(self, recipient):
        """The recipient in the provider's format; raises Undeliverable if it cannot be one."""
        return recipient

    def check(self, recipient, site=None):
        """Raises Undeliverable when this recipient cannot be reached from `site` now: a malformed
        address, or (LINE) a user who blocked the office."""
        self.normalize(recipient)

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


def retry_after(response):
    """Seconds the provider asked us to wait (Retry-After: seconds or an HTTP date), or None."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        seconds = int(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.UTC)
        seconds = int((when - timezone.now()).total_seconds()) + 1
    return min(max(seconds, 0), MAX_RETRY_AFTER)


def _http_errors(response, provider):
    """Map an HTTP answer to our two failure kinds: 4xx (but 401/403/408/429) means this
    message will never go through; everything else may go through later — not before the
    provider's Retry-After when it sent one (a rate limit)."""
    if 200 <= response.status_code < 300:
        return
    detail = f"{provider} answered {response.status_code}: {response.text[:200]}"
    if 400 <= response.status_code < 500 and response.status_code not in (401, 403, 408, 429):
        raise Undeliverable(detail)
    raise TemporaryFailure(detail, retry_after=retry_after(response))


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

    def is_configured(self, site=None):
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
LINE_ALT_TEXT_LIMIT = 400
# A bubble may hold 30 KB of JSON; the text part stays well inside it (Thai is 3 bytes a letter in
# UTF-8). Longer texts are cut: the button opens the whole message on the tracking page.
LINE_FLEX_TEXT_LIMIT = 2000
LINE_BUTTON_LIMIT = 40


def shorten(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def flex_message(title, text, link, button, alt_text):
    """A Flex message: one bubble with the title, the text wrapped, and a button opening `link`.
    `alt_text` is what LINE shows where it cannot draw the bubble (notifications, the chat list,
    old clients): the plain message itself, cut to LINE's 400 characters."""
    title = " ".join((title or "").split()) or shorten(alt_text or "-", 60)
    body = [{"type": "text", "text": shorten(title, 200), "weight": "bold", "size": "md", "wrap": True}]
    if text:
        body.append(
            {"type": "text", "text": shorten(text, LINE_FLEX_TEXT_LIMIT), "size": "sm", "wrap": True, "margin": "md"}
        )
    return {
        "type": "flex",
        "altText": shorten(alt_text or title, LINE_ALT_TEXT_LIMIT),
        "contents": {
            "type": "bubble",
            "body": {"type": "box", "layout": "vertical", "contents": body},
            "footer": {
                "type": "box",
                "layout": "vertical",
                "contents": [
                    {
                        "type": "button",
                        "style": "primary",
                        "action": {"type": "uri", "label": shorten(button, LINE_BUTTON_LIMIT), "uri": link},
                    }
                ],
            },
        },
    }


def without_link(text, link):
    """The message without the lines that carry `link` (or the same page with another #part):
    the button opens it, and a long URL in the bubble is noise."""
    page = link.split("#", 1)[0]
    kept = [row for row in text.split("\n") if page not in row]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


class LineChannel(Channel):
    """LINE Messaging API push: POST {LINE_API_URL}/v2/bot/message/push with the sending office's
    own channel token (services.notifications.line.credentials). A message with a link goes as a
    Flex bubble (title, text, a button to the page) with the plain text as its altText; one
    without, as plain text."""

    name = "line"

    def is_configured(self, site=None):
        found = line.credentials(site)
        return bool(found and found.token)

    def normalize(self, recipient):
        recipient = (recipient or "").strip()
        if not LINE_ID.match(recipient):
            raise Undeliverable("not a LINE user, group or room ID")
        return recipient

    def check(self, recipient, site=None):
        recipient = self.normalize(recipient)
        # Groups and rooms (the staff's group) do not block; users do, per office.
        if recipient.startswith("U") and not line.is_reachable(site, recipient):
            raise Undeliverable(BLOCKED)

    def payload(self, message):
        to = self.normalize(message.recipient)
        text = message.text[:LINE_TEXT_LIMIT]
        if message.link.startswith(("https://", "http://")) and len(message.link) <= 1000 and message.button:
            item = flex_message(message.subject, without_link(text, message.link), message.link, message.button, text)
        else:
            item = {"type": "text", "text": text}
        return {"to": to, "messages": [item]}

    def send(self, message):
        found = line.credentials(message.site_id)
        if not (found and found.token):
            raise TemporaryFailure(f"no LINE channel access token: the line channel {NOT_CONFIGURED}")
        # Checked again when sending: the user may have blocked the office since the row was written.
        self.check(message.recipient, message.site_id)
        url = getattr(settings, "LINE_API_URL", "https://api.line.me").rstrip("/") + "/v2/bot/message/push"
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {found.token}",
            # LINE refuses a second push with the same key (409): the message went out already.
            "X-Line-Retry-Key": str(uuid.uuid5(uuid.NAMESPACE_URL, message.key)),
        }
        response = _post(url, self.payload(message), headers, "LINE")
        if response.status_code == 409:
            return
        _http_errors(response, "LINE")


CHANNELS = {channel.name: channel for channel in (EmailChannel(), SmsChannel(), LineChannel())}


def get_channel(name):
    return CHANNELS[name]
