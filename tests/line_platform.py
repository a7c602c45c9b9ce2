"""A fake LINE platform on 127.0.0.1 for the tests: the Messaging API (push, reply, rich menus,
profiles), its data API (message content, rich-menu images) and LINE Login (authorize page, token,
verify).

Every body the portal sends is checked against line-bot-sdk's models of LINE's published schema
(a message LINE would refuse is answered 400, as LINE does, and recorded in `refused`), every call
needs the channel's bearer token (401 otherwise), a second push with the same X-Line-Retry-Key is
answered 409 and not delivered twice, and a reply token works once. Tests build signed webhook
bodies with `webhook_body` / `signature`, as LINE's servers would send them.

Point the portal at it with LINE_API_URL = LINE_DATA_API_URL = platform.url.
"""

import base64
import hashlib
import hmac
import itertools
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

from linebot.v3.messaging import PushMessageRequest, ReplyMessageRequest, RichMenuRequest

TOKEN = "line-test-token"
SECRET = "line-test-secret"
LOGIN_CHANNEL_ID = "1650000000"
LOGIN_SECRET = "line-login-test-secret"

_ids = itertools.count(1)


def user_id(n=1):
    """A LINE user ID of the shape LINE issues: U followed by 32 hex digits."""
    return "U" + hashlib.sha256(str(n).encode()).hexdigest()[:32]


def signature(body, secret=SECRET):
    """X-Line-Signature: base64 of the HMAC-SHA256 of the raw body with the channel secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class LinePlatform:
    """Serves until `close()`. `requests` holds every call in order as dicts with method, path,
    headers and json (or form/bytes); `pushes()` and `replies()` only the accepted messages."""

    def __init__(self, tokens=(TOKEN,)):
        self.tokens = set(tokens)
        self.requests = []
        self.refused = []
        self.accepted = []  # (kind, body) of pushes and replies LINE would deliver
        self.retry_keys = set()
        self.reply_tokens = set()
        self.content = {}  # message id -> (content type, bytes)
        self.rich_menus = {}  # id -> {"request": ..., "image": bytes | None}
        self.default_rich_menu = None
        self.login_codes = {}  # authorization code -> claims of the ID token it yields
        self.id_tokens = {}  # id token -> claims
        # Who LINE's authorize page (GET /oauth2/v2.1/authorize, for browser tests) signs in;
        # `authorize_denies` makes it answer as when the resident presses Cancel.
        self.authorize_as = (user_id(1), "สมชาย LINE")
        self.authorize_denies = False
        self.answers = {}  # path prefix -> list of (status, headers, body) to answer first
        self.lock = threading.Lock()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _body(self):
                return self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))

            def _send(self, status, payload=None, headers=None, raw=None, content_type="application/json"):
                data = raw if raw is not None else json.dumps(payload if payload is not None else {}).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method):
                body = self._body()
                record = {"method": method, "path": self.path, "headers": dict(self.headers), "body": body}
                ctype = self.headers.get("Content-Type", "")
                if ctype.startswith("application/json") and body:
                    try:
                        record["json"] = json.loads(body.decode("utf-8"))
                    except ValueError:
                        record["json"] = None
                elif ctype.startswith("application/x-www-form-urlencoded"):
                    record["form"] = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
                with platform.lock:
                    platform.requests.append(record)
                    canned = next(
                        (queue for prefix, queue in platform.answers.items() if self.path.startswith(prefix) and queue),
                        None,
                    )
                    answer = canned.pop(0) if canned else None
                if answer is not None:
                    status, headers, payload = answer
                    return self._send(status, payload, headers)
                status, payload, *rest = platform.route(method, self.path, record)
                if isinstance(payload, bytes):
                    return self._send(status, raw=payload, content_type=rest[0])
                return self._send(status, payload, rest[0] if rest else None)

            def do_GET(self):  # noqa: N802 - http.server's hook names
                self._handle("GET")

            def do_POST(self):  # noqa: N802
                self._handle("POST")

            def do_DELETE(self):  # noqa: N802
                self._handle("DELETE")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    # What the tests read -------------------------------------------------------------------
    def pushes(self, to=None):
        return [b for kind, b in self.accepted if kind == "push" and (to is None or b["to"] == to)]

    def replies(self):
        return [b for kind, b in self.accepted if kind == "reply"]

    def texts(self, kind=None):
        """Every accepted message as plain text (a Flex message by its altText), in order."""
        return [
            m.get("text") or m.get("altText", "") for k, b in self.accepted if kind in (None, k) for m in b["messages"]
        ]

    # What the tests set up -------------------------------------------------------------------
    def answer(self, path_prefix, status, headers=None, body=None, times=1):
        """Answer the next `times` calls under `path_prefix` with `status` (e.g. 429 with
        {"Retry-After": "1"}) instead of handling them."""
        self.answers.setdefault(path_prefix, []).extend([(status, headers or {}, body or {})] * times)

    def add_content(self, data, content_type="image/jpeg"):
        """A message's content (a photo the resident sent); returns its message id."""
        message_id = str(next(_ids) + 10**15)
        self.content[message_id] = (content_type, data)
        return message_id

    def login(self, sub, name="สมชาย LINE", nonce=""):
        """An authorization code LINE Login would hand back for user `sub`."""
        code = uuid.uuid4().hex
        self.login_codes[code] = {
            "iss": "https://access.line.me",
            "sub": sub,
            "aud": LOGIN_CHANNEL_ID,
            "exp": int(time.time()) + 3600,
            "iat": int(time.time()),
            "nonce": nonce,
            "name": name,
        }
        return code

    # The platform -------------------------------------------------------------------
    def route(self, method, path, record):
        if method == "GET" and path.startswith("/oauth2/v2.1/authorize?"):
            return self.authorize(path)
        if path.startswith("/oauth2/"):
            return self.oauth(path, record.get("form") or {})
        auth = record["headers"].get("Authorization", "")
        if auth.removeprefix("Bearer ") not in self.tokens:
            return 401, {
                "message": "Authentication failed. Confirm that the access token in the authorization header is valid."
            }
        if method == "POST" and path == "/v2/bot/message/push":
            return self.message("push", PushMessageRequest, record)
        if method == "POST" and path == "/v2/bot/message/reply":
            return self.message("reply", ReplyMessageRequest, record)
        found = re.fullmatch(r"/v2/bot/message/(\d+)/content", path)
        if method == "GET" and found:
            if found.group(1) not in self.content:
                return 404, {"message": "Not found"}
            content_type, data = self.content[found.group(1)]
            return 200, data, content_type
        if method == "POST" and path == "/v2/bot/richmenu":
            try:
                RichMenuRequest.from_dict(record.get("json") or {})
            except Exception as error:  # noqa: BLE001 - any schema failure is LINE's 400
                self.refused.append(record)
                return 400, {"message": "The request body has 1 error(s)", "details": [{"message": str(error)[:300]}]}
            menu_id = f"richmenu-{uuid.uuid4().hex}"
            self.rich_menus[menu_id] = {"request": record["json"], "image": None}
            return 200, {"richMenuId": menu_id}
        found = re.fullmatch(r"/v2/bot/richmenu/(richmenu-[0-9a-f]+)/content", path)
        if method == "POST" and found:
            if found.group(1) not in self.rich_menus:
                return 404, {"message": "Not found"}
            if record["headers"].get("Content-Type") not in ("image/png", "image/jpeg") or not record["body"]:
                return 400, {"message": "Invalid content type"}
            self.rich_menus[found.group(1)]["image"] = record["body"]
            return 200, {}
        found = re.fullmatch(r"/v2/bot/user/all/richmenu/(richmenu-[0-9a-f]+)", path)
        if method == "POST" and found:
            menu = self.rich_menus.get(found.group(1))
            if menu is None or menu["image"] is None:
                return 400, {"message": "An image has not been uploaded to the rich menu"}
            self.default_rich_menu = found.group(1)
            return 200, {}
        if method == "GET" and path == "/v2/bot/richmenu/list":
            return 200, {"richmenus": [{"richMenuId": k, **v["request"]} for k, v in self.rich_menus.items()]}
        found = re.fullmatch(r"/v2/bot/richmenu/(richmenu-[0-9a-f]+)", path)
        if method == "DELETE" and found:
            self.rich_menus.pop(found.group(1), None)
            return 200, {}
        found = re.fullmatch(r"/v2/bot/profile/(U[0-9a-f]{32})", path)
        if method == "GET" and found:
            return 200, {"userId": found.group(1), "displayName": "ผู้ใช้ LINE", "language": "th"}
        return 404, {"message": "Not found"}

    def message(self, kind, model, record):
        body = record.get("json") or {}
        try:
            model.from_dict(body)
            for message in body.get("messages", []):
                if message.get("type") == "text" and len(message.get("text", "")) > 5000:
                    raise ValueError("text is longer than 5000 characters")
            if not 1 <= len(body.get("messages", [])) <= 5:
                raise ValueError("messages must hold 1 to 5 messages")
        except Exception as error:  # noqa: BLE001 - any schema failure is LINE's 400
            self.refused.append(record)
            return 400, {"message": "The request body has 1 error(s)", "details": [{"message": str(error)[:300]}]}
        if kind == "reply":
            with self.lock:
                if body["replyToken"] not in self.reply_tokens:
                    return 400, {"message": "Invalid reply token"}
                self.reply_tokens.discard(body["replyToken"])
        key = record["headers"].get("X-Line-Retry-Key")
        if key:
            with self.lock:
                if key in self.retry_keys:
                    return 409, {"message": "The retry key is already accepted"}, {"x-line-accepted-request-id": key}
                self.retry_keys.add(key)
        with self.lock:
            self.accepted.append((kind, body))
        return 200, {
            "sentMessages": [{"id": str(next(_ids)), "quoteToken": uuid.uuid4().hex} for _ in body["messages"]]
        }

    def authorize(self, path):
        """LINE Login's authorize page, signed in and consenting at once as `authorize_as`: back to
        redirect_uri with a code and the state, as LINE does (or error=access_denied)."""
        query = {k: v[0] for k, v in parse_qs(path.split("?", 1)[1]).items()}
        if (
            query.get("response_type") != "code"
            or query.get("client_id") != LOGIN_CHANNEL_ID
            or "openid" not in query.get("scope", "").split()
            or not query.get("redirect_uri", "").startswith(("http://", "https://"))
        ):
            return 400, {"error": "invalid_request"}
        if self.authorize_denies:
            answer = {
                "error": "access_denied",
                "error_description": "The user has denied.",
                "state": query.get("state", ""),
            }
        else:
            sub, name = self.authorize_as
            answer = {"code": self.login(sub, name=name, nonce=query.get("nonce", "")), "state": query.get("state", "")}
        return 302, {}, {"Location": f"{query['redirect_uri']}?{urlencode(answer)}"}

    def oauth(self, path, form):
        if path == "/oauth2/v2.1/token":
            claims = self.login_codes.pop(form.get("code", ""), None)
            if (
                claims is None
                or form.get("grant_type") != "authorization_code"
                or form.get("client_id") != LOGIN_CHANNEL_ID
                or form.get("client_secret") != LOGIN_SECRET
            ):
                return 400, {"error": "invalid_grant", "error_description": "invalid authorization code"}
            id_token = f"eyJ.{uuid.uuid4().hex}.sig"
            self.id_tokens[id_token] = claims
            return 200, {
                "access_token": uuid.uuid4().hex,
                "expires_in": 2592000,
                "id_token": id_token,
                "refresh_token": uuid.uuid4().hex,
                "scope": "openid profile",
                "token_type": "Bearer",
            }
        if path == "/oauth2/v2.1/verify":
            claims = self.id_tokens.get(form.get("id_token", ""))
            if claims is None or form.get("client_id") != claims["aud"]:
                return 400, {"error": "invalid_request", "error_description": "Invalid IdToken."}
            if form.get("nonce") and form["nonce"] != claims["nonce"]:
                return 400, {"error": "invalid_request", "error_description": "Invalid IdToken Nonce."}
            return 200, claims
        return 404, {"error": "not_found"}

    # Webhook bodies, as LINE sends them ------------------------------------------------------
    def event(self, kind, user, **fields):
        """One webhook event from `user`; a reply token the platform will honour once."""
        event = {
            "type": kind,
            "mode": "active",
            "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": user},
            "webhookEventId": uuid.uuid4().hex.upper()[:26],
            "deliveryContext": {"isRedelivery": False},
            **fields,
        }
        if kind in ("message", "follow", "postback"):
            event["replyToken"] = uuid.uuid4().hex
            self.reply_tokens.add(event["replyToken"])
        return event

    def text(self, user, text):
        return self.event("message", user, message={"id": str(next(_ids)), "type": "text", "text": text})

    def sticker(self, user):
        return self.event(
            "message", user, message={"id": str(next(_ids)), "type": "sticker", "packageId": "446", "stickerId": "1988"}
        )

    def image(self, user, data, content_type="image/jpeg"):
        message_id = self.add_content(data, content_type)
        return self.event(
            "message", user, message={"id": message_id, "type": "image", "contentProvider": {"type": "line"}}
        )

    def location(self, user, lat, lng, address=""):
        return self.event(
            "message",
            user,
            message={
                "id": str(next(_ids)),
                "type": "location",
                "title": "ตำแหน่งของฉัน",
                "address": address,
                "latitude": lat,
                "longitude": lng,
            },
        )

    def postback(self, user, data):
        return self.event("postback", user, postback={"data": data})


def webhook_body(*events, destination="U" + "f" * 32):
    """The raw bytes LINE POSTs to the webhook for `events`."""
    return json.dumps({"destination": destination, "events": list(events)}, ensure_ascii=False).encode()
