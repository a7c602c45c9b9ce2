"""Real endpoints for the notification tests: an SMTP server (aiosmtpd) and an HTTP server
standing in for the SMS gateway and the LINE API, both on 127.0.0.1 in this process.

Nothing in the send path is mocked: Django's SMTP backend talks SMTP to the first, `requests`
talks HTTP to the second.
"""

import email
import email.policy
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from services.cases.models import Case
from tests.factories import FiledCaseFactory, SubmissionFactory


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """Collects what the SMTP server accepted, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(
            {
                "to": list(envelope.rcpt_tos),
                "subject": str(message["subject"]).strip(),
                "message_id": str(message["message-id"]),
                "text": message.get_body(preferencelist=("plain",)).get_content(),
                "html": (message.get_body(preferencelist=("html",)) or message).get_content(),
            }
        )
        return "250 OK"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller = None

    @property
    def messages(self):
        return self.mailbox.messages

    def start(self):
        # Restarting on the same port right after a stop may meet TIME_WAIT briefly: bounded retry.
        for _attempt in range(50):
            try:
                self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
                self.controller.start()
                return
            except (OSError, RuntimeError):
                time.sleep(0.05)
        raise RuntimeError("SMTP test server did not start")

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class Gateway:
    """The fake SMS gateway and LINE API: records every request; answers `status` (a list is
    consumed one answer per request, then the last one repeats)."""

    def __init__(self):
        self.requests = []
        self.status = [200]
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                gateway.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": json.loads(body.decode("utf-8"))}
                )
                status = gateway.status.pop(0) if len(gateway.status) > 1 else gateway.status[0]
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def sms(self):
        return [r for r in self.requests if r["path"] == "/sms"]

    def line(self):
        return [r for r in self.requests if r["path"] == "/v2/bot/message/push"]


def run_smtp(settings):
    """Generator for a test file's `smtp` fixture: the server, with Django's SMTP backend on it."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "no-reply@bansuan.go.th"
    yield server
    server.stop()


def run_gateway(settings):
    """Generator for a test file's `gateway` fixture: SMS gateway and LINE API settings point at it."""
    server = Gateway()
    settings.SMS_GATEWAY_URL = server.url + "/sms"
    settings.SMS_GATEWAY_KEY = "sms-test-key"
    settings.LINE_API_URL = server.url
    settings.LINE_CHANNEL_TOKEN = "line-test-token"
    yield server
    server.close()


def file_request(
    world, capture, *, phone="0812345678", email="", language="th", contact_name="สมหญิง ใจดี", answers_extra=None
):
    """A submission through the real intake, committed with its on-commit tasks run (as the wizard does)."""
    with capture(execute=True):
        submission = SubmissionFactory(
            form_page=world["form"],
            phone=phone,
            answers={"details": "ไฟดับหน้าบ้านเลขที่ 12", "phone": phone, **(answers_extra or {})},
            language=language,
            contact_name=contact_name,
            contact_email=email,
            location_text="",
        )
        receipt = FiledCaseFactory(submission=submission).receipt
    # Read after the block: the on-commit tasks have run by then.
    return Case.objects.get(reference=receipt.reference), receipt
