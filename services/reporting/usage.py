"""Usage statistics without personal data: page views per office, section of the public site and
month.

The middleware only increments a counter in the cache (no database query on any page, no
cookie, no IP address, no user id, no full URL is ever kept); `flush()` (a scheduled task,
services.reporting.tasks.flush_usage) moves the counts into reporting.PageViewCount. A section is
the first part of the path after the language (/th/services/… → "services"; the home page is
"home"); only successful HTML pages count, so made-up URLs (404s) cannot create sections. The
office is the request's (`portal.offices.current_office`, which the page cache has already looked
up for every language-prefixed page, so counting costs no query there).

Which sections an office had seen in a month is kept in a small registry list in the cache. Adding
to it is not atomic, so two first views of a new section at the same instant could lose that
section's registration for the month; the common sections are always flushed regardless.
"""

import datetime
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone
from wagtail.models import Site

from portal import ratelimit
from portal.offices import current_office
from services.reporting.models import PageViewCount

logger = logging.getLogger(__name__)
COUNTER_TTL = 40 * 24 * 3600
COMMON_SECTIONS = ["home", "services", "forms", "news", "search", "track", "dashboard", "other"]
ALIASES = {"t": "track", "f": "forms"}
SECTION_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
BOTS = ("bot", "spider", "crawl", "slurp", "preview", "monitor", "headless")
SKIP = ("static", "media", "documents", "healthz", "i18n", "open311", "sitemap.xml", "favicon.ico")


def month_key(day=None):
    return (day or timezone.localdate()).strftime("%Y-%m")


def _counter(month, site_id, section):
    return f"usage:{month}:{site_id}:{section}"


def _registry(month, site_id):
    return f"usage:sections:{month}:{site_id}"


def section_for(path):
    parts = [p for p in path.split("/") if p]
    languages = {code for code, _name in settings.LANGUAGES}
    if parts and parts[0] in languages:
        parts = parts[1:]
    if not parts:
        return "home"
    first = parts[0].lower()
    first = ALIASES.get(first, first)
    return first if SECTION_RE.match(first) else "other"


def count(site_id, section, month=None):
    month = month or month_key()
    if ratelimit.increment(_counter(month, site_id, section), COUNTER_TTL) == 1:
        registry = cache.get(_registry(month, site_id)) or []
        if section not in registry:
            cache.set(_registry(month, site_id), [*registry, section][:500], COUNTER_TTL)


class UsageMiddleware:
    """Counts successful public HTML page views per office and section; touches the database only
    when no view of the request had looked up its office already (pages outside /th/ and /en/)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.skip = {*SKIP, settings.ADMIN_PATH.split("/")[0]}

    def __call__(self, request):
        response = self.get_response(request)
        try:
            if self.counts(request, response):
                office = current_office(request)
                if office is not None:
                    count(office.pk, section_for(request.path))
        except Exception:  # noqa: BLE001 - statistics must never break a page
            logger.warning("page view not counted", exc_info=True)
        return response

    def counts(self, request, response):
        if request.method != "GET" or response.status_code != 200:
            return False
        if not response.get("Content-Type", "").startswith("text/html"):
            return False
        first = request.path.lstrip("/").split("/", 1)[0]
        if first in self.skip:
            return False
        agent = request.META.get("HTTP_USER_AGENT", "").lower()
        return bool(agent) and not any(word in agent for word in BOTS)


def flush(months=None):
    """Move counted views from the cache into PageViewCount; returns how many were moved.

    Safe to run twice or concurrently with counting: each counter is decremented by exactly
    what was added to the database. The counters of every office are read in two cache round
    trips per month (registries, then counters), not one per office.
    """
    today = timezone.localdate()
    previous = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    months = months or [month_key(previous), month_key(today)]
    site_ids = list(Site.objects.order_by("pk").values_list("pk", flat=True))
    moved = 0
    for month in months:
        registries = cache.get_many([_registry(month, site_id) for site_id in site_ids])
        keys = {}
        for site_id in site_ids:
            sections = set(COMMON_SECTIONS) | set(registries.get(_registry(month, site_id)) or [])
            for section in sections:
                keys[_counter(month, site_id, section)] = (site_id, section)
        first_day = datetime.date.fromisoformat(month + "-01")
        for key, value in sorted(cache.get_many(list(keys)).items()):
            if not value or value <= 0:
                continue
            try:
                cache.decr(key, value)
            except ValueError:
                continue
            site_id, section = keys[key]
            row, _created = PageViewCount.objects.get_or_create(site_id=site_id, month=first_day, section=section)
            PageViewCount.objects.filter(pk=row.pk).update(views=F("views") + value)
            moved += value
    return moved
