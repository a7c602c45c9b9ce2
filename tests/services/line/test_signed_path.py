"""Issue 19: the webhook as gunicorn serves it (portal.wsgi), through the short middleware stack
for signed requests: the same refusals, the events stored and queued before the 200 with no
worker running, two INSERTs and no other query per request, and the same security headers."""

import io
import sys

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django_q.conf import Conf
from django_q.models import OrmQ

from portal import wsgi
from services.line.models import LineEvent
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
from tests.services.line.conftest import STEPS
from tests.services.line.support import WEBHOOK

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = {
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
    "permissions-policy",
}


@pytest.fixture
def application():
    """portal.wsgi's dispatcher, built with the test settings."""
    return wsgi.dispatch(get_wsgi_application(), wsgi.SignedRequestHandler())


@pytest.fixture
def worker_stopped(monkeypatch):
    """The default install's broker (the database), with no worker taking the tasks."""
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", "default")


def call(application, body, signature=None, path=WEBHOOK, method="POST", host="localhost", scheme="https"):
    """One request as gunicorn hands it to the application: (status code, {header: value}, body)."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if signature is not None:
        environ["HTTP_X_LINE_SIGNATURE"] = signature
    started = []
    # As Django's test client does: the request signals must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, lambda status, headers, exc_info=None: started.append((status, headers)))
        content = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    status, headers = started[0]
    return int(status.split()[0]), {name.lower(): value for name, value in headers}, content


def signed(*events, secret=line_platform.SECRET):
    body = webhook_body(*events)
    return body, line_platform.signature(body, secret)


def test_only_signed_endpoints_take_the_short_stack():
    calls = []
    app = wsgi.dispatch(lambda *a: calls.append("browser") or [], lambda *a: calls.append("signed") or [])
    for path in ("/line/webhook/", "/line/webhook/nongbua.localhost/", "/line/login/", "/th/", "/line/webhook"):
        app({"PATH_INFO": path}, None)
    assert calls == ["signed", "signed", "browser", "browser", "browser"]
    middleware = [type(m).__name__ for m in _chain(wsgi.SignedRequestHandler())]
    assert "SessionMiddleware" not in middleware and "AuthenticationMiddleware" not in middleware
    assert "ArchivedOfficeMiddleware" in middleware and "CommonMiddleware" in middleware


def _chain(handler):
    """The middleware instances of a loaded handler, outermost first."""
    handler.load_middleware()
    found, current = [], handler._middleware_chain
    while current is not None:
        middleware = getattr(current, "__wrapped__", None) or current
        if hasattr(middleware, "get_response"):
            found.append(middleware)
            current = middleware.get_response
        else:
            break
    return found


@pytest.mark.parametrize("signature", [None, "", "bm90IGEgc2lnbmF0dXJl", line_platform.signature(b"other body")])
def test_a_wrong_or_missing_signature_is_refused_and_nothing_is_stored(
    application, world, platform, worker_stopped, signature
):
    body, _ = signed(platform.text(user_id(1), "ไฟดับ"))
    status, _headers, _content = call(application, body, signature)
    assert status == 400
    assert not LineEvent.objects.exists() and not OrmQ.objects.exists()


def test_events_are_stored_and_queued_before_the_200_with_no_worker(application, world, platform, worker_stopped):
    events = [platform.text(user_id(n), f"ไฟดับซอย {n}") for n in range(3)]
    body, signature = signed(*events)
    status, _headers, content = call(application, body, signature)
    assert (status, content) == (200, b"")
    stored = list(LineEvent.objects.order_by("pk"))
    assert [e.event_id for e in stored] == [e["webhookEventId"] for e in events]
    assert [e.user_id for e in stored] == [user_id(n) for n in range(3)]
    assert stored[0].payload == events[0] and stored[0].kind == "message"
    # One task per event, in the body's order, for the worker to take when it runs again.
    tasks = sorted(OrmQ.objects.all(), key=lambda task: task.pk)
    assert [task.name() for task in tasks] == [f"line-event-{e.pk}" for e in stored]
    assert [task.task["args"] for task in tasks] == [(e.pk,) for e in stored]
    assert not platform.requests  # nothing answered: the worker's job


def test_a_redelivery_and_a_repeat_in_the_same_body_queue_nothing_twice(application, world, platform, worker_stopped):
    first, second = platform.text(user_id(1), "ไฟดับ"), platform.text(user_id(2), "น้ำท่วม")
    assert call(application, *signed(first))[0] == 200
    assert call(application, *signed(first, second, second))[0] == 200
    assert LineEvent.objects.count() == 2 and OrmQ.objects.count() == 2


def test_one_webhook_request_is_two_inserts_and_no_other_query(application, world, platform, worker_stopped):
    call(application, *signed(platform.text(user_id(1), "ไฟดับ")))  # the office is looked up once
    events = [platform.text(user_id(n), f"ไฟดับซอย {n}") for n in range(100)]
    with CaptureQueriesContext(connection) as queries:
        assert call(application, *signed(*events))[0] == 200
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    # The test's own transaction makes the request's a savepoint: SAVEPOINT, INSERT, INSERT, RELEASE.
    assert [s for s in statements if s not in ("SAVEPOINT", "RELEASE", "BEGIN")] == ["INSERT", "INSERT"]
    assert LineEvent.objects.count() == 101 and OrmQ.objects.count() == 101


def test_the_short_stack_sends_the_sites_security_headers(application, client, world, platform):
    body, _ = signed(platform.text(user_id(1), "ไฟดับ"))
    _status, lean, _content = call(application, body, "bad")
    full = client.post(WEBHOOK, data=body, content_type="application/json", HTTP_X_LINE_SIGNATURE="bad")
    assert full.status_code == 400
    expected = SECURITY_HEADERS & {name.lower() for name in full.headers}
    assert expected >= {"content-security-policy", "x-frame-options", "x-content-type-options"}
    assert expected <= set(lean)
    assert all(lean[name] == full.headers[name] for name in expected)


def test_get_a_forged_host_and_an_unknown_office(application, world, platform, settings):
    assert call(application, b"", method="GET")[0] == 405
    settings.ALLOWED_HOSTS = ["localhost"]
    body, signature = signed(platform.text(user_id(1), "ไฟดับ"))
    assert call(wsgi.dispatch(None, wsgi.SignedRequestHandler()), body, signature, host="evil.example")[0] == 400
    assert call(application, body, signature, path="/line/webhook/nowhere.example/")[0] == 404
    assert not LineEvent.objects.exists()


def test_plain_http_is_sent_to_https_when_the_site_says_so(world, platform, settings):
    settings.SECURE_SSL_REDIRECT = True
    body, signature = signed(platform.text(user_id(1), "ไฟดับ"))
    status, headers, _content = call(wsgi.dispatch(None, wsgi.SignedRequestHandler()), body, signature, scheme="http")
    assert status == 301 and headers["location"] == "https://localhost/line/webhook/"
    assert not LineEvent.objects.exists()


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
    channel = NotificationSettings.for_site(office.site)
    channel.line_channel_secret, channel.line_channel_token = "nongbua-secret", "nongbua-token"
    channel.save()
    return office


def test_an_offices_new_secret_counts_at_once(application, office_b, platform, worker_stopped):
    url = "/line/webhook/nongbua.localhost/"
    event = platform.text(user_id(1), "ไฟดับ")
    assert call(application, *signed(event, secret="nongbua-secret"), path=url)[0] == 200
    channel = NotificationSettings.for_site(office_b.site)
    channel.line_channel_secret = "rotated-secret"
    channel.save()
    again = platform.text(user_id(1), "ไฟดับอีก")
    assert call(application, *signed(again, secret="nongbua-secret"), path=url)[0] == 400
    assert call(application, *signed(again, secret="rotated-secret"), path=url)[0] == 200
    # Renamed, the office answers at its new name only.
    office_b.site.hostname = "nongbua2.localhost"
    office_b.site.save()
    assert call(application, *signed(again, secret="rotated-secret"), path=url)[0] == 404
    assert LineEvent.objects.filter(site=office_b.site).count() == 2


def test_an_event_the_database_cannot_hold_costs_only_itself(application, world, platform, worker_stopped):
    """PostgreSQL's JSON refuses a NUL character: the body's other events are still stored and
    queued (SQLite keeps all three)."""
    events = [
        platform.text(user_id(1), "ไฟดับ"),
        platform.text(user_id(2), "bad\u0000"),
        platform.text(user_id(3), "น้ำ"),
    ]
    assert call(application, *signed(*events))[0] == 200
    kept = set(LineEvent.objects.values_list("event_id", flat=True))
    held = [events[0], events[2]] if connection.vendor == "postgresql" else events
    assert kept == {e["webhookEventId"] for e in held}
    assert OrmQ.objects.count() == len(held)
