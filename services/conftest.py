import pytest
from django.core.cache import cache

from dangjian import ratelimit


@pytest.fixture(autouse=True)
def _clean_rate_limits():
    # rate-limit counters must not leak from one test into the next (the cache's, and the
    # per-process ones a fault test leaves while its Redis is down)
    cache.clear()
    ratelimit.reset_local()
    yield
    ratelimit.reset_local()
    try:
        cache.clear()
    except Exception:  # a fault test's own Redis may already be gone
        pass
