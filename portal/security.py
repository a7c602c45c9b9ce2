"""Security middleware and helpers of issue 9: headers, idle sessions, masking personal data in logs.

Written by hand (no django-csp): the policy must differ by area, which is one `if` here:

* the public site gets a strict Content Security Policy: scripts, styles, fonts and frames only
  from this origin, no inline script, no `eval`, `frame-ancestors 'none'`;
* Wagtail's admin (and Django's, if ever mounted) renders inline scripts and styles of its own
  (`wagtailConfig`, the rich-text editor), so it gets `'unsafe-inline'` for scripts and styles,
  still same-origin only, with `frame-ancestors 'self'` so the page preview panel can frame it;
* a Wagtail page preview runs the public page inside that admin iframe (`request.is_preview`),
  so it gets the public policy with `frame-ancestors 'self'`.
"""

import base64
import functools
import hashlib
import logging
import os
import re
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.debug import SafeExceptionReporterFilter

# -- Content Security Policy -----------------------------------------------------------------


def _tile_origin():
    """The map tiles' origin (the e-forms' location field draws an OpenStreetMap map)."""
    tiles = getattr(settings, "FORMS_BUILDER_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    match = re.match(r"^(https://[^/{}]+)", tiles)
    return match.group(1) if match else ""


@functools.cache
def _error_page_style_hashes():
    """Hashes of the <style> blocks of templates/500.html: the error page must render even when
    static files cannot be served, so it carries its few lines of CSS inline; only those are allowed."""
    hashes = []
    for directory in settings.TEMPLATES[0].get("DIRS", []):
        path = os.path.join(directory, "500.html")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                for css in re.findall(r"<style>(.*?)</style>", handle.read(), re.S):
                    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
                    hashes.append(f"'sha256-{digest}'")
    return " ".join(hashes)


def public_policy(frame_ancestors="'none'", styles=()):
    """`styles`: hashes of a page's own inline stylesheets (portal.inline_styles)."""
    img = " ".join(filter(None, ["'self'", "data:", "blob:", _tile_origin()]))
    style = " ".join(filter(None, ["'self'", _error_page_style_hashes(), *styles]))
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        f"style-src {style}",
        f"img-src {img}",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
        "frame-src 'self' https://www.youtube-nocookie.com https://www.youtube.com",
    ]
    return _with_report("; ".join(directives))


def admin_policy():
    directives = [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
        "frame-src 'self' https:",
    ]
    return _with_report("; ".join(directives))


def _with_report(policy):
    uri = getattr(settings, "CSP_REPORT_URI", "")
    return f"{policy}; report-uri {uri}" if uri else policy


def is_admin_path(path):
    return path.startswith(f"/{settings.ADMIN_PATH}/") or path.startswith("/django-admin/")


class SecurityHeadersMiddleware:
    """Adds the Content Security Policy, Permissions-Policy and Cross-Origin-Opener-Policy.

    Django's SecurityMiddleware already sends HSTS (production), nosniff and the referrer
    policy; XFrameOptionsMiddleware sends X-Frame-Options for browsers without CSP 3.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            if is_admin_path(request.path):
                response["Content-Security-Policy"] = admin_policy()
            elif getattr(request, "is_preview", False):
                response["Content-Security-Policy"] = public_policy(frame_ancestors="'self'")
            else:
                response["Content-Security-Policy"] = public_policy()
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


# -- Where to go after signing in -------------------------------------------------------------

# What a browser fetches for a page rather than shows as one: files, icons, scripts' data, feeds.
NOT_PAGE_SUFFIXES = (".css", ".js", ".json", ".map", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico")
NOT_PAGE_SUFFIXES += (".woff", ".woff2", ".xml", ".txt", ".pdf", ".csv", ".xlsx", ".zip")


def _not_page_prefixes():
    admin = f"/{settings.ADMIN_PATH}/"
    return (
        settings.STATIC_URL,
        settings.MEDIA_URL,
        "/documents/",
        "/i18n/",
        "/open311/",
        "/healthz",
        "/sitemap.xml",
        f"{admin}sprite/",
        f"{admin}jsi18n/",
        f"{admin}api/",
        f"{admin}2fa/",
        f"{admin}login/",
        f"{admin}logout/",
    )


def is_page_request(request):
    """Whether this request is a person opening a page (a top-level navigation), as opposed to
    the icon sprite, a script's fetch or an image the page loads. Only pages are worth coming
    back to after signing in: a remembered asset URL left officers on an SVG after their code."""
    if request.method != "GET" or request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return False
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode is not None:  # every current browser says what the request is for
        return mode == "navigate" and request.headers.get("Sec-Fetch-Dest", "document") in ("document", "")
    accept = request.headers.get("Accept", "")
    return not accept or "text/html" in accept


def page_url_or_none(request, url):
    """`url` if it is a page of this site a person can be sent to after signing in, else None.

    Same host and scheme (no open redirect), and not a file, an API, the admin's icon sprite or
    the sign-in pages themselves.
    """
    if not url or not url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return None
    path = urlsplit(url).path
    if not path.startswith("/") or path.startswith(_not_page_prefixes()) or path.lower().endswith(NOT_PAGE_SUFFIXES):
        return None
    if path.endswith(("/accounts/login/", "/accounts/logout/")):
        return None
    return url


# -- Idle sessions ---------------------------------------------------------------------------

LAST_SEEN_KEY = "_portal_last_seen"


class IdleTimeoutMiddleware:
    """Signs a signed-in user out after SESSION_IDLE_MINUTES without a request.

    Staff sessions open case files with national IDs and addresses on shared counter PCs: an
    unattended browser must not stay signed in. The timestamp is written at most once a minute
    so a busy officer does not cause a session write on every click. Anonymous sessions (a
    resident's half-filled form) are not touched: their drafts have their own expiry.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            idle = int(getattr(settings, "SESSION_IDLE_MINUTES", 30)) * 60
            last = request.session.get(LAST_SEEN_KEY)
            if idle and last is not None and now - int(last) > idle:
                logout(request)
            elif last is None or now - int(last) >= 60:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


# -- Personal data in logs and error reports -------------------------------------------------

# A Thai national ID: 13 digits, often written 1-2345-67890-12-3 or with spaces.
NATIONAL_ID_RE = re.compile(r"(?<!\d)\d(?:[- ]?\d){12}(?!\d)")
# Thai phone numbers: mobiles 06/08/09 + 8 digits, landlines 0 + 8 digits, +66 forms.
PHONE_RE = re.compile(r"(?<![\d+])(?:\+66[- ]?|0)\d(?:[- ]?\d){7,8}(?!\d)")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask_personal_data(text):
    """The text with national IDs, phone numbers and e-mail addresses replaced by placeholders."""
    if not text:
        return text
    text = EMAIL_RE.sub("[email]", text)
    text = NATIONAL_ID_RE.sub("[national-id]", text)
    return PHONE_RE.sub("[phone]", text)


class PersonalDataFilter(logging.Filter):
    """A logging filter that masks personal data in every record before a handler writes it.

    The message is formatted once here (so a national ID passed as an argument is masked too)
    and the traceback text is formatted and masked in advance, because a formatter would
    otherwise print the exception's message as is.
    """

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the record
            message = str(record.msg)
        record.msg = mask_personal_data(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        return True


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Error reports (500 e-mails, the debug page) never carry what a resident typed: every POST
    value and every local variable of the traceback is replaced, not only passwords."""

    cleansed_substitute = "********************"

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
