"""Security headers: a strict Content Security Policy on the public site (no inline script), a
laxer one scoped to the Wagtail admin, frame-ancestors, referrer policy; production's HSTS and
secure cookies; the admin path is configurable."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "k" * 30 + "EXAMPLE-production-secret-0123456789"


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_public_pages_get_the_strict_policy(client, home_th):
    response = client.get("/th/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert all(source == "'self'" or source.startswith("'sha256-") for source in policy["style-src"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_public_pages_have_no_inline_script_or_handlers(client, home_th):
    """What the strict policy would block must not be on the page: inline <script> blocks,
    on*= attributes, javascript: URLs."""
    import re

    for url in ("/th/", "/en/", "/th/track/", "/th/accounts/login/"):
        html = client.get(url).content.decode()
        inline = [
            m for m in re.findall(r"<script\b([^>]*)>", html) if "src=" not in m and "application/ld+json" not in m
        ]
        assert inline == [], url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert "javascript:" not in html, url


@pytest.mark.django_db
def test_admin_gets_its_own_policy(client, django_user_model):
    response = client.get("/admin/login/")
    policy = directives(response["Content-Security-Policy"])
    # Wagtail's admin renders inline scripts of its own; everything still comes from this origin.
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "https:" not in policy["script-src"]


def test_production_sends_hsts_and_secure_cookies_and_check_deploy_is_clean():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="portal.example.go.th",
    )
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.OTP_REQUIRED, s.DEFAULT_EXCEPTION_REPORTER_FILTER)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )  # noqa: S603
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "portal.security.PersonalDataReporterFilter",
    ], result.stderr
    deploy = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert "no issues" in deploy.stdout


@pytest.fixture
def admin_path_urls():
    """Rebuild the URLconf under another ADMIN_PATH, and put the normal one back afterwards."""
    import portal.urls

    def rebuild():
        clear_url_caches()
        importlib.reload(portal.urls)

    yield rebuild
    rebuild()


@pytest.mark.django_db
def test_admin_path_is_configurable(client, home_th, admin_path_urls):
    with override_settings(ADMIN_PATH="staff-desk-7f3"):
        admin_path_urls()
        moved = client.get("/staff-desk-7f3/")
        assert moved.status_code == 302
        assert moved["Location"].startswith("/staff-desk-7f3/login/")
        login = client.get("/staff-desk-7f3/login/")
        assert "frame-ancestors 'self'" in login["Content-Security-Policy"]  # the admin's policy follows the path
        assert client.get("/admin/", follow=True).status_code == 404


@pytest.mark.django_db
def test_the_error_page_styles_are_allowed_by_hash(client, home_th):
    import base64
    import hashlib
    import re

    from django.conf import settings

    html = (settings.BASE_DIR / "templates" / "500.html").read_text()
    css = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in directives(client.get("/th/")["Content-Security-Policy"])["style-src"]


@pytest.mark.django_db
def test_editors_userbar_needs_no_inline_script(client, home_th, django_user_model):
    """Signed-in editors see Wagtail's userbar on public pages, under the public policy."""
    import re

    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    html = client.get("/th/").content.decode()
    assert "userbar" in html
    inline = [m for m in re.findall(r"<script\b([^>]*)>", html) if "src=" not in m and "json" not in m]
    assert inline == []
