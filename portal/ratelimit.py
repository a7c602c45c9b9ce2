"""One rate limiter for every "N per window" rule (tracking lookups, resume codes, draft links,
form submissions): a fixed-window counter in Django's default cache; and the atomic counter
under it (`increment`), for other counts kept in the cache.

Why: N requests arriving together must not all read the same count and all pass. Measured
with 120 concurrent requests against a limit of 60: get-then-set let 64 through on Redis, and
on the file cache (production without REDIS_URL) both get-then-set and add-then-incr let all
120 through. Here a pass is decided by the value an atomic increment returns, so N concurrent
callers get at most `limit` passes; tests/portal/test_ratelimit.py holds each backend to that.

Windows are aligned on the clock (a 600-second window is 10:00-10:10, 10:10-10:20, ...) and
the window's number is part of the key, so the end of a window is known when counting and no
backend can stretch or shorten it.

- Backends with an atomic increment (locmem, Redis, memcached) run `add(key, 0)` then
  `incr(key)`. `incr` raises ValueError when the key expired between the two calls: the
  counter is started again instead of answering 500. Django's RedisCache checks EXISTS before
  INCR, so a key expiring between those two is recreated by INCR without a lifetime (a counter
  for ever); whoever gets 1 back gives the key its lifetime again.
- Backends without one (the file cache, the database cache) increment by get-then-set, and
  their `incr` resets the key's lifetime to the cache's default (300 s). There the count is
  read and written under a lock, with the lifetime given again: a file lock in the cache's
  folder (shared by every process of the machine) or, for other backends, a lock of this
  process only.
"""

import logging
import math
import os
import threading
import time
from contextlib import contextmanager

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.core.files import locks

logger = logging.getLogger(__name__)

# A key can only vanish between add and incr at the end of its life; again and again means the
# cache is not keeping keys at all (a memcached evicting everything): count the call as the
# first rather than loop or answer 500.
ATTEMPTS = 3
LOCK_FILE = "ratelimit.lock"
_process_lock = threading.Lock()


def client_ip(request):
    """The address to count a request against.

    REMOTE_ADDR only, never a header the client sets: behind a reverse proxy, portal.proxy
    (production) puts the address the proxy saw there.
    """
    return request.META.get("REMOTE_ADDR") or "unknown"


def hit(scope: str, ident: str | int, limit: int, window: int) -> bool:
    """Count one request of `ident` (an address, an account id) under `scope` (what is being
    limited, e.g. "case-lookup") and say whether it is over the limit.

    Returns True when this request is the (limit + 1)-th or later in the current window of
    `window` seconds: the caller refuses it. Counters of different scopes or idents are
    separate. Refused requests are counted too, so hammering does not help.
    """
    window = max(1, int(window))
    now = time.time()
    number = int(now // window)
    remaining = max(1, math.ceil((number + 1) * window - now))
    return increment(f"ratelimit:{scope}:{ident}:{window}:{number}", remaining) > limit


def increment(key: str, timeout: int) -> int:
    """Add one to the counter `key` in the default cache and return the new value, atomically
    on every backend (see the module's docstring), so concurrent callers each get their own.

    `timeout` is the seconds from now the counter should still live. A missing counter starts
    at 0 with that lifetime; on backends with an atomic increment later calls keep it, on the
    others (where the count is rewritten) each call sets it again, so a caller wanting a fixed
    end passes the time left until that end, as `hit` does. A cache that keeps nothing
    (DummyCache, or counters vanishing again and again) counts every call as the first.
    """
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not _atomic(backend):
        with _serialised(backend):
            count = backend.get(key, 0) + 1
            backend.set(key, count, timeout)  # BaseCache.incr would reset it to the default 300 s
        return count
    for _attempt in range(ATTEMPTS):
        backend.add(key, 0, timeout)
        try:
            count = backend.incr(key)
        except ValueError:
            continue  # the counter expired between add and incr: start it again
        if count == 1:
            backend.touch(key, timeout)
        return count
    logger.warning("counter %s: the cache keeps no counter, counted as the first", key)
    return 1


def _atomic(backend):
    """Whether the backend's incr is its own (atomic on the server or under its lock) rather
    than BaseCache's get-then-set."""
    return type(backend).incr is not BaseCache.incr


@contextmanager
def _serialised(backend):
    directory = getattr(backend, "_dir", None)  # FileBasedCache's folder, shared by all workers
    with _process_lock:
        if directory is None:
            yield
            return
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, LOCK_FILE), "ab") as handle:
            locks.lock(handle, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(handle)
