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

from assessments.life.choices import Frequency, PeriodStatus
from dangjian.trees import Span

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


# ------------------------------------------------------------------- QR sign-in window
# A member may sign in from half an hour before an activity starts until half an hour after
# it ends (people arrive early, meetings overrun).  Plain constants, not settings: the
# window is part of the rule, the same in every deployment.
SIGNIN_OPENS_BEFORE = timedelta(minutes=30)
SIGNIN_CLOSES_AFTER = timedelta(minutes=30)

SIGNIN_EARLY = "early"
SIGNIN_OPEN = "open"
SIGNIN_CLOSED = "closed"


def signin_window(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    """The first and last moment a QR sign-in is accepted (both inclusive)."""
    return starts_at - SIGNIN_OPENS_BEFORE, ends_at + SIGNIN_CLOSES_AFTER


def signin_state(now: datetime, starts_at: datetime, ends_at: datetime) -> str:
    """``early`` before the window, ``open`` inside it, ``closed`` after it."""
    opens, closes = signin_window(starts_at, ends_at)
    if now < opens:
        return SIGNIN_EARLY
    if now > closes:
        return SIGNIN_CLOSED
    return SIGNIN_OPEN


# ------------------------------------------------------------ counting by month buckets
def month_start(day: date) -> date:
    return day.replace(day=1)


def months_in(period: Period) -> list[date]:
    """The first day of every month the period spans (periods are whole months)."""
    out, day = [], month_start(period.start)
    while day <= period.end:
        out.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def earliest_period_start(start: date) -> date:
    """The first day any period overlapping ``start`` can begin (the year's first day):
    activities from there on may count in the window, so queries start here."""
    return date(start.year, 1, 1)


def month_counts(days) -> dict[date, int]:
    """Activities per month (keyed by the month's first day) from their local dates."""
    out: dict[date, int] = {}
    for day in days:
        key = month_start(day)
        out[key] = out.get(key, 0) + 1
    return out


# --------------------------------------------------------------- versioned rule sets
@dataclass(frozen=True)
class RuleSpec:
    """One rule as it applies to one organization (kind and category already matched)."""

    activity_type_id: int
    frequency: str
    min_count: int = 1


@dataclass(frozen=True)
class RuleSetInfo:
    """Where and from when a rule set applies.  The area is None for the default set;
    otherwise the area's span in its tree (``dangjian.trees.Span``: tree, start, end) and
    its depth (the set covers that area's subtree)."""

    id: int
    effective_from: date
    version: int
    area_tree: int | None = None
    area_start: int | None = None
    area_end: int | None = None
    area_depth: int | None = None

    def covers(self, tree: int, position: int) -> bool:
        """The set governs the place at ``position`` of tree ``tree`` (``trees.position``)."""
        if self.area_tree is None:
            return True
        return Span(self.area_tree, self.area_start, self.area_end).contains(Span(tree, position, position))

    @property
    def rank(self):
        # Nearest area first (deepest ancestor; the default set is the farthest), then newest.
        depth = -1 if self.area_depth is None else self.area_depth
        return (depth, self.effective_from, self.version)


def choose_rule_set(candidates, day: date) -> RuleSetInfo | None:
    """The set in force on ``day`` among sets that all cover the place in question: the
    nearest area's newest version already effective; None if none is effective yet."""
    effective = [c for c in candidates if c.effective_from <= day]
    return max(effective, key=lambda c: c.rank) if effective else None


def rule_segments(candidates, start: date, today: date) -> list[tuple[date, date, int | None]]:
    """Split [start, today] into stretches ruled by one set each: ``(first, last, set id)``.

    A set published in the middle of the window rules from its effective date on; the
    stretch before it keeps the rules then in force."""
    points = sorted({start} | {c.effective_from for c in candidates if start < c.effective_from <= today})
    out: list[tuple[date, date, int | None]] = []
    for i, point in enumerate(points):
        last = points[i + 1] - timedelta(days=1) if i + 1 < len(points) else today
        chosen = choose_rule_set(candidates, point)
        chosen_id = chosen.id if chosen else None
        if out and out[-1][2] == chosen_id:
            out[-1] = (out[-1][0], last, chosen_id)
        else:
            out.append((point, last, chosen_id))
    return out


@dataclass(frozen=True)
class PlannedPeriod:
    """A period to judge, with what does not depend on the organization's activities."""

    period: Period
    months: tuple  # first day of each month it spans
    min_count: int
    unmet: str  # its status while fewer than min_count activities are counted


def plan_segments(*, segments, window_start: date, today: date) -> tuple:
    """The periods to judge for rules that may change inside the window, computed once and
    shared by every organization with the same rules: ``((type id, frequency,
    (PlannedPeriod, ...)), ...)``.

    ``segments`` are ``(first, last, [RuleSpec, ...])`` covering [window_start, today].
    A period belongs to the stretch in force on the day it is judged (its due date, or
    today for the current period), so a quarter that ended before a new rule set still
    counts under the old rules."""
    lines: dict[int, list] = {}
    frequencies: dict[int, str] = {}
    for first, last, specs in segments:
        for spec in specs:
            if period_of(spec.frequency, first) is None:
                continue  # as-needed: nothing is due
            rows = lines.setdefault(spec.activity_type_id, [])
            frequencies[spec.activity_type_id] = spec.frequency
            for period in periods_between(spec.frequency, first, last):
                judged = max(min(due_date(spec.frequency, period), today), window_start)
                if not first <= judged <= last:
                    continue
                unmet = period_status(spec.frequency, period, 0, 1, today)
                rows.append(PlannedPeriod(period, tuple(months_in(period)), spec.min_count, unmet))
    return tuple(
        (type_id, frequencies[type_id], tuple(sorted(rows, key=lambda r: (r.period.end, r.period.start))))
        for type_id, rows in lines.items()
    )


def evaluate_plan(plan, counts) -> list[RuleLine]:
    """Judge a plan against one organization's activities per type and month."""
    out = []
    for type_id, frequency, periods in plan:
        per_month = counts.get(type_id, {})
        rows = []
        for p in periods:
            done = sum(per_month.get(m, 0) for m in p.months) if per_month else 0
            rows.append((p.period, PeriodStatus.DONE if done >= p.min_count else p.unmet, done))
        out.append(RuleLine(type_id, frequency, tuple(rows)))
    return out


def plan_compliant(plan, counts) -> bool:
    """``is_compliant(evaluate_plan(plan, counts))``, without building the lines: only the
    periods that would be overdue when unmet are judged, and the first one short of its
    minimum decides.  For verdicts over thousands of organizations; the lines themselves
    (which periods, done or due) are evaluated only for the organizations shown."""
    for type_id, _frequency, periods in plan:
        per_month = counts.get(type_id)
        for p in periods:
            if p.unmet != PeriodStatus.OVERDUE:
                continue
            done = sum(per_month.get(m, 0) for m in p.months) if per_month else 0
            if done < p.min_count:
                return False
    return True


def evaluate_segments(*, segments, counts, window_start: date, today: date) -> list[RuleLine]:
    """Statuses of every period in the window for an organization whose rules may change
    inside it (``plan_segments`` then ``evaluate_plan``).  ``counts`` maps an activity
    type id to its activities per month (``month_counts``).  With one stretch this is
    ``evaluate_rule`` for each rule."""
    return evaluate_plan(plan_segments(segments=segments, window_start=window_start, today=today), counts)


def rule_applies(org_kinds, org_categories, kind: str, category: str) -> bool:
    """A rule names the organization kinds it asks of (none named: it asks nothing) and
    optionally the categories it is limited to."""
    return kind in (org_kinds or ()) and (not org_categories or category in org_categories)
