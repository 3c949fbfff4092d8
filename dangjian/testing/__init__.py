"""Shared test helpers: query-count pinning and logged-in clients.

Clients and list helpers live in ``dangjian.testing.clients``, the race harness in
``dangjian.testing.races`` (both re-exported here); the list and detail contract bases in
``dangjian.testing.contracts``.
"""
import time
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.testing.clients import api_client, captured_queries, ids, logged_in, query_count
from dangjian.testing.races import race, requires_postgres

__all__ = (
    "api_client",
    "assert_max_queries",
    "captured_queries",
    "count_queries",
    "ids",
    "logged_in",
    "query_count",
    "race",
    "requires_postgres",
    "wait_until",
)


@contextmanager
def assert_max_queries(limit: int):
    """Fail when the block runs more than ``limit`` queries; yields the captured list."""
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
    count = len(ctx.captured_queries)
    if count > limit:
        listing = "\n".join(f"{i + 1}. {q['sql'][:300]}" for i, q in enumerate(ctx.captured_queries))
        raise AssertionError(f"{count} queries, expected at most {limit}:\n{listing}")


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def wait_until(predicate, timeout: float = 20.0, interval: float = 0.1) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass (a live worker's or a
    server's effect); the last answer is returned, so ``assert wait_until(...)`` reads well."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
