"""A leader's progress in their linked community (pure functions).

The required days of a 联系社区 link fall due pro rata over its period (``starts_on`` …
``ends_on``, both included): by ``today`` the share ``(today - starts_on) / period days`` of
them.  The days logged *cover* the period up to ``covered_until`` = ``starts_on`` +
⌊logged × period days / required⌋ days, so "behind" (logged < due by today) is exactly
``covered_until < today`` — a date column the database filters on, kept by the visit writers.
"""
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

HALF = Decimal("0.5")


def period_days(starts_on: date, ends_on: date) -> int:
    return (ends_on - starts_on).days + 1


def covered_until(required, logged, starts_on: date, ends_on: date) -> date:
    if not required or required <= 0 or logged >= required:
        return ends_on
    offset = (Decimal(logged) * period_days(starts_on, ends_on) / Decimal(required)).to_integral_value(ROUND_FLOOR)
    return min(starts_on + timedelta(days=int(offset)), ends_on)


def required_to_date(required, starts_on: date, ends_on: date, today: date) -> Decimal:
    """The days due by ``today``, to one decimal (for display)."""
    if not required:
        return Decimal("0")
    elapsed = max(0, min((today - starts_on).days, period_days(starts_on, ends_on)))
    return (Decimal(required) * elapsed / period_days(starts_on, ends_on)).quantize(Decimal("0.1"))


def is_behind_days(required, logged, starts_on: date, ends_on: date, today: date) -> bool:
    """The definition the column implements: fewer days logged than due by today (exact)."""
    if not (starts_on <= today <= ends_on) or not required:
        return False
    return Decimal(logged) * period_days(starts_on, ends_on) < Decimal(required) * (today - starts_on).days


def is_half_steps(days) -> bool:
    return days > 0 and (Decimal(days) / HALF) == (Decimal(days) / HALF).to_integral_value()
