"""Province-scale service-hours ledger for ``seed_demo --scale province``: about ten
``ServiceRecord`` rows a member (≈10M for the province), so the scoring engine, the rollups
and the reporting pages are measured against a ledger of realistic size.

    seed_service_records(rng=random.Random(seed), target_rows=10_000_000, year=2026)

The rows are synthetic: they stand for activities, wishes and requests whose own rows are not
generated at this scale.  Their ``source_id`` lies in a reserved high range starting at
``SYNTHETIC_SOURCE_BASE`` (9·10^15), far above any id a real activity, wish or request table
will ever hand out, so the ``(source, source_id, member)`` uniqueness never meets a real
record and the synthetic rows can be told apart (``synthetic_records()``) or removed in one
statement.  Each call continues after the highest synthetic id already present, so a second
call adds rows instead of colliding.

Shape: members drawn uniformly (≈10 rows a member, Poisson-like spread); sources 50%
activity, 30% wish, 20% request; hours 0.5–4 in half hours, short services commoner; dates
spread over ``year`` (up to ``until`` when the year is not over yet).

The bulk path: rows are generated in chunks of ``CHUNK`` (``rng.choices``, no per-row Python
objects) and written with one ``COPY`` a chunk on PostgreSQL, ``bulk_create`` elsewhere.
The same ``rng`` state and members give the same rows.
"""
from __future__ import annotations

import io
import time
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from organizations.members.models import Member
from services.ledger.models import ServiceRecord, ServiceSource

SYNTHETIC_SOURCE_BASE = 9 * 10**15
CHUNK = 250_000
BULK_BATCH = 5000
SOURCES = (ServiceSource.ACTIVITY.value, ServiceSource.WISH.value, ServiceSource.REQUEST.value)
SOURCE_WEIGHTS = (50, 30, 20)
HOURS = ("0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0")
HOUR_WEIGHTS = (14, 24, 18, 16, 9, 9, 5, 5)
NOTE = "演示数据"
COLUMNS = ("member_id", "source", "source_id", "hours", "occurred_on", "note", "created_at")


def synthetic_records():
    """The rows this module wrote (and only those)."""
    return ServiceRecord.objects.filter(source_id__gte=SYNTHETIC_SOURCE_BASE)


def _days(year: int, until: date | None) -> list[date]:
    first, last = date(year, 1, 1), date(year, 12, 31)
    if until is not None and first <= until < last:
        last = until
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _next_source_id() -> int:
    top = synthetic_records().order_by("-source_id").values_list("source_id", flat=True).first()
    return SYNTHETIC_SOURCE_BASE if top is None else top + 1


@transaction.atomic
def seed_service_records(*, rng, target_rows: int, year: int, member_ids=None, until: date | None = None, log=None) -> dict:
    """Write ``target_rows`` synthetic service records dated in ``year`` for ``member_ids``
    (default: every member).  Returns ``{"records": n, "seconds": s}``."""
    started = time.perf_counter()
    if member_ids is None:
        member_ids = Member.objects.order_by("pk").values_list("pk", flat=True)
    members = sorted(member_ids)
    if not members or target_rows <= 0:
        return {"records": 0, "seconds": 0.0}
    if until is None and year == timezone.localdate().year:
        until = timezone.localdate()
    days = [d.isoformat() for d in _days(year, until)]
    now = timezone.now()
    next_id = _next_source_id()
    written = 0
    postgres = connection.vendor == "postgresql"
    while written < target_rows:
        n = min(CHUNK, target_rows - written)
        who = rng.choices(members, k=n)
        sources = rng.choices(SOURCES, weights=SOURCE_WEIGHTS, k=n)
        hours = rng.choices(HOURS, weights=HOUR_WEIGHTS, k=n)
        when = rng.choices(days, k=n)
        if postgres:
            _copy(next_id, who, sources, hours, when, now)
        else:
            ServiceRecord.objects.bulk_create(
                [
                    ServiceRecord(member_id=m, source=s, source_id=next_id + i, hours=Decimal(h),
                                  occurred_on=date.fromisoformat(d), note=NOTE)
                    for i, (m, s, h, d) in enumerate(zip(who, sources, hours, when))
                ],
                batch_size=BULK_BATCH,
            )
        next_id += n
        written += n
        if log is not None and written % (CHUNK * 8) == 0:
            log(f"  service records: {written:,} / {target_rows:,}")
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(ServiceRecord._meta.db_table)}")
    return {"records": written, "seconds": time.perf_counter() - started}


def _copy(first_id, who, sources, hours, when, now) -> None:
    """One ``COPY … FROM STDIN`` of a chunk (values need no escaping: digits, fixed words, ISO dates)."""
    table = connection.ops.quote_name(ServiceRecord._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    stamp = now.isoformat()
    buf = io.StringIO()
    buf.writelines(
        f"{m}\t{s}\t{first_id + i}\t{h}\t{d}\t{NOTE}\t{stamp}\n"
        for i, (m, s, h, d) in enumerate(zip(who, sources, hours, when))
    )
    buf.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buf)
