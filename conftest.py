import os

import pytest

# Playwright drives Chromium from an event loop in the test thread; Django's ORM calls in
# fixtures are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def city(db):
    from organizations.tests.factories import build_city

    return build_city()
