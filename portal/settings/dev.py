"""Local development: `make run`. Debug pages on, mail printed to the console."""

from .base import *  # noqa: F403
from .base import STORAGES, env_bool, os

DEBUG = env_bool("DEBUG", True)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# runserver serves static files itself; the manifest storage would need collectstatic first.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
