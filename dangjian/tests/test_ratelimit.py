"""``dangjian.ratelimit``: look without counting, count after success, and the per-process
fallback while the cache is down (issue 12, finding 2)."""
import logging

import pytest

from dangjian import ratelimit


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl-tests"}}
    ratelimit.reset_local()
    yield
    ratelimit.reset_local()


def test_allowed_only_looks_and_count_counts():
    assert ratelimit.allowed("k", 2, 60)
    assert ratelimit.allowed("k", 2, 60)  # looking twice counted nothing
    assert ratelimit.count("k", 60) == 1
    assert ratelimit.allowed("k", 2, 60)
    assert ratelimit.count("k", 60) == 2
    assert not ratelimit.allowed("k", 2, 60)
    assert ratelimit.allowed("other", 2, 60)


def test_windows_are_separate():
    ratelimit.count("w", 60, now=120.0)
    assert not ratelimit.allowed("w", 1, 60, now=130.0)
    assert ratelimit.allowed("w", 1, 60, now=180.0)


def test_hit_named_still_counts_and_checks(settings):
    settings.WISH_SUBMIT_IP_LIMIT = (1, 3600)
    assert ratelimit.hit_named("WISH_SUBMIT_IP_LIMIT", "x")
    assert not ratelimit.hit_named("WISH_SUBMIT_IP_LIMIT", "x")
    assert not ratelimit.allowed_named("WISH_SUBMIT_IP_LIMIT", "x")
    assert 0 < ratelimit.retry_after("WISH_SUBMIT_IP_LIMIT") <= 3600


def test_every_default_limit_is_a_pair():
    for name in ratelimit.DEFAULT_LIMITS:
        limit, window = ratelimit.limit_for(name)
        assert limit > 0 and window > 0


def test_a_broken_cache_falls_back_to_the_process(own_redis, settings, caplog):
    own_redis.use(settings)
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="dangjian.ratelimit"):
        assert ratelimit.allowed("13800001111-hash", 2, 60)
        assert ratelimit.count("13800001111-hash", 60) == 1
        assert ratelimit.count("13800001111-hash", 60) == 2
        assert not ratelimit.allowed("13800001111-hash", 2, 60)
        assert ratelimit.hit("other", 1, 60) and not ratelimit.hit("other", 1, 60)
    messages = [r.getMessage() for r in caplog.records if r.name == "dangjian.ratelimit"]
    assert len(messages) == 1  # one warning, not one per call
    assert "13800001111" not in messages[0] and "other" not in messages[0]
    own_redis.start()
    assert ratelimit.allowed("13800001111-hash", 2, 60)  # the cache again (a restarted Redis is empty)
    assert ratelimit.count("13800001111-hash", 60) == 1


def test_the_local_store_stays_bounded(monkeypatch):
    monkeypatch.setattr(ratelimit, "LOCAL_MAX_KEYS", 10)
    for i in range(50):
        ratelimit._local_incr(f"k{i}", 60)
    assert len(ratelimit._local) <= 10
    assert ratelimit._local_get("k49") == 1
