"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against a
real server process, with axe checks.

The site under test is what `make run` gives: its own database (a SQLite file, or a fresh
PostgreSQL database when DATABASE_URL points at PostgreSQL), migrated, with the demo loaded,
served by gunicorn. That database is a copy of the demo the suite builds once per run
(`demo_snapshot` in tests/conftest.py), not a second migrate and load_demo in a subprocess.
Browser tests therefore never share the test process's database state, and assert what a
person sees. Without Chromium they skip with a loud reason; with
REQUIRE_BROWSER=1 (CI) a missing browser fails them instead, so CI cannot pass by skipping.
"""

import base64
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import dj_database_url
import pytest
from django_otp.oath import totp

from portal.demo_security import DEMO_TOTP_SECRET
from tests.services.notifications.support import SmtpServer

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_CANDIDATES = [os.environ.get("CHROMIUM_PATH", ""), "/usr/bin/chromium", "/usr/bin/chromium-browser"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}


def chromium_path():
    for candidate in CHROMIUM_CANDIDATES:
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SiteDatabase:
    """A throwaway copy of the demo database (tests/conftest.py builds it once per run) for the
    server under test, on the same engine as the suite: a copy of the SQLite file, or a new
    PostgreSQL database made from the demo's template database."""

    def __init__(self, tmp_dir, demo_snapshot):
        base = os.environ.get("DATABASE_URL", "")
        self.name = f"portal_browser_{uuid.uuid4().hex[:8]}"
        if base.startswith(("postgres://", "postgresql://")):
            self.config = dj_database_url.parse(base)
            self.url = base.rsplit("/", 1)[0] + "/" + self.name
            self._admin(f'CREATE DATABASE "{self.name}" TEMPLATE "{demo_snapshot.template_database}"')
        else:
            self.config = None
            path = tmp_dir / "browser.sqlite3"
            shutil.copyfile(demo_snapshot.database_file, path)
            self.url = f"sqlite:///{path}"

    def _admin(self, sql):
        import psycopg

        params = {
            "host": self.config["HOST"] or "127.0.0.1",
            "port": self.config["PORT"] or 5432,
            "user": self.config["USER"],
            "password": self.config["PASSWORD"],
            "dbname": "postgres",
        }
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(sql)

    def drop(self):
        if self.config is not None:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@contextlib.contextmanager
def demo_server(tmp_dir, demo_snapshot, **settings):
    """(base URL, SiteDatabase) of a gunicorn serving a copy of the demo database the suite builds
    once (`demo_snapshot`), with a copy of the files it wrote; `settings` are added to its
    environment (another settings module, an SMTP port)."""
    database = SiteDatabase(tmp_dir, demo_snapshot)
    demo_snapshot.copy_media(tmp_dir / "media", tmp_dir / "private")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": database.url,
        "MEDIA_ROOT": str(tmp_dir / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_dir / "private"),
        # Staff who see cases give a six-digit code after their password, as on `make run`.
        "OTP_REQUIRED": "true",
        **settings,
    }
    port = _free_port()
    log = open(tmp_dir / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--timeout",
            "120",
            # Each test server is its own: gunicorn's control socket is one path per user, and a
            # second server taking it over (then removing it on exit) is not what a test wants.
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError((tmp_dir / "server.log").read_text()) from None
                time.sleep(0.2)
        yield url, database
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        database.drop()


@contextlib.contextmanager
def mail_demo_server(tmp_dir, demo_snapshot):
    """(base URL, SiteDatabase, SmtpServer): `demo_server` with the test settings' SMTP backend
    pointed at an SMTP server of the test's own, so a test reads each e-mail as delivered."""
    smtp = SmtpServer()
    smtp.start()
    try:
        with demo_server(
            tmp_dir,
            demo_snapshot,
            DJANGO_SETTINGS_MODULE="tests.services.notifications.worker_settings",
            NOTIF_TEST_SMTP_PORT=str(smtp.port),
        ) as (url, database):
            yield url, database, smtp
    finally:
        smtp.stop()


@pytest.fixture(scope="session")
def live_site(tmp_path_factory, demo_snapshot):
    """Base URL of a gunicorn serving a migrated database with the demo municipality: a copy of
    the one the suite builds once (`demo_snapshot`), with a copy of the files it wrote."""
    with demo_server(tmp_path_factory.mktemp("live_site"), demo_snapshot) as (url, _database):
        yield url


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = "BROWSER TESTS NOT RUN: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def make_page(browser):
    """`make_page(viewport, javascript=True)` opens a fresh context; closed after the test."""
    contexts = []

    def _make(viewport=None, javascript=True, locale="th-TH"):
        context = browser.new_context(
            viewport=viewport or VIEWPORTS["phone"], java_script_enabled=javascript, locale=locale
        )
        contexts.append(context)
        page = context.new_page()
        page.portal_javascript = javascript  # assert_accessible needs to know (axe runs in the page)
        return page

    yield _make
    for context in contexts:
        context.close()


_last_code_step = [0]


def demo_code():
    """A six-digit code from the demo's documented authenticator secret that no earlier sign-in
    of this run has used: django-otp refuses a code twice, and two tests can sign the same
    officer in within one 30-second step (the device accepts the next step's code too)."""
    now = int(time.time()) // 30
    step = max(now, _last_code_step[0] + 1)
    if step > now + 1:
        time.sleep(30 - time.time() % 30 + 0.5)
        now = step = int(time.time()) // 30
    _last_code_step[0] = step
    return f"{totp(base64.b32decode(DEMO_TOTP_SECRET), drift=step - now):06d}"


def second_factor(page):
    """Type the demo's code when the page asks for it (staff who see cases, two-step sign-in
    on), and wait for the page it leads to."""
    if "/2fa/" not in page.url:
        return
    token = page.locator("#id_token")
    token.fill(demo_code())
    with page.expect_navigation():
        token.press("Enter")


def staff_sign_in(page, live_site, username, then):
    """Sign a demo staff member in through the admin's form, open `then` (a path) and give the
    two-step code if asked for it."""
    page.goto(f"{live_site}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "portal-demo-2569")
    with page.expect_navigation():
        page.locator('button[type="submit"]').click()
    page.goto(f"{live_site}{then}")
    second_factor(page)


def assert_accessible(page):
    """No serious or critical axe violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    if getattr(page, "portal_javascript", True):
        results = Axe().run(page)
    else:
        # axe runs inside the page: without JavaScript its promise never settles and Playwright's
        # evaluate has no timeout (a CI run hung there for an hour). The same address, with the
        # same cookies, is checked in a page that runs it.
        context = page.context.browser.new_context(
            viewport=page.viewport_size, storage_state=page.context.storage_state()
        )
        try:
            checked = context.new_page()
            checked.goto(page.url)
            results = Axe().run(checked)
        finally:
            context.close()
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not bad, f"axe found serious/critical violations on {page.url}:\n" + "\n".join(bad)
