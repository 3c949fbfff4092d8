import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clean_rate_limits():
    cache.clear()  # rate-limit counters must not leak from one test into the next
    yield
    cache.clear()
