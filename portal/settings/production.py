"""Production: refuses to start without the values that make it safe, naming what is missing."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list, os

_missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS") if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing) + " (see README)."
    )

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters with at least 5 different characters.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers and container health checks probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

# Behind nginx (deploy/nginx.conf), REMOTE_ADDR is the proxy's address: per-address limits read the
# visitor's address from X-Forwarded-For, trusted only from these proxies (portal/proxy.py).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
MIDDLEWARE = ["portal.proxy.ForwardedForMiddleware", *MIDDLEWARE]  # noqa: F405
