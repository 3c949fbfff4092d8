"""The fault fixture itself: the cache really goes down and comes back empty."""
import pytest
from django.core.cache import cache


def test_own_redis_stops_and_starts(own_redis, settings):
    own_redis.use(settings)
    cache.set("k", "v", 30)
    assert cache.get("k") == "v"
    own_redis.stop()
    with pytest.raises(Exception):  # noqa: B017 — any connection error of redis-py
        cache.get("k")
    own_redis.start()
    assert cache.get("k") is None  # nothing kept on disk, as the machine's Redis
    cache.set("k", "w", 30)
    assert cache.get("k") == "w"
