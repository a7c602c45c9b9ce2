"""Local development: `make run`. Debug pages on, mail printed to the console."""

from .base import *  # noqa: F403
from .base import STORAGES, env_bool, os

DEBUG = env_bool("DEBUG", True)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# runserver serves static files itself; the manifest storage would need collectstatic first.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# SMS goes to the local stand-in `make run` starts (manage.py sms_gateway_standin), which prints
# each message instead of sending it: residents who gave only a phone number are told in the demo
# too. The same JSON schema and Bearer key as a real gateway; set SMS_GATEWAY_URL to use one.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "http://127.0.0.1:8025/sms")
SMS_GATEWAY_KEY = os.environ.get("SMS_GATEWAY_KEY", "dev-standin-key")
SMS_SENDER = os.environ.get("SMS_SENDER", "BanSuan")
