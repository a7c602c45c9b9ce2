"""The Redis cache keeps one client per connection pool (Django builds one per operation) and
still behaves as Django's: values, counters, expiry of `add`, many keys at once."""

from portal.redis_cache import RedisCache


def test_one_client_serves_every_operation_and_the_cache_still_works():
    cache = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "test-kept-client"})
    cache.clear()
    try:
        cache.set("name", "เทศบาล", 60)
        assert cache.get("name") == "เทศบาล"
        assert cache.add("count", 1, 60) and not cache.add("count", 5, 60)
        assert cache.incr("count") == 2
        assert cache.get_many(["name", "count", "missing"]) == {"name": "เทศบาล", "count": 2}
        clients = cache._cache._clients
        assert len(clients) == 1  # one server: one pool, one client for reads and writes alike
        assert cache._cache.get_client() is cache._cache.get_client(write=True)
    finally:
        cache.clear()
