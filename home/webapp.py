"""The portal as an app on a phone's home screen (issue 22): the web app manifest, its icons,
and a service worker whose only offline content is a page saying how to reach the office.

Every answer is the office's own (the request's Wagtail Site): its name, short name, theme
colour and logo in the manifest; its phone, address and opening hours on the offline page.

The service worker keeps nothing but the offline page (one per language) and the stylesheet it
uses. Pages are always fetched from the network; only when that fails does a visitor see the
offline page. No page a person opens is ever put in the cache: not the tracking page, not a
form, not the admin (tests/e2e/test_app_install_browser.py looks inside the cache to prove it).
"""

import hashlib
import json
import logging

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, override
from django.views.decorators.cache import cache_control

from home import app_icons
from home.models import OfficeSettings
from portal.offices import current_office

logger = logging.getLogger(__name__)

# Bump when static/js or the service worker's template change in a way the version below would
# not notice (the script's own bytes change anyway when this does).
WORKER_REVISION = "1"


def _office(request):
    return OfficeSettings.for_site(current_office(request))


def _icons(request, office):
    """The manifest's icons: the office's logo as PNGs when it has one, else the default emblem."""
    icons = []
    for size in app_icons.SIZES:
        for purpose in app_icons.PURPOSES:
            name = app_icons.icon_name(size, purpose)
            if office.logo_id:
                url = reverse("app_icon", args=[name]) + f"?v={app_icons.logo_version(office.logo)}"
            else:
                url = static(f"img/{name}")
            icons.append({"src": url, "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose})
    return icons


def apple_touch_icon_url(office):
    """The icon iOS puts on the home screen (it does not read the manifest's)."""
    name = app_icons.icon_name(app_icons.APPLE_SIZE, "any")
    if office is not None and office.logo_id:
        return reverse("app_icon", args=[name]) + f"?v={app_icons.logo_version(office.logo)}"
    return static(f"img/{name}")


@cache_control(max_age=3600)
def manifest(request):
    """The web app manifest, in the page's language: the installed icon opens this office's
    home page in the language it was installed in."""
    office = _office(request)
    language = get_language()
    name = office.tr("name") or str(current_office(request) or "")
    body = {
        "id": "/",
        "name": name,
        "short_name": office.tr("short_name") or name,
        "lang": language,
        "dir": "ltr",
        "start_url": f"/{language}/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": office.theme_colour,
        "icons": _icons(request, office),
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1), content_type="application/manifest+json; charset=utf-8"
    )


@cache_control(max_age=7 * 24 * 3600)
def app_icon(request, name):
    """The office's logo as one of the manifest's icons (the default emblem is a static file)."""
    office = _office(request)
    wanted = {
        app_icons.icon_name(size, purpose): (size, purpose)
        for size in (*app_icons.SIZES, app_icons.APPLE_SIZE)
        for purpose in app_icons.PURPOSES
    }
    if name not in wanted or not office.logo_id:
        raise Http404
    size, purpose = wanted[name]
    try:
        data = app_icons.logo_png(office.logo, size, purpose)
    except OSError:  # the logo's file is gone or unreadable: no icon, never a 500
        logger.warning("app icon not made from logo %s", office.logo_id, exc_info=True)
        raise Http404 from None
    return HttpResponse(data, content_type="image/png")


def offline(request):
    """What the service worker shows when a page cannot be fetched: how to reach the office by
    phone or at the counter. Also a plain page, so the worker can fetch and keep it."""
    return render(request, "home/offline.html", {"office": _office(request)})


def _offline_urls():
    urls = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            urls[code] = reverse("offline")
    return urls


def _worker_version(office, offline_urls, stylesheet):
    """Changes whenever what the worker keeps would change (the office's contacts, the
    stylesheet's file name, the languages), so the browser installs the new worker and
    replaces its copy of the offline page."""
    parts = [WORKER_REVISION, stylesheet, json.dumps(offline_urls, sort_keys=True)]
    for field in ("name", "name_en", "phone", "address", "address_en", "opening_hours", "opening_hours_en", "email"):
        parts.append(str(getattr(office, field, "")))
    parts.append(str(getattr(office, "line_id", "")))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def service_worker(request):
    """/sw.js, at the site's root so its scope is the whole site (no Service-Worker-Allowed
    header needed). Never kept by the browser's HTTP cache: a change of contacts reaches phones
    at their next visit."""
    office = _office(request)
    offline_urls = _offline_urls()
    stylesheet = static("css/portal.css")
    context = {
        "version": _worker_version(office, offline_urls, stylesheet),
        "offline_urls": json.dumps(offline_urls),
        "default_language": json.dumps(settings.LANGUAGE_CODE),
        "precache": json.dumps([*offline_urls.values(), stylesheet]),
    }
    response = render(request, "home/service_worker.js", context, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
