"""Settings every environment shares. Safe by default: nothing here trusts the network.

Every value an operator may change comes from the environment (see README's table and
`.env.example`); office-specific values (name, contacts, prefixes) live on the Wagtail Site
instead, so one install can later serve several offices.
"""

import os
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-change-me")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,.localhost")  # .localhost: the demo's second office
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Our rooms first so their templates and translations win over the libraries'.
    "portal",
    "home",
    "services",
    # The areas inside services/, in dependency order (see README, Architecture).
    "services.help",
    "services.areas",
    "services.cases",
    "services.payments",
    "services.notifications",
    "services.privacy",
    "services.reporting",
    "services.places",
    "services.agencies",
    "services.feedback",
    "services.open311",
    "services.library",
    "services.line",
    "services.documents",
    "services.booking",
    "services.taxes",
    "services.offices",
    "services.field",
    "forms_builder",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "formtools",
    "django_q",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # An archived office's host: a notice on every page, 410 for new submissions (portal/archived.py).
    "portal.archived.ArchivedOfficeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # An admin URL naming another office's page is not found, whatever the view (issue 17).
    "portal.office_admin.OfficePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# SQLite file by default: a small office needs nothing but Python. DATABASE_URL moves it to
# PostgreSQL (postgres://user:pass@host:5432/name).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many readers, one writer: WAL and a busy timeout keep the web process and the worker
    # from failing each other with "database is locked". Connections are kept like
    # PostgreSQL's (DB_CONN_MAX_AGE): opening one per request cost a quarter of a page's time.
    # Every connection gets these, the task worker's (django-q2 goes through Django) included.
    # IMMEDIATE: a transaction takes the write lock when it begins. SQLite's default starts it
    # as a reader and upgrades it at the first write, and an upgrade after another connection
    # has written fails at once, busy timeout or not: the worker saving results (it reads, then
    # prunes) and the scheduler (reads due schedules, then updates them) logged 176 such errors
    # and skipped a schedule under 30 residents (issue 16; bench/worker.py measures it).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            # secure_delete: removed rows are overwritten with zeros, not left in free pages
            # of the file (PDPA erasure; services/privacy/personal_data.py).
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
        }
    )

# Backups (portal/backups.py, README "Backups"): the daily schedule writes one archive here and
# keeps the newest BACKUP_KEEP. Outside the project folder in production, and copied off the
# machine: a backup on the disk that dies with the site is no backup.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "7"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portal"),
        }
    }
else:
    # One machine without Redis: a file cache, so the web workers and the task worker share
    # counters, rate limits and the page cache's tokens (a per-process memory cache would not:
    # the worker could never see the page views it is meant to flush).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Whole pages for anonymous visitors (portal/pagecache.py) stay in each web process's memory;
# only the small tokens that say whether they are current live in the shared cache above.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_ENTRIES", "1000"))},
}
PAGE_CACHE_ALIAS = "pages"
# How long an anonymous page may be served from memory at most; publishing ends it at once.
# What changes with time alone (an urgent banner's expiry) may show this much late. 0: off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# How long a process trusts its copy of the versions before asking the shared cache again: a
# publish made through another process (or node) shows there this much later at most.
PAGE_CACHE_VERSION_SECONDS = float(os.environ.get("PAGE_CACHE_VERSION_SECONDS", "1"))

# django-q2: the ORM broker needs no extra server; REDIS_URL moves the queue to Redis.
Q_CLUSTER = {
    "name": "portal",
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    "timeout": 120,
    "retry": 180,
    "max_attempts": 5,
    "ack_failures": True,
    "catch_up": False,
    "label": _("Background tasks"),
    # django-q2 reads Q_CLUSTER_NAME from the environment (a queue of its own in a shared Redis) and
    # then insists on this key.
    "ALT_CLUSTERS": {},
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Thai first, English second, then the languages of the migrant workers from Myanmar, Cambodia
# and Laos (issue 22), each named in its own script for the switcher. LANGUAGE_CODE is also the
# default content locale.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English"), ("my", "မြန်မာ"), ("km", "ខ្មែរ"), ("lo", "ລາວ")]
# Django knows no Lao (no catalogue, no LANG_INFO entry); Wagtail looks every locale up there.
LANG_INFO.setdefault("lo", {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ລາວ"})
LANG_INFO["km"]["name_local"] = "ខ្មែរ"  # Django's entry says "Khmer"
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Staff work in Thai or English: the admin's own catalogues (Wagtail, wagtail-localize) have no
# usable Burmese, Khmer or Lao, and the project fills only residents' pages in those languages.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES[:2]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# --- Uploads: local folders, or S3-compatible object storage (issue 10) -------------------------
# "default" holds public media (Wagtail images, blank-form documents); "private" holds residents'
# uploads, payment slips, after photos and monthly reports (forms_builder/storage.py), which are
# never public and are only streamed by views that check access. Without S3_BUCKET both are
# folders on this machine (MEDIA_ROOT, PRIVATE_MEDIA_ROOT). With it, both go to object storage
# (MinIO, Ceph, AWS S3…) so any number of web nodes share them: public media under the bucket's
# `media/` prefix (make that prefix, and only it, anonymously readable), private files under
# `private/` of S3_PRIVATE_BUCKET if given, else of the same bucket. No ACL is ever sent.
S3_BUCKET = os.environ.get("S3_BUCKET", "").strip()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "forms_builder.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if S3_BUCKET:
    _s3_endpoint = os.environ.get("S3_ENDPOINT_URL", "").strip() or None
    _s3 = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": _s3_endpoint,
        "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
        "region_name": os.environ.get("S3_REGION") or None,
        # MinIO and most S3-compatible servers want https://host/bucket/key, not bucket.host.
        "addressing_style": "path" if _s3_endpoint else None,
        "default_acl": None,
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "location": "media",
            "querystring_auth": False,
            # Where browsers read public media, e.g. the site's host when nginx proxies /media/ to
            # the bucket's media/ prefix, or a CDN; empty: the endpoint's own address.
            "custom_domain": os.environ.get("S3_CUSTOM_DOMAIN", "").strip() or None,
        },
    }
    STORAGES["private"] = {
        "BACKEND": "forms_builder.storage_s3.PrivateS3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": os.environ.get("S3_PRIVATE_BUCKET", "").strip() or S3_BUCKET,
            "location": "private",
        },
    }

WAGTAIL_SITE_NAME = "Citizen portal"
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Blank forms carry a form code, category and language (services issue 3): the document model is ours.
WAGTAILDOCS_DOCUMENT_MODEL = "services.FormDocument"
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "txt", "csv"]
# The document form offers only the editing person's offices' categories (issue 17).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "portal.office_media.OfficeDocumentForm"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]

# The admin lives at a configurable path so it is not where every bot looks first.
ADMIN_PATH = os.environ.get("ADMIN_PATH", "admin").strip("/") or "admin"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@localhost")

# Notifications (services.notify): an HTTP SMS gateway and the LINE Messaging API. A channel with
# no URL/token is off; residents are then reached by what remains (email, SMS or LINE).
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_KEY = os.environ.get("SMS_GATEWAY_KEY", "")
SMS_SENDER = os.environ.get("SMS_SENDER", "")
# LINE (services.line and the notifications' LINE channel): the default office's Messaging API
# channel; other offices keep theirs in their site settings. The URLs point at LINE's hosts unless a
# test or a stand-in platform replaces them.
LINE_CHANNEL_SECRET = os.environ.get("LINE_CHANNEL_SECRET", "")
LINE_CHANNEL_TOKEN = os.environ.get("LINE_CHANNEL_TOKEN", "")
LINE_API_URL = os.environ.get("LINE_API_URL", "https://api.line.me")
LINE_DATA_API_URL = os.environ.get("LINE_DATA_API_URL", "https://api-data.line.me")
# LINE Login (OpenID Connect) for "continue with LINE" on e-forms; empty channel ID = no button.
LINE_LOGIN_CHANNEL_ID = os.environ.get("LINE_LOGIN_CHANNEL_ID", "")
LINE_LOGIN_CHANNEL_SECRET = os.environ.get("LINE_LOGIN_CHANNEL_SECRET", "")
LINE_LOGIN_AUTHORIZE_URL = os.environ.get("LINE_LOGIN_AUTHORIZE_URL", "https://access.line.me/oauth2/v2.1/authorize")
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "8"))
NOTIFY_LEASE_SECONDS = int(os.environ.get("NOTIFY_LEASE_SECONDS", "300"))

# Sessions live in the database, which every web node shares. With Redis, `cached_db` also keeps
# them in the shared cache: a signed-in officer's request reads Redis instead of PostgreSQL, and a
# restarted or full Redis only costs a database read, never a sign-out. Not with the per-process
# local-memory cache: a node would keep reading a session another node had changed or ended.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Residents' uploads never live under MEDIA_ROOT (which is public): they are streamed by a
# view that checks who is asking.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))

# The callable that receives a completed form submission and opens a case for it. The form
# engine imports it by this dotted path, so it never imports the case queue itself.
FORMS_BUILDER_INTAKE = os.environ.get("FORMS_BUILDER_INTAKE", "services.cases.intake.open_case")
# Called after a step where the resident put a pin on the map: open reports of the same public-place
# service nearby ("already reported here"), shown before the next step. Empty: no such screen.
FORMS_BUILDER_NEARBY = "services.places.already_reported.nearby_reports"
# "Need help?" under every e-form step (forms_builder.help): the responsible unit's phone, hours and
# counter, from the service guide and the office's details.
FORMS_BUILDER_HELP = "services.help.contacts.form_help"
# Following a public report (services.places): follows an hour per browser session, per internet
# address (a high ceiling: a village shares one) and per e-mail or phone being signed up.
PLACES_FOLLOWS_PER_SESSION = 20
PLACES_FOLLOWS_PER_ADDRESS = 120
PLACES_FOLLOWS_PER_CONTACT = 10
# E-forms: saved drafts are deleted this many days after their last save; the most one upload
# may stream.
FORMS_BUILDER_DRAFT_DAYS = int(os.environ.get("FORMS_BUILDER_DRAFT_DAYS", "30"))
# E-form limits (issue 16) by what identifies abuse, not by address: carrier-grade NAT and a
# village's Wi-Fi put many residents behind one. A whole form sent sooner than this after its
# first step is a bot's; forms one browser session may send an hour; files one filling (or its
# draft) may hold. Per address only high ceilings: submits and uploads an hour. Signed-in staff
# and volunteers are exempt from the per-session and per-address limits (and logged).
FORMS_BUILDER_MIN_FILL_SECONDS = float(os.environ.get("FORMS_BUILDER_MIN_FILL_SECONDS", "5"))
FORMS_BUILDER_SUBMITS_PER_SESSION = int(os.environ.get("FORMS_BUILDER_SUBMITS_PER_SESSION", "10"))
FORMS_BUILDER_UPLOADS_PER_FILLING = int(os.environ.get("FORMS_BUILDER_UPLOADS_PER_FILLING", "20"))
FORMS_BUILDER_SUBMITS_PER_HOUR = int(os.environ.get("FORMS_BUILDER_SUBMITS_PER_HOUR", "300"))
FORMS_BUILDER_UPLOADS_PER_ADDRESS_PER_HOUR = int(os.environ.get("FORMS_BUILDER_UPLOADS_PER_ADDRESS_PER_HOUR", "600"))
FORMS_BUILDER_MAX_UPLOAD_MB = 10
# The form engine's uploads are cut off while streaming once past the cap; others pass through.
FILE_UPLOAD_HANDLERS = [
    "forms_builder.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Residents' photos (issue 16, portal/image_decode.py): refused from the header above this many
# pixels (24 MP: a phone photo, 6000x4000), kept at most this many pixels on the longest side,
# and decoded at most UPLOAD_DECODE_SLOTS at once per gunicorn worker within
# UPLOAD_DECODE_MEMORY_MB; an upload that waits longer than UPLOAD_DECODE_WAIT_SECONDS for room
# is answered "the server is busy, try again in a minute". Editors' images share the pixel cap.
# 64 MB: a large photo decodes alone in a worker (measured with bench/uploads.py: a 24 MP JPEG
# needs ~60 MB, a 24 MP PNG ~120 MB, which still runs, alone), small ones two at a time.
UPLOAD_MAX_IMAGE_PIXELS = int(os.environ.get("UPLOAD_MAX_IMAGE_PIXELS", "24000000"))
UPLOAD_IMAGE_LONGEST_SIDE = int(os.environ.get("UPLOAD_IMAGE_LONGEST_SIDE", "2560"))
UPLOAD_DECODE_SLOTS = int(os.environ.get("UPLOAD_DECODE_SLOTS", "2"))
UPLOAD_DECODE_MEMORY_MB = int(os.environ.get("UPLOAD_DECODE_MEMORY_MB", "64"))
UPLOAD_DECODE_WAIT_SECONDS = float(os.environ.get("UPLOAD_DECODE_WAIT_SECONDS", "3"))
WAGTAILIMAGES_MAX_IMAGE_PIXELS = UPLOAD_MAX_IMAGE_PIXELS
LOGIN_URL = "login"

# --- Security and personal-data protection (issue 9) -----------------------------------------
# Login throttling (django-axes, issue 16): within AXES_COOLOFF_MINUTES, sign-in is paused after
# AXES_FAILURE_LIMIT wrong passwords for one user name from one address, after
# SIGN_IN_FAILURES_PER_USERNAME for one user name from any addresses (many addresses guessing one
# officer's password), and after SIGN_IN_FAILURES_PER_ADDRESS from one address over any user
# names (one address trying many accounts). Each set has its own limit (portal/signin.py). The
# pause lasts the cool-off after the last counted failure (tries while paused do not extend it)
# and the page says when to retry. A browser that signed in as a user name before is counted only
# per pair for it, so an attacker pausing an officer's name does not lock out the officer's own PC.
# Applies to the Wagtail admin login and the public staff/volunteer login alike (both call
# django.contrib.auth.authenticate with the request).
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static", "axes"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "portal.signin.LockoutHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
SIGN_IN_FAILURES_PER_USERNAME = int(os.environ.get("SIGN_IN_FAILURES_PER_USERNAME", "20"))
SIGN_IN_FAILURES_PER_ADDRESS = int(os.environ.get("SIGN_IN_FAILURES_PER_ADDRESS", "20"))
AXES_COOLOFF_TIME = int(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60  # hours, as axes reads a number
AXES_LOCKOUT_PARAMETERS = "portal.signin.lockout_parameters"  # the pair, the user name, the address
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not kept: they are not needed and are personal data
AXES_LOCKOUT_CALLABLE = "portal.signin.locked_out"
# Password-reset mails (the admin's "Forgotten password?"): requests per address and mails per
# account an hour; over either, nothing is sent and the answer is the same as ever.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "portal.signin.ThrottledPasswordResetForm"  # noqa: S105 - a class path
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = int(os.environ.get("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", "10"))
PASSWORD_RESET_PER_ACCOUNT_PER_HOUR = int(os.environ.get("PASSWORD_RESET_PER_ACCOUNT_PER_HOUR", "3"))
# Without django-ipware installed axes counts by REMOTE_ADDR only (a reverse proxy must set it).
AXES_VERBOSE = False
# Two-step sign-in (django-otp TOTP, backup codes as its static device) for staff who can see
# cases or change the public site; see portal/two_factor.py.
OTP_REQUIRED = env_bool("OTP_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Citizen portal")
# Signed-in users are signed out after this many idle minutes (shared counter PCs).
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
# Content Security Policy (portal/security.py): where browsers report violations, if anywhere.
CSP_REPORT_URI = os.environ.get("CSP_REPORT_URI", "")
_auth_index = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE[_auth_index + 1 : _auth_index + 1] = [
    "django_otp.middleware.OTPMiddleware",
    "portal.security.IdleTimeoutMiddleware",
    "portal.two_factor.OTPRequiredMiddleware",
    "portal.signin.TrustedBrowserMiddleware",
]
MIDDLEWARE.insert(1, "portal.security.SecurityHeadersMiddleware")
# After the headers and static files, before sessions and everything that reads the database:
# page views are counted (in the cache only: no cookie, IP or user; services/reporting/usage.py) whether or
# not the page then comes from the anonymous page cache (portal/pagecache.py).
_static_index = MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware")
MIDDLEWARE[_static_index + 1 : _static_index + 1] = [
    "services.reporting.usage.UsageMiddleware",
    "portal.pagecache.PageCacheMiddleware",
]
MIDDLEWARE += [
    # Who opened which case's personal data (services/privacy/personal_data.py), readable by the DPO.
    "services.privacy.personal_data.CaseAccessLogMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]
# No personal data in logs or error reports: national IDs, phones and e-mails are masked in
# every log record, and error reports never include POST values or local variables.
LOGGING["filters"] = {"personal_data": {"()": "portal.security.PersonalDataFilter"}}
LOGGING["handlers"]["console"]["filters"] = ["personal_data"]
DEFAULT_EXCEPTION_REPORTER_FILTER = "portal.security.PersonalDataReporterFilter"
# Virus scanning of residents' uploads through clamd's unix socket (portal/virus_scan.py); empty: off.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_TIMEOUT = int(os.environ.get("CLAMD_TIMEOUT", "30"))
# PDPA: closed cases are anonymised this many days after closing, unless the service has its own
# retention rule or the site's privacy settings say otherwise (services/privacy/personal_data.py).
PDPA_RETENTION_DAYS = int(os.environ.get("PDPA_RETENTION_DAYS", str(2 * 365)))
