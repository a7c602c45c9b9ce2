"""portal.ratelimit: under a burst of concurrent requests exactly `limit` pass, on every cache
backend the portal runs on (locmem in tests, Redis with REDIS_URL, the file cache without),
and a counter that expires at the wrong moment never turns a request into a 500."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
import redis
from django.core.cache import caches

from portal import ratelimit

REDIS_URL = "redis://127.0.0.1:6379/14"
THREADS = 120
LIMIT = 60


def burst(scope="lookup", ident="203.0.113.7", limit=LIMIT, window=600, threads=THREADS):
    """`threads` requests released at once; how many were let through."""
    start = threading.Barrier(threads)

    def one(_):
        start.wait()
        try:
            return ratelimit.hit(scope, ident, limit, window)
        finally:
            caches.close_all()  # each thread opened its own connection (Redis)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        refused = list(pool.map(one, range(threads)))
    return refused.count(False)


@pytest.fixture
def locmem(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


@pytest.fixture
def redis_cache(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"ratelimit-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def file_cache(settings, tmp_path):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    }


@pytest.mark.parametrize("backend", ["locmem", "redis_cache", "file_cache"])
def test_a_burst_of_120_against_a_limit_of_60_lets_exactly_60_through(backend, request):
    request.getfixturevalue(backend)
    assert burst() == LIMIT
    assert ratelimit.hit("lookup", "203.0.113.7", LIMIT, 600) is True  # and the next is refused too


@pytest.mark.parametrize("backend", ["locmem", "redis_cache", "file_cache"])
def test_idents_and_scopes_have_counters_of_their_own(backend, request):
    request.getfixturevalue(backend)
    assert [ratelimit.hit("resume", "198.51.100.1", 2, 3600) for _ in range(3)] == [False, False, True]
    assert ratelimit.hit("resume", "198.51.100.2", 2, 3600) is False  # another address
    assert ratelimit.hit("draft-link", "198.51.100.1", 2, 3600) is False  # another rule
    assert ratelimit.hit("resume", "198.51.100.1", 2, 60) is False  # another window length


@pytest.mark.parametrize("backend", ["locmem", "redis_cache", "file_cache"])
def test_the_count_starts_again_in_the_next_window(backend, request):
    request.getfixturevalue(backend)
    with mock.patch("portal.ratelimit.time.time", return_value=1_800_000_010.0):
        assert [ratelimit.hit("submit", "ip", 1, 600) for _ in range(2)] == [False, True]
    with mock.patch("portal.ratelimit.time.time", return_value=1_800_000_600.0):
        assert ratelimit.hit("submit", "ip", 1, 600) is False


@pytest.mark.parametrize("backend", ["locmem", "redis_cache", "file_cache"])
def test_a_counter_lives_its_whole_window(backend, request):
    """The file cache's own incr gave every counter the default 300 s again: an hourly limit
    forgot its count after five quiet minutes."""
    request.getfixturevalue(backend)
    start = 1_800_000_000.0  # the start of an hour-long window
    with mock.patch("time.time", return_value=start):
        assert [ratelimit.hit("submit", "ip", 2, 3600) for _ in range(2)] == [False, False]
    if backend == "redis_cache":  # Redis keeps its own clock
        client = redis.Redis.from_url(REDIS_URL)
        [key] = list(client.scan_iter(f"{caches['default'].key_prefix}:*"))
        assert client.ttl(key) > 3000
        return
    with mock.patch("time.time", return_value=start + 3000):
        assert ratelimit.hit("submit", "ip", 2, 3600) is True


@pytest.mark.parametrize("backend", ["locmem", "redis_cache"])
def test_a_counter_expiring_between_add_and_incr_is_not_an_error(backend, request):
    """The window ends between `add` and `incr`: incr raises ValueError, which used to be a 500."""
    request.getfixturevalue(backend)
    cache = caches["default"]
    real_incr = type(cache).incr
    expired = []

    def expire_first(self, key, *args, **kwargs):
        if not expired:
            expired.append(key)
            self.delete(key)  # what the clock does at the end of the window
        return real_incr(self, key, *args, **kwargs)

    with mock.patch.object(type(cache), "incr", expire_first):
        assert ratelimit.hit("lookup", "ip", 1, 600) is False
        assert ratelimit.hit("lookup", "ip", 1, 600) is True  # still counting afterwards
    assert expired


def test_redis_incr_recreating_an_expired_key_gives_it_a_lifetime_again(redis_cache):
    """Django's RedisCache checks EXISTS, then INCRs: a key expiring in between is recreated by
    INCR with no lifetime, and that address would be counted for ever."""
    cache = caches["default"]
    real_add = type(cache).add

    def add_then_expire(self, key, value, timeout=None, version=None):
        added = real_add(self, key, value, timeout, version)
        self._cache.get_client(key, write=True).persist(self.make_and_validate_key(key, version))  # as if recreated
        return added

    with mock.patch.object(type(cache), "add", add_then_expire):
        ratelimit.hit("lookup", "ip", 5, 600)
    client = redis.Redis.from_url(REDIS_URL)
    [key] = list(client.scan_iter(f"{cache.key_prefix}:*"))
    assert 0 < client.ttl(key) <= 600


def test_a_cache_that_keeps_nothing_lets_requests_through(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert not any(ratelimit.hit("lookup", "ip", 1, 600) for _ in range(3))


def test_client_ip_is_remote_addr_only(rf):
    request = rf.get("/", REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert ratelimit.client_ip(request) == "192.0.2.5"
    request.META.pop("REMOTE_ADDR")
    assert ratelimit.client_ip(request) == "unknown"
