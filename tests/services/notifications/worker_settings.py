"""Settings for the worker subprocess of test_notif_worker_kill: the test settings, with the
SMTP backend pointed where the test's server listens (test settings use the in-memory backend)."""

import os

from portal.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["NOTIF_TEST_SMTP_PORT"])
