"""Test settings: synchronous tasks, fast hashing, no manifest, no outside world.

DATABASE_URL and REDIS_URL still apply, so CI runs the same suite on SQLite and on
PostgreSQL with Redis.
"""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CACHES, Q_CLUSTER, REDIS_URL, STORAGES, env_bool

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WAGTAILADMIN_BASE_URL = BASE_URL = "http://testserver"
# Tests that change something through another process (or a cleared cache) see it at once.
PAGE_CACHE_VERSION_SECONDS = 0
if not REDIS_URL:
    # One process: memory is shared enough, and nothing is left on disk between runs.
    CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so tests with threads (races) get connections of their own; one
    # file per test run, so two runs on one machine never share (and corrupt) it.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"portal-test-{os.getpid()}.sqlite3")}

# Tests fill e-forms in milliseconds; tests/forms_builder/test_forms_limits.py sets the
# "too fast to be a person" check back on.
FORMS_BUILDER_MIN_FILL_SECONDS = 0

# Serve static files from the app folders without collectstatic (the browser tests' server).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Two-step sign-in (issue 9) is switched off so tests can use `client.force_login`; the tests in
# tests/security switch it on (the `settings` fixture) and sign in with a TOTP code. The browser
# tests' server turns it on through the environment, as `make run` has it.
OTP_REQUIRED = env_bool("OTP_REQUIRED", False)
