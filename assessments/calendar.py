"""Rule calendar: what is due when.  Pure functions on dates, no database.

A rule asks for ``min_count`` activities per *period*; the period of a date depends on
the frequency (month, quarter, half year, year; 党员先锋日 is monthly, held on the last
Friday).  Activities are timestamped; they count in the period of their local date in
Asia/Shanghai, never of their UTC date.
"""
import calendar as _cal
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .choices import Frequency, PeriodStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = 4


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        if s.month == 1 and e.month == 12:
            return f"{s.year}年"
        if s.month == e.month:
            return f"{s.year}年{s.month}月"
        if e.month - s.month == 2:
            return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
        return f"{s.year}年{'上' if s.month == 1 else '下'}半年"


def local_date(moment: datetime) -> date:
    """The calendar day of an aware datetime in Asia/Shanghai."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: activities are stored with their time zone")
    return moment.astimezone(SHANGHAI).date()


def month_end(year: int, month: int) -> date:
    return date(year, month, _cal.monthrange(year, month)[1])


def last_friday(year: int, month: int) -> date:
    end = month_end(year, month)
    return end - timedelta(days=(end.weekday() - FRIDAY) % 7)


def _span(year: int, first_month: int, months: int) -> Period:
    last_month = first_month + months - 1
    return Period(date(year, first_month, 1), month_end(year, last_month))


def period_of(frequency: str, day: date) -> Period | None:
    """The period of ``frequency`` containing ``day``; None for as-needed rules."""
    if frequency in (Frequency.MONTHLY, Frequency.LAST_FRIDAY):
        return _span(day.year, day.month, 1)
    if frequency == Frequency.QUARTERLY:
        return _span(day.year, (day.month - 1) // 3 * 3 + 1, 3)
    if frequency == Frequency.HALF_YEARLY:
        return _span(day.year, 1 if day.month <= 6 else 7, 6)
    if frequency == Frequency.YEARLY:
        return _span(day.year, 1, 12)
    return None


def next_period(frequency: str, period: Period) -> Period:
    return period_of(frequency, period.end + timedelta(days=1))


def periods_between(frequency: str, first: date, last: date) -> list[Period]:
    """Every period of ``frequency`` overlapping [first, last], in order."""
    period = period_of(frequency, first)
    if period is None:
        return []
    out = []
    while period.start <= last:
        out.append(period)
        period = next_period(frequency, period)
    return out


def due_date(frequency: str, period: Period) -> date:
    """The day by which the period's activity is expected (the last Friday for 先锋日)."""
    if frequency == Frequency.LAST_FRIDAY:
        return last_friday(period.start.year, period.start.month)
    return period.end


def period_status(frequency: str, period: Period, done: int, min_count: int, today: date) -> str:
    if done >= min_count:
        return PeriodStatus.DONE
    if today > due_date(frequency, period):
        return PeriodStatus.OVERDUE
    if today < period.start:
        return PeriodStatus.UPCOMING
    return PeriodStatus.DUE


def quorum_met(present: int, expected: int) -> bool:
    """More than half of those expected are present (支部党员大会, 支委会)."""
    return expected > 0 and present * 2 > expected


def months_back(day: date, months: int) -> date:
    """The same day ``months`` earlier (clamped to the month's end: 31 Aug − 6 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, _cal.monthrange(year, month + 1)[1]))


INACTIVITY_MONTHS = 6  # 党章 Art. 9: six consecutive months without organizational life


def inactivity_cutoff(today: date, months: int = INACTIVITY_MONTHS) -> date:
    """A member whose last attended activity is before this day is flagged."""
    return months_back(today, months)


@dataclass(frozen=True)
class RuleLine:
    """One rule's state for one organization over an evaluation window."""

    activity_type_id: int
    frequency: str
    periods: tuple  # ((Period, status, done), ...)

    @property
    def overdue(self) -> int:
        return sum(1 for _, status, _ in self.periods if status == PeriodStatus.OVERDUE)

    @property
    def current(self):
        return self.periods[-1] if self.periods else None


def evaluate_rule(
    *, activity_type_id: int, frequency: str, min_count: int, activity_days: list[date], window_start: date, today: date
) -> RuleLine:
    """Statuses of every period from ``window_start`` to today for one rule."""
    rows = []
    for period in periods_between(frequency, window_start, today):
        done = sum(1 for d in activity_days if d in period)
        rows.append((period, period_status(frequency, period, done, min_count, today), done))
    return RuleLine(activity_type_id, frequency, tuple(rows))


def is_compliant(lines) -> bool:
    """Compliant: nothing overdue in the window (the current period may still be due)."""
    return all(line.overdue == 0 for line in lines)


WINDOW_MONTHS = 12


def window_start(today: date, months: int = WINDOW_MONTHS) -> date:
    """Compliance looks back over a rolling window (default 12 months up to today), so a
    missed quarter stays visible after New Year; every period overlapping it is judged."""
    return months_back(today, months) + timedelta(days=1)
