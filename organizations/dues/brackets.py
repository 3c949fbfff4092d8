"""The dues arithmetic, pure (no database): the monthly amount from a category and a base by
the brackets of a rule set, and the calendar of months (first days) a ledger counts.

Amounts are ``Decimal``, quantized to the fen with ROUND_HALF_UP; never float.  The rate is
flat on the whole amount: 4,000 yuan at 1 % is 40.00, not 0.5 % of the first 3,000 plus 1 %
of the rest.  A bracket holds bases above its lower bound up to and including its upper
bound (3,000.00 → 0.5 %, 3,000.01 → 1 %)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


class NoBracket(ValueError):
    """No bracket of the rule set holds this category and base."""


def money(value) -> Decimal:
    """``value`` as yuan with two decimals (ROUND_HALF_UP); a float is refused."""
    if isinstance(value, float):
        raise TypeError("amounts are Decimal, never float")
    try:
        return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


@dataclass(frozen=True)
class Bracket:
    category: str
    lower: Decimal | None = None  # exclusive; None: from 0 (inclusive)
    upper: Decimal | None = None  # inclusive; None: no bound
    rate: Decimal | None = None  # percent
    flat: Decimal | None = None  # yuan a month

    def holds(self, category: str, base: Decimal) -> bool:
        if category != self.category:
            return False
        if self.lower is not None and base <= self.lower:
            return False
        return self.upper is None or base <= self.upper

    def amount(self, base: Decimal) -> Decimal:
        if self.flat is not None:
            return money(self.flat)
        return money(base * self.rate / Decimal(100))

    def describe(self) -> str:
        if self.flat is not None:
            return f"{money(self.flat)} 元/月"
        low = "" if self.lower is None else f"{self.lower} 元以上"
        high = "" if self.upper is None else f"{self.upper} 元（含）以下"
        return f"{low}{'、' if low and high else ''}{high} {self.rate.normalize()}%".strip()


def bracket_for(category: str, base, brackets) -> Bracket:
    base = money(base if base is not None else ZERO)
    if base < 0:
        raise NoBracket("negative base")
    for bracket in brackets:
        if bracket.holds(category, base):
            return bracket
    raise NoBracket(f"no bracket for {category} {base}")


def monthly_amount(category: str, base, brackets) -> Decimal:
    """The dues a month for ``category`` on ``base`` (the monthly after-tax pay; ignored by a
    flat bracket), by ``brackets`` (an iterable of ``Bracket``)."""
    base = money(base if base is not None else ZERO)
    return bracket_for(category, base, brackets).amount(base)


# ----------------------------------------------------------------------- months
def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    """How many months from ``first`` to ``last`` (both first days), both counted; 0 when
    ``last`` is before ``first``."""
    n = (last.year - first.year) * 12 + last.month - first.month + 1
    return max(n, 0)


def month_range(first: date, last: date) -> list[date]:
    return [add_months(first, i) for i in range(months_between(first, last))]


def last_completed_month(today: date) -> date:
    """The month before ``today``'s: the latest month whose dues are overdue if unpaid."""
    return add_months(month_start(today), -1)


def unpaid_streak(*, start_month: date | None, last_covered: date | None, today: date) -> int:
    """Completed months unpaid in a row up to last month: the months after the last covered
    (paid or exempt) one, or from the first month due when none is covered."""
    last = last_completed_month(today)
    if last_covered is not None:
        return months_between(add_months(last_covered, 1), last)
    if start_month is None:
        return 0
    return months_between(start_month, last)


def lapse_cutoffs(today: date, months: int) -> tuple[date, date]:
    """``(covered_by, started_by)``: a member is ``months`` completed months unpaid in a row
    when their last covered month is on or before ``covered_by``, or, nothing covered,
    their first month due is on or before ``started_by`` (index comparisons)."""
    last = last_completed_month(today)
    return add_months(last, -months), add_months(last, -(months - 1))
