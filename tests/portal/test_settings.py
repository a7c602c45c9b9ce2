"""Settings behave as the README promises: each case runs Django in a fresh process with
exactly the environment an operator would set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "k" * 30 + "EXAMPLE-production-secret-0123456789"


def run_django(code, **env):
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "SECRET_KEY, ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOOD_SECRET}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "portal.example.go.th"}, "SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_and_names_what_is_missing(env, missing):
    result = run_django("", DJANGO_SETTINGS_MODULE="portal.settings.production", **env)
    assert result.returncode != 0
    assert f"Production settings need these environment variables: {missing}" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = run_django(
        "", DJANGO_SETTINGS_MODULE="portal.settings.production", SECRET_KEY="short", ALLOWED_HOSTS="x.go.th"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="portal.example.go.th",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_url_switches_to_postgresql_and_sqlite_is_the_default():
    code = (
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])"
    )
    default = run_django(code, DJANGO_SETTINGS_MODULE="portal.settings.dev")
    assert default.stdout.startswith("django.db.backends.sqlite3 ")
    assert default.stdout.strip().endswith("db.sqlite3")
    pg = run_django(
        code, DJANGO_SETTINGS_MODULE="portal.settings.dev", DATABASE_URL="postgres://portal@db.internal:5432/portal"
    )
    assert pg.stdout.split() == ["django.db.backends.postgresql", "portal"]


def test_redis_url_moves_the_cache_and_the_task_broker_to_redis():
    code = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND']); print(s.Q_CLUSTER.get('redis'), s.Q_CLUSTER.get('orm'))"
    )
    without = run_django(code, DJANGO_SETTINGS_MODULE="portal.settings.dev").stdout.split("\n")
    # One machine: a file cache the web workers and the task worker share (not per-process memory).
    assert without[0] == "django.core.cache.backends.filebased.FileBasedCache"
    assert without[1] == "None default"
    with_redis = run_django(
        code, DJANGO_SETTINGS_MODULE="portal.settings.dev", REDIS_URL="redis://127.0.0.1:6379/3"
    ).stdout.split("\n")
    assert with_redis[0] == "portal.redis_cache.RedisCache"  # Django's, with one client per pool
    assert with_redis[1] == "redis://127.0.0.1:6379/3 None"
