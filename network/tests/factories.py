"""Helpers for the network tests; the trees, people and accounts come from
``organizations.tests.factories`` (``build_city``, ``user_with``, ``MemberFactory``, …)."""
from organizations.tests.factories import build_city, user_with  # noqa: F401
