"""Whole-page cache for anonymous visitors, invalidated when what the page shows changes.

Most visitors are anonymous residents reading the same guides and news, so a rendered page is
kept and served again without touching the database, the templates or Wagtail's routing. It
is safe because only what is the same for every anonymous visitor is kept:

- only GET/HEAD of a language-prefixed page (/th/…, /en/…) with no query string;
- only when the visitor has no session and no cookie but the CSRF, language and reading ones,
  so a signed-in officer, a resident half-way through a form or a flash message never hits it;
- one copy per reading choice (larger text, high contrast: portal/reading.py), which changes
  the page's <html> classes: the choice is part of the key, so nobody is served another's;
- only 200 responses that set no cookie, did not use a CSRF token and are not marked
  private / no-cache / no-store (Django's `never_cache`, Wagtail's previews).

What a page shows belongs to one or more *topics*. Every page depends on "content" (pages,
snippets, site settings, images and documents); a view that shows case figures also declares
"cases" with `depends_on(request, "cases")`. Each topic has a version in the shared cache
(Redis, or the file cache on one machine) that `invalidate()` replaces after a commit; a kept
page is served only while the versions it was rendered under are still current. Rendered pages
themselves stay in each web process's memory ("pages" cache), so a hit costs one read of the
versions and no network transfer of the page.
"""

import functools
import logging
import time
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage, AbstractRendition
from wagtail.models import Collection, Locale, Page, PageViewRestriction, Site
from wagtail.signals import post_page_move
from wagtail.snippets.models import get_snippet_models

from portal import reading

logger = logging.getLogger(__name__)

CONTENT = "content"
CASES = "cases"
TOPICS = (CONTENT, CASES)
VERSION_KEY = "pagecache:version:{}"
# Cookies that never change what an anonymous page shows (the language is in the path), and the
# reading choice, which is part of the key (`_key`).
HARMLESS_COOKIES = {"csrftoken", "django_language", reading.COOKIE}


# The versions as this process last read them. Reading the shared cache on every request cost
# more than the rest of a kept page (a file or a Redis round trip per read), so a process
# trusts its copy for PAGE_CACHE_VERSION_SECONDS: a change made by another process shows here
# that much later at most; one made by this process shows at once.
_seen = {"at": -1.0, "versions": {}}


def _read_versions():
    keys = {topic: VERSION_KEY.format(topic) for topic in TOPICS}
    found = cache.get_many(keys.values())
    versions = {}
    for topic, key in keys.items():
        token = found.get(key)
        if token is None:
            # First use or evicted: start a version; a racing process may win, which is fine.
            cache.add(key, uuid.uuid4().hex, None)
            token = cache.get(key)
        versions[topic] = token
    return versions


def _versions():
    now = time.monotonic()
    if now - _seen["at"] >= settings.PAGE_CACHE_VERSION_SECONDS:
        _seen["versions"], _seen["at"] = _read_versions(), now
    return _seen["versions"]


def version(topic):
    """The current version of a topic, for other caches keyed by it (the dashboard's figures)."""
    return _versions()[topic]


def invalidate(*topics):
    """Make every kept page that depends on these topics stale, now and after the commit.

    Now, so the request that changed something sees it at once; after the commit, so a page
    rendered by another process between the change and the commit is not kept as current.
    """

    def bump():
        fresh = {topic: uuid.uuid4().hex for topic in topics}
        cache.set_many({VERSION_KEY.format(topic): token for topic, token in fresh.items()}, None)
        _seen["versions"] = {**_seen["versions"], **fresh}

    bump()
    transaction.on_commit(bump)


_MISSING = object()


def memo(key, compute, request=None, topic=CONTENT, timeout=3600):
    """`compute()` once per version of `topic` in each process: for the parts of a page that
    are the same for everybody but cost queries (the request's Site, the language switcher's
    links, a guide's "apply online" form), so even a page that cannot be kept whole renders
    faster. Values are kept in the process's page memory, as copies (never shared objects)."""
    try:
        versions = getattr(request, "_page_cache_versions", None) or _versions()
        full_key = f"memo:{topic}:{versions[topic]}:{key}"
        store = caches[settings.PAGE_CACHE_ALIAS]
        value = store.get(full_key, _MISSING)
    except Exception:  # noqa: BLE001 - a cache outage must cost speed, never the page
        logger.warning("memo not read", exc_info=True)
        return compute()
    if value is _MISSING:
        value = compute()
        store.set(full_key, value, timeout)
    return value


def _remember_site(request):
    """Wagtail looks up the request's Site, then its root page and that page's own type, on
    every page view (three queries); the answer only changes with content, so keep it."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return  # answered with 400 further in; never a key made from a forged Host header

    def find():
        site = Site._find_for_request(request)
        if site is not None:
            site.root_page = site.root_page.specific
        return site

    request._wagtail_site = memo(f"site:{host}", find, request)


def depends_on(request, *topics):
    """Declare that the page being rendered shows these topics (e.g. "cases" for figures)."""
    request._page_cache_topics = {*getattr(request, "_page_cache_topics", {CONTENT}), *topics}


class PageCacheMiddleware:
    """Serves and keeps anonymous pages; see the module docstring for what is safe to keep.

    Sits after the security headers (which are added fresh to every response, hit or not) and
    the usage counter (which counts hits too), before sessions, locale and authentication.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = settings.PAGE_CACHE_SECONDS
        self.prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)
        self.pages = caches[settings.PAGE_CACHE_ALIAS]

    def cacheable(self, request):
        if self.seconds <= 0 or request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
            return False
        return not (request.COOKIES.keys() - HARMLESS_COOKIES)

    def __call__(self, request):
        try:
            # Read before rendering: a change committed while the page renders then makes the
            # kept copy stale at once instead of current for PAGE_CACHE_SECONDS.
            versions = request._page_cache_versions = _versions()
        except Exception:  # noqa: BLE001 - a cache outage must cost speed, never the page
            logger.warning("page cache versions not read", exc_info=True)
            return self.get_response(request)
        # Every address is on some office's host, kept or not: tracking (/t/…) looked the
        # site up again on every request, a query and a sixth of its time at 1,000 offices.
        _remember_site(request)
        if not request.path.startswith(self.prefixes):
            return self.get_response(request)  # the admin, feeds, /t/…: never kept
        if not self.cacheable(request):
            return self.get_response(request)
        key = self._key(request)
        try:
            entry = self.pages.get(key)
        except Exception:  # noqa: BLE001
            logger.warning("page cache read failed", exc_info=True)
            return self.get_response(request)
        if entry is not None:
            topics, kept_versions, status, headers, content = entry
            if all(versions[topic] == kept_versions[topic] for topic in topics):
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                response["X-Page-Cache"] = "hit"
                return response
        response = self.get_response(request)
        if self.storable(request, response):
            topics = getattr(request, "_page_cache_topics", {CONTENT})
            headers = [(name, value) for name, value in response.items()]
            try:
                self.pages.set(key, (topics, versions, response.status_code, headers, response.content), self.seconds)
            except Exception:  # noqa: BLE001
                logger.warning("page cache write failed", exc_info=True)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _key(request):
        # The reading choice is one of a few canonical values (never the raw cookie), so
        # there are at most that many copies of a page.
        choice = reading.choice(request)
        suffix = f":reading={choice}" if choice else ""
        return f"page:{request.get_host()}:{request.path}{suffix}"

    def storable(self, request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_USED") or getattr(request, "is_preview", False):
            return False
        control = response.get("Cache-Control", "").lower()
        if any(word in control for word in ("private", "no-cache", "no-store")):
            return False
        # Signed in through a means other than the session cookie (never on the public site,
        # but a kept page must never carry someone's name).
        user = getattr(request, "user", None)
        return not (user is not None and user.is_authenticated)


# -- What changes "content" --------------------------------------------------------------------


def _content_models():
    """Models whose rows appear on public pages: pages, snippets, site settings, images,
    documents, sites, locales, view restrictions and redirects. Case-queue rows (cases, events,
    submissions, notifications) are not here: they change every minute and would empty the
    cache for nothing; pages that show them declare the "cases" topic instead."""
    bases = (Page, BaseSiteSetting, AbstractDocument, AbstractImage, AbstractRendition)
    fixed = {Site, Locale, PageViewRestriction, Collection, Redirect}
    found = {model for model in apps.get_models() if issubclass(model, bases)} | fixed
    # Snippets are content unless they say no public page shows them (`on_public_pages = False`):
    # residents' records that change by the thousand (tax accounts, households) and the staff's
    # own settings (reply and document templates, routing and retention rules).
    return found | {model for model in get_snippet_models() if getattr(model, "on_public_pages", True)}


def _content_changed(sender, instance=None, created=False, **kwargs):
    if created and issubclass(sender, BaseSiteSetting):
        return  # made with its defaults on first use, by the very render that shows them
    models = content_models()
    if sender in models or type(instance) in models:
        invalidate(CONTENT)


@functools.cache
def _complete_content_models():
    return frozenset(_content_models())


def content_models():
    """The content models, read once the app registry is ready. Not at start-up: snippets
    registered in an app's wagtail_hooks.py are registered by Wagtail only after every app's
    ready() has run, so a list made in PortalConfig.ready() missed them (departments, areas,
    agencies: an edit left anonymous visitors the old page until the cache expired)."""
    if not apps.ready:
        return frozenset(_content_models())
    return _complete_content_models()


def connect():
    """Called from PortalConfig.ready()."""
    for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed), ("move", post_page_move)):
        signal.connect(_content_changed, dispatch_uid=f"pagecache-{name}")
