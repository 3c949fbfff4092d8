"""Scoring periods: keys, their dates, their neighbours, and what is due for scoring.

Pure functions on dates (no database).  A period is named by a short key:

* ``"2026"`` — the year 2026 (``PeriodKind.YEAR``);
* ``"2026-Q3"`` — the third quarter (July to September);
* ``"2026-11"`` — November 2026.

Every period is a whole number of calendar months; ``end`` is inclusive.  A period is
*complete* on the day after its end; ``due_periods(today)`` names the periods that have
just completed (the last complete month, quarter and year), which the daily beat job
scores.
"""
from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from assessments.scoring.choices import PeriodKind

_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")
KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
MONTHS_IN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}


class PeriodKeyError(ValueError):
    """A string that is not a period key (the message is Chinese, for forms and the API)."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    kind: str
    key: str

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return f"{self.start.year}年度"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年{self.start.month}月"

    @property
    def months(self) -> int:
        return MONTHS_IN[self.kind]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def is_complete(self, today: date) -> bool:
        return today > self.end

    def has_started(self, today: date) -> bool:
        return today >= self.start

    def label_on(self, today: date, as_of: date | None = None) -> str:
        """The label, saying so when the period is not over on ``today``: its figures are
        partial, taken up to ``as_of`` (default today) — "2026年度（截至12月1日，未结束）"."""
        if self.is_complete(today) or not self.has_started(today):
            return self.label
        day = min(as_of or today, self.end)
        return f"{self.label}（截至{day.month}月{day.day}日，未结束）"


def _month_end(year: int, month: int) -> date:
    return date(year, month, _cal.monthrange(year, month)[1])


def make(kind: str, year: int, index: int = 1) -> Period:
    """The period of ``kind`` numbered ``index`` in ``year`` (month 1–12, quarter 1–4)."""
    if kind == PeriodKind.YEAR:
        return Period(date(year, 1, 1), date(year, 12, 31), PeriodKind.YEAR, f"{year:04d}")
    if kind == PeriodKind.QUARTER:
        first = (index - 1) * 3 + 1
        return Period(date(year, first, 1), _month_end(year, first + 2), PeriodKind.QUARTER, f"{year:04d}-Q{index}")
    if kind == PeriodKind.MONTH:
        return Period(date(year, index, 1), _month_end(year, index), PeriodKind.MONTH, f"{year:04d}-{index:02d}")
    raise PeriodKeyError(f"未知的周期类型：{kind}")


def parse(key: str) -> Period:
    """``"2026-Q3"`` → Period(2026-07-01, 2026-09-30, quarter, "2026-Q3")."""
    match = _KEY.match(str(key or "").strip().upper())
    if not match or int(match["year"]) < 1900:
        raise PeriodKeyError("周期格式应为 2026、2026-Q3 或 2026-11。")
    year = int(match["year"])
    if match["quarter"]:
        return make(PeriodKind.QUARTER, year, int(match["quarter"]))
    if match["month"]:
        return make(PeriodKind.MONTH, year, int(match["month"]))
    return make(PeriodKind.YEAR, year)


def is_key(key: str) -> bool:
    try:
        parse(key)
    except PeriodKeyError:
        return False
    return True


def containing(kind: str, day: date) -> Period:
    """The period of ``kind`` that contains ``day``."""
    if kind == PeriodKind.YEAR:
        return make(kind, day.year)
    if kind == PeriodKind.QUARTER:
        return make(kind, day.year, (day.month - 1) // 3 + 1)
    return make(PeriodKind.MONTH, day.year, day.month)


def previous(period: Period | str) -> Period:
    period = parse(period) if isinstance(period, str) else period
    return containing(period.kind, period.start - timedelta(days=1))


def following(period: Period | str) -> Period:
    period = parse(period) if isinstance(period, str) else period
    return containing(period.kind, period.end + timedelta(days=1))


def periods_of_year(year: int, kind: str | None = None) -> list[Period]:
    """The periods of a year, in order: 12 months, 4 quarters, the year (or one kind only)."""
    out = []
    if kind in (None, PeriodKind.MONTH):
        out += [make(PeriodKind.MONTH, year, m) for m in range(1, 13)]
    if kind in (None, PeriodKind.QUARTER):
        out += [make(PeriodKind.QUARTER, year, q) for q in range(1, 5)]
    if kind in (None, PeriodKind.YEAR):
        out.append(make(PeriodKind.YEAR, year))
    return out


def last_complete(kind: str, today: date) -> Period:
    """The most recent period of ``kind`` that ended before ``today``."""
    return previous(containing(kind, today))


SHANGHAI = ZoneInfo("Asia/Shanghai")


def moments(period: Period) -> tuple[datetime, datetime]:
    """The period as instants, ``[start, end)``: from its first local (Asia/Shanghai) midnight
    to the one after its last day.  The one definition of "made in the period" the
    dashboard figures and the lists they link to share (``created_at__gte`` / ``__lt``)."""
    return (datetime.combine(period.start, time.min, tzinfo=SHANGHAI),
            datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=SHANGHAI))


def latest_complete_of(kinds, today: date) -> Period | None:
    """The period that ended last before ``today`` among ``kinds`` (a rubric's kinds: the
    finest kind wins a tie, e.g. December beside Q4 and the year)."""
    found = [last_complete(kind, today) for kind in KINDS if kind in tuple(kinds)]
    return max(found, key=lambda p: (p.end, p.start)) if found else None


def recent(kind: str, today: date, count: int) -> list[Period]:
    """The last ``count`` complete periods of ``kind``, oldest first."""
    out, period = [], last_complete(kind, today)
    for _ in range(count):
        out.append(period)
        period = previous(period)
    return out[::-1]


def due_periods(today: date, kinds=KINDS) -> list[Period]:
    """The periods due for scoring on ``today``: the last complete month, quarter and year
    (of the ``kinds`` asked).  The daily job may call this every day; the runs are keyed
    by period, so asking again the next day finds the same periods already scored."""
    return [last_complete(kind, today) for kind in KINDS if kind in kinds]


def parse_kinds(text: str) -> tuple[str, ...]:
    """A rubric's ``period_kinds`` ("month,quarter,year") as a tuple of known kinds."""
    wanted = {part.strip() for part in str(text or "").split(",")}
    return tuple(kind for kind in KINDS if kind in wanted)


