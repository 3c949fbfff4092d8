"""Demo dues (党费) for ``seed_demo``: a base for every member and a year of the monthly
ledger — most members paid every month (some a quarter in advance), some in arrears for a
month or a few, a few six months and more unpaid (党章第九条), some months paid late
(补缴) or exempt — and, for the ``member`` account, a record with a pay change, an advance
and a back payment.

    seed_dues(rng=random.Random(seed), members=Member.objects.filter(...), today=date.today())

The bulk path: the rows are computed in memory (the amounts by the default brackets, in
Decimal) and written in batches — one ``COPY`` a batch on PostgreSQL, ``executemany`` of a
prepared INSERT elsewhere — then the members' derived state is refreshed once
(``MemberDuesState.objects.refresh()``): about 41k members × 12 months in well under the
30 s the dandong scale allows.
"""
from __future__ import annotations

import io
import time
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from organizations.dues import brackets as calc
from organizations.dues import selectors
from organizations.dues.choices import DuesCategory, PaymentKind
from organizations.dues.models import DuesBase, DuesOrgMonth, DuesPayment, MemberDuesState
from organizations.members.choices import MemberStatus

BATCH = 20_000
MONTHS = 12
BASE_COLUMNS = ("member_id", "year", "from_month", "starts_on", "category", "base", "monthly_amount", "rule_set_id",
                "declared_on", "created_at")
PAYMENT_COLUMNS = ("member_id", "month", "kind", "amount_due", "amount_paid", "paid_on", "exempt_reason",
                   "organization_id", "created_at")
EXEMPT_REASON = "生活困难，经支部研究、上级党委批准免交"


def _category(rng, in_service: bool, birth: date | None, today: date) -> tuple[str, str]:
    """(category, base as text) of a demo member."""
    if in_service:
        pay = rng.choice((2400, 2800, 3000, 3500, 4200, 5000, 5600, 6800, 8500, 9800, 12000)) + rng.randrange(0, 100)
        return DuesCategory.IN_SERVICE, f"{pay}.00"
    age = today.year - birth.year if birth else 65
    if age >= 55:
        return DuesCategory.RETIRED, f"{rng.choice((2600, 3200, 3800, 4500, 5000, 5400, 6200))}.00"
    roll = rng.random()
    if age < 25 and roll < 0.7:
        return DuesCategory.STUDENT, "0.00"
    if roll < 0.5:
        return DuesCategory.UNEMPLOYED, "0.00"
    if roll < 0.8:
        return DuesCategory.LOW_INCOME, "0.00"
    return DuesCategory.FARMER, "0.00"


def _pattern(rng, index: int) -> str:
    if index % 29 == 7:
        return "lapsed"  # six months and more: about 3 %, a few in every community
    roll = rng.random()
    if roll < 0.70:
        return "monthly"
    if roll < 0.80:
        return "quarterly"  # a quarter in advance
    if roll < 0.90:
        return "behind"  # stopped one to four months ago
    if roll < 0.95:
        return "late"  # caught up late (补缴)
    return "exempt"


def _payments(rng, pattern, months, amount, today):
    """``[(month, kind, due, paid, paid_on, reason)]`` of one member over ``months``."""
    current = calc.month_start(today)
    done = [m for m in months if m <= current]
    out = []
    if pattern == "behind":
        done = done[: max(0, len(done) - rng.randint(2, 5))]
    elif pattern == "lapsed":
        done = done[: max(0, len(done) - rng.randint(7, 10))]
    for i, month in enumerate(done):
        if pattern == "quarterly":
            first = done[i - i % 3]
            paid_on = first.replace(day=min(10, today.day) if first == current else 10)
        elif pattern == "late" and i >= len(done) - 4 and month < current:
            paid_on = current.replace(day=min(5, today.day))  # the last three months paid at once this month
        else:
            paid_on = month.replace(day=rng.randint(1, 25) if month < current else min(rng.randint(1, 25), today.day))
        if pattern == "exempt" and i >= len(done) - 3:
            out.append((month, PaymentKind.EXEMPT, amount, calc.ZERO, None, EXEMPT_REASON))
            continue
        if month == current and rng.random() < 0.4:
            continue  # this month's dues are not all in yet
        paid_month = calc.month_start(paid_on)
        kind = PaymentKind.LATE if month < paid_month else PaymentKind.ADVANCE if month > paid_month else PaymentKind.PAID
        out.append((month, kind, amount, amount, paid_on, ""))
    return out


def _write(model, columns, rows) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buf = io.StringIO()
            buf.writelines("\t".join("\\N" if v is None else str(v) for v in row) + "\n" for row in rows)
            buf.seek(0)
            cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buf)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", [tuple(None if v is None else str(v) for v in row) for row in rows])


@transaction.atomic
def seed_dues(*, rng, members, today: date, member_user_id=None) -> dict:
    """Bases and a year of payments for ``members`` (a queryset) that have none yet."""
    started = time.perf_counter()
    rule_set = selectors.rule_set_for(None, today)
    if rule_set is None:  # a database whose data-migration rows were flushed: the defaults again
        from organizations.dues.default_rules import load
        from organizations.dues.models import DuesBracket, DuesRuleSet

        load(DuesRuleSet, DuesBracket)
        rule_set = selectors.rule_set_for(None, today)
    brackets = selectors.brackets_of(rule_set)
    current = calc.month_start(today)
    first = calc.add_months(current, -(MONTHS - 1))
    months = calc.month_range(first, current)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = (
        members.exclude(dues_bases__isnull=False).order_by("pk")
        .values_list("pk", "organization_id", "in_service", "birth_date", "status", "joined_on", "user_id")
    )
    bases, payments, special = [], [], None
    counts = {"bases": 0, "payments": 0}
    for index, (pk, org_id, in_service, birth, status, joined_on, user_id) in enumerate(rows.iterator(chunk_size=5000)):
        if member_user_id is not None and user_id == member_user_id:
            special = (pk, org_id)
            continue
        category, base = _category(rng, in_service, birth, today)
        start = first
        if status == MemberStatus.PROBATIONARY and joined_on is not None and calc.month_start(joined_on) > first:
            start = min(calc.month_start(joined_on), current)  # pays from the 支部大会 day
        amount = calc.monthly_amount(category, calc.money(base), brackets)
        bases.append((pk, start.year, start.month, start, category, base, amount, rule_set.pk, start, now))
        for month, kind, due, paid, paid_on, reason in _payments(rng, _pattern(rng, index), [m for m in months if m >= start], amount, today):
            payments.append((pk, month, kind, due, paid, paid_on, reason, org_id, now))
        if len(payments) >= BATCH:
            _write(DuesPayment, PAYMENT_COLUMNS, payments)
            counts["payments"] += len(payments)
            payments = []
        if len(bases) >= BATCH:
            _write(DuesBase, BASE_COLUMNS, bases)
            counts["bases"] += len(bases)
            bases = []
    _write(DuesBase, BASE_COLUMNS, bases)
    _write(DuesPayment, PAYMENT_COLUMNS, payments)
    counts["bases"] += len(bases)
    counts["payments"] += len(payments)
    if special is not None:
        counts.update(_member_record(special, rule_set, brackets, months, today, now))
    MemberDuesState.objects.refresh()
    DuesOrgMonth.objects.refresh()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (DuesBase, DuesPayment, MemberDuesState, DuesOrgMonth):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    counts["seconds"] = time.perf_counter() - started
    return counts


def _member_record(special, rule_set, brackets, months, today, now) -> dict:
    """The ``member`` account's own record: in service at 4,200 yuan, a raise to 5,600 from
    the middle of the window (its month on), every month paid — one quarter in advance and
    two months paid late (补缴) — and this month still due."""
    pk, org_id = special
    first = months[0]
    change = months[len(months) // 2]
    bases = []
    for start, base in ((first, "4200.00"), (change, "5600.00")):
        amount = calc.monthly_amount(DuesCategory.IN_SERVICE, calc.money(base), brackets)
        bases.append((pk, start.year, start.month, start, DuesCategory.IN_SERVICE, base, amount, rule_set.pk, start, now))
    _write(DuesBase, BASE_COLUMNS, bases)
    book = {first: bases[0][6], change: bases[1][6]}
    payments = []
    for i, month in enumerate(months[:-1]):
        due = book[change] if month >= change else book[first]
        if i in (0, 1, 2):
            paid_on, kind = first.replace(day=8), (PaymentKind.PAID if i == 0 else PaymentKind.ADVANCE)
        elif i in (5, 6):
            paid_on, kind = months[7].replace(day=12), PaymentKind.LATE
        else:
            paid_on, kind = month.replace(day=15), PaymentKind.PAID
        payments.append((pk, month, kind, due, due, paid_on, "", org_id, now))
    _write(DuesPayment, PAYMENT_COLUMNS, payments)
    return {"member_record": len(payments)}
