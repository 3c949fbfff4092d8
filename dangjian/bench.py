"""Timing helpers shared by ``manage.py bench_pages`` and ``manage.py bench``: in-process
requests through Django's test client, each measured for its wall time, the time its SQL
took and its number of queries.  A benchmark, not a test: run against a loaded database.
"""
from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext


def percentile(values, p):
    """Nearest-rank percentile of ``values`` (``p`` in 0–100)."""
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


@dataclass
class PageTiming:
    label: str
    url: str
    p50: float  # ms, whole request in-process
    p95: float
    sql: float  # ms, median time spent in SQL
    queries: int  # the most queries any run took

    @property
    def ratio(self) -> float:
        """Server time over SQL time (p50 / median SQL)."""
        return self.p50 / self.sql if self.sql else float("inf")

    def row(self) -> list[str]:
        return [self.label, f"`{self.url}`", f"{self.p50:.0f}", f"{self.p95:.0f}", str(self.queries),
                f"{self.sql:.0f}", f"{self.ratio:.2f}"]


PAGE_HEADER = ["page", "url", "p50 ms", "p95 ms", "queries", "SQL ms", "server/SQL"]


class BadStatus(Exception):
    pass


def timed(request, *, expect=(200,)):
    """Run ``request()`` (a test-client call) once: (response, elapsed ms, SQL ms, queries)."""
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = request()
        elapsed = time.perf_counter() - started
    if response.status_code not in expect:
        raise BadStatus(f"answered {response.status_code}")
    sql = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
    return response, elapsed * 1000, sql, len(ctx.captured_queries)


def time_page(client, label, url, *, runs=20, warmup=2) -> PageTiming:
    """p50/p95 of ``runs`` GETs of ``url`` after ``warmup`` unmeasured ones."""
    for _ in range(warmup):
        timed(lambda: client.get(url))
    totals, sqls, counts = [], [], []
    for _ in range(runs):
        _response, elapsed, sql, count = timed(lambda: client.get(url))
        totals.append(elapsed)
        sqls.append(sql)
        counts.append(count)
    return PageTiming(label, url, percentile(totals, 50), percentile(totals, 95), statistics.median(sqls), max(counts))


@dataclass
class Throughput:
    label: str
    requests: int
    seconds: float
    queries: int  # per request (the most any took)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else float("inf")

    def row(self) -> list[str]:
        return [self.label, str(self.requests), f"{self.seconds:.1f}", f"{self.per_second:.1f}", str(self.queries)]


THROUGHPUT_HEADER = ["operation", "requests", "seconds", "requests/s", "queries/request"]


def throughput(label, request_for, *, requests=200, expect=(200,)) -> Throughput:
    """Call ``request_for(i)`` (a test-client call) ``requests`` times in a row, one process."""
    counts = []
    started = time.perf_counter()
    for i in range(requests):
        _response, _elapsed, _sql, count = timed(lambda i=i: request_for(i), expect=expect)
        counts.append(count)
    return Throughput(label, requests, time.perf_counter() - started, max(counts) if counts else 0)


def markdown_table(header, rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_context() -> dict:
    """Cores, load average and the database server's version."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            version = f"{connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else ''}".strip()
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "cores": os.cpu_count(),
        "load": " / ".join(f"{v:.2f}" for v in load) if load else "—",
        "database": version,
    }
