"""A local stand-in for the SMS gateway, for `make run` and the tests.

It accepts exactly what `channels.SmsChannel` sends a real gateway — a JSON POST
{"to", "message", "sender"} with `Authorization: Bearer <SMS_GATEWAY_KEY>` and an
`Idempotency-Key` — checks it the way a gateway would (401 for a wrong key, 400 for a malformed
body or a number that is not a Thai mobile), and writes each message to its output instead of
sending it. So the demo's residents who gave only a phone number are told too, and a developer
sees what they would read. It never reaches a phone network: it is no gateway for production.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from services.notifications.channels import THAI_MOBILE

MAX_BODY = 64 * 1024  # a 5,000-character Thai text is under 16 KB as UTF-8
SMS_PART = 70  # characters in one UCS-2 SMS part (Thai needs UCS-2); longer texts go in parts


class StandinGateway(ThreadingHTTPServer):
    """Serves until `shutdown()`. `messages` holds what was accepted, in order; a repeated
    Idempotency-Key is answered as accepted but not shown twice, as real gateways do."""

    daemon_threads = True

    def __init__(self, address, key, out, path="/sms"):
        self.key = key
        self.path = path
        self.out = out  # a callable taking one line of text
        self.messages = []
        self._seen = {}
        self._lock = threading.Lock()
        super().__init__(address, StandinHandler)

    @property
    def url(self):
        host, port = self.server_address[:2]
        return f"http://{host}:{port}{self.path}"

    def accept(self, payload, idempotency_key):
        with self._lock:
            if idempotency_key and idempotency_key in self._seen:
                return self._seen[idempotency_key], False
            message_id = f"standin-{len(self.messages) + 1}"
            self.messages.append({**payload, "id": message_id, "idempotency_key": idempotency_key})
            if idempotency_key:
                self._seen[idempotency_key] = message_id
        parts = -(-len(payload["message"]) // SMS_PART)
        self.out(f"SMS {message_id} to {payload['to']} from {payload['sender'] or '-'} ({parts} part(s)):")
        for line in payload["message"].splitlines():
            self.out(f"    {line}")
        return message_id, True


def problem_with(payload):
    """Why a gateway would refuse this body, or "" if it is well formed."""
    if not isinstance(payload, dict) or set(payload) != {"to", "message", "sender"}:
        return 'the body must be a JSON object with exactly "to", "message" and "sender"'
    if not all(isinstance(value, str) for value in payload.values()):
        return '"to", "message" and "sender" must be strings'
    if not THAI_MOBILE.match(payload["to"]):
        return '"to" must be a Thai mobile number of 10 digits, e.g. 0812345678'
    if not payload["message"].strip():
        return '"message" is empty'
    return ""


class StandinHandler(BaseHTTPRequestHandler):
    server_version = "sms-gateway-standin"

    def do_POST(self):  # noqa: N802 - http.server's hook name
        if self.path.split("?")[0] != self.server.path:
            return self._answer(404, {"error": f"POST to {self.server.path}"})
        if self.headers.get("Authorization", "") != f"Bearer {self.server.key}":
            return self._answer(401, {"error": "wrong or missing Bearer key"})
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            return self._answer(415, {"error": "send application/json"})
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._answer(413, {"error": "body too large"})
        try:
            payload = json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self._answer(400, {"error": "the body is not UTF-8 JSON"})
        problem = problem_with(payload)
        if problem:
            self.server.out(f"SMS refused (400): {problem}")
            return self._answer(400, {"error": problem})
        message_id, _new = self.server.accept(payload, self.headers.get("Idempotency-Key", ""))
        return self._answer(200, {"id": message_id, "status": "accepted"})

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass  # each accepted message is written by `accept`; no access log noise
