"""GeoJSON answers kept for a minute in each web process, per office, language, box and filters
(and, the same way, the list's count and extent of the reports per office and filters).

Everyone who opens the map of an office asks for the same first box (the page names it and
preloads it), and people panning around a town ask for the same boxes again: the answer is the
same for everybody (it is public, and sent with `Cache-Control: public, max-age=60` already), so
a process keeps it as bytes and answers again without a query.

A kept answer is dropped as soon as a report of that office may have changed: every change to a
case is a save of the case or of an event on its timeline (services.cases.workflow writes both),
and either renews the office's version here, now and again after the commit (so an answer
computed by another request between the change and the commit is not kept as current). Content
changes (a service marked "public place" or no longer) renew the page cache's "content" version,
which is part of the key too. What changes with time alone (a report fixed 30 days ago leaving
the map) shows at most `SECONDS` late, as it already may through any shared cache.
"""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction

from portal import pagecache

logger = logging.getLogger(__name__)

SECONDS = 60
VERSION_KEY = "places:reports:{}"
_MISSING = object()


def _version(site_id):
    key = VERSION_KEY.format(site_id)
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, None)  # first use or evicted; a racing process may win
        token = cache.get(key)
    return token


def reports_changed(site_id):
    """Drop every kept answer of the office, now and after the commit."""
    if site_id is None:
        return

    def bump():
        cache.set(VERSION_KEY.format(site_id), uuid.uuid4().hex, None)

    try:
        bump()
        transaction.on_commit(bump)
    except Exception:  # noqa: BLE001 - a cache outage must never fail the write that changed the case
        logger.warning("public reports' version not renewed", exc_info=True)


def case_saved(sender, instance, **kwargs):
    """post_save / post_delete of a Case."""
    reports_changed(instance.site_id)


def case_event_saved(sender, instance, created=False, **kwargs):
    """post_save of a CaseEvent. Its case is nearly always the object the writer holds; when it
    is not loaded, the case's office is not looked up (a query on every event): all offices'
    answers are dropped instead."""
    if not created:
        return
    case = instance.case if type(instance).case.is_cached(instance) else None
    reports_changed(case.site_id if case is not None else "all")


def kept(site_id, key, compute):
    """`compute()` (bytes, or anything the cache pickles) once per version of the office's
    reports and of the content, in this process, for `SECONDS` at most."""
    try:
        versions = cache.get_many([VERSION_KEY.format(site_id), VERSION_KEY.format("all")])
        office = versions.get(VERSION_KEY.format(site_id)) or _version(site_id)
        every = versions.get(VERSION_KEY.format("all")) or _version("all")
        # Hashed: the box and filters are the client's, and a cache key must be short and plain.
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        full_key = f"places:geojson:{site_id}:{office}:{every}:{pagecache.version(pagecache.CONTENT)}:{digest}"
        store = caches[settings.PAGE_CACHE_ALIAS]
        value = store.get(full_key, _MISSING)
    except Exception:  # noqa: BLE001 - a cache outage must cost speed, never the answer
        logger.warning("kept GeoJSON not read", exc_info=True)
        return compute()
    if value is _MISSING:
        value = compute()
        store.set(full_key, value, SECONDS)
    return value
