"""The calendar of 发展党员, pure: given a rule set's steps and the steps a case has taken,
which step comes next, from when it may be taken and by when it is due, what is overdue,
and why a step recorded too early (or out of order) is refused — with the rule it breaks and
its clause.  No database: the selectors and actions hand the rows over as plain values.

Dates are calendar dates (Asia/Shanghai).  Months are added with the day clamped to the end
of a shorter month; working days are Monday to Friday (public holidays are not modelled).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

DAYS, WORKING_DAYS, MONTHS = "days", "working_days", "months"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    order: int
    stage: str = ""
    kind: str = "plain"
    counts_from: str = ""
    min_interval: int = 0
    min_unit: str = DAYS
    deadline: int = 0  # 0: no deadline
    deadline_unit: str = DAYS
    repeat_months: int = 0  # a recurring step (the half-yearly assessments): 0 = once
    after_probation: bool = False  # intervals lengthen by a probation extension
    enters_stage: str = ""
    min_people: int = 0
    max_people: int = 0
    min_hours: int = 0
    clause: str = ""

    @property
    def recurring(self) -> bool:
        return self.repeat_months > 0


@dataclass(frozen=True)
class Taken:
    code: str
    on: date


class StepRefused(Exception):
    """A step that may not be recorded: ``message`` says which rule and clause it breaks."""

    def __init__(self, message, *, rule: Rule | None = None):
        super().__init__(message)
        self.message = message
        self.rule = rule


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# ------------------------------------------------------------------------ arithmetic
def add_months(d: date, n: int) -> date:
    month = d.month - 1 + n
    year, month = d.year + month // 12, month % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def is_working_day(d: date) -> bool:
    return d.weekday() < 5


def working_period_end(start: date, n: int) -> date:
    """The last day of a period of ``n`` working days beginning on ``start`` (counted from
    ``start`` itself when it is a working day)."""
    d, counted = start, 0
    while True:
        if is_working_day(d):
            counted += 1
            if counted >= n:
                return d
        d += timedelta(days=1)


def add_interval(d: date, n: int, unit: str) -> date:
    """``d`` plus the interval: for working days, the day after a period of ``n`` working days
    starting on ``d`` (a vote after a five-working-day notice comes the day after it ends)."""
    if n <= 0:
        return d
    if unit == MONTHS:
        return add_months(d, n)
    if unit == WORKING_DAYS:
        return working_period_end(d, n) + timedelta(days=1)
    return d + timedelta(days=n)


def interval_label(n: int, unit: str) -> str:
    if unit == MONTHS:
        years, months = divmod(n, 12)
        if years and months:
            return _("%(y)d年%(m)d个月") % {"y": years, "m": months}
        if years:
            return _("%(n)d年") % {"n": years}
        return _("%(n)d个月") % {"n": n}
    if unit == WORKING_DAYS:
        return _("%(n)d个工作日") % {"n": n}
    return _("%(n)d天") % {"n": n}


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# ------------------------------------------------------------------------ the plan
@dataclass(frozen=True)
class Due:
    rule: Rule
    allowed_from: date | None  # None: not yet known (what it counts from is not taken)
    due_on: date | None  # None: no deadline
    overdue: bool = False


@dataclass
class Plan:
    """Where a case stands: the next step of the sequence (None when every step is done), the
    recurring assessments due, the steps a cadre may record now, the soonest deadline."""

    next: Due | None
    recurring: list = field(default_factory=list)
    allowed: list = field(default_factory=list)  # rules that may be recorded today
    finished: bool = False

    @property
    def soonest(self) -> Due | None:
        dues = [d for d in [self.next, *self.recurring] if d is not None and d.due_on is not None]
        return min(dues, key=lambda d: d.due_on) if dues else None


def _by_code(rules) -> dict:
    return {r.code: r for r in rules}


def _dates(taken) -> dict:
    """code → its dates, oldest first."""
    out: dict = {}
    for t in sorted(taken, key=lambda t: t.on):
        out.setdefault(t.code, []).append(t.on)
    return out


def _shift(rule: Rule, extension_months: int) -> int:
    return extension_months if rule.after_probation else 0


def window(rule: Rule, dates: dict, *, extension_months: int = 0) -> tuple[date | None, date | None]:
    """``(earliest, due)`` of ``rule`` from what it counts from (``dates``: code → dates);
    ``(None, None)`` when that step is not taken yet."""
    if not rule.counts_from:
        return None, None
    anchor = dates.get(rule.counts_from)
    if not anchor:
        return None, None
    start = anchor[-1]
    shift = _shift(rule, extension_months)
    earliest = add_interval(start, rule.min_interval, rule.min_unit) if rule.min_interval else start
    if shift and rule.min_interval:
        earliest = add_months(earliest, shift)
    due = None
    if rule.deadline:
        due = add_interval(start, rule.deadline, rule.deadline_unit)
        if shift:
            due = add_months(due, shift)
    return earliest, due


def _sequence(rules) -> list[Rule]:
    return sorted((r for r in rules if not r.recurring), key=lambda r: r.order)


def _recurring_active(rule: Rule, rules, dates) -> bool:
    """A recurring step runs from what it counts from until the next stage-entering step
    after it is taken (activists are assessed until they become 发展对象)."""
    if rule.counts_from not in dates:
        return False
    ends = [r for r in _sequence(rules) if r.order > rule.order and r.enters_stage]
    return not (ends and ends[0].code in dates)


def plan(rules, taken, today: date, *, extension_months: int = 0) -> Plan:
    rules = list(rules)
    dates = _dates(taken)
    sequence = _sequence(rules)
    pending = [r for r in sequence if r.code not in dates]
    nxt = None
    allowed = []
    if pending:
        rule = pending[0]
        earliest, due = window(rule, dates, extension_months=extension_months)
        nxt = Due(rule, earliest, due, overdue=due is not None and due < today)
        if earliest is None or earliest <= today:
            allowed.append(rule)
    recurring = []
    for rule in sorted((r for r in rules if r.recurring), key=lambda r: r.order):
        if not _recurring_active(rule, rules, dates):
            continue
        last = max([*dates.get(rule.code, []), dates[rule.counts_from][-1]])
        due = add_months(last, rule.repeat_months)
        recurring.append(Due(rule, dates[rule.counts_from][-1], due, overdue=due < today))
        allowed.append(rule)
    return Plan(next=nxt, recurring=recurring, allowed=allowed, finished=not pending)


# ------------------------------------------------------------------------ checking
def check_step(rules, taken, code: str, on: date, today: date, *, extension_months: int = 0) -> Rule:
    """The rule of step ``code`` if it may be recorded on ``on``; else ``StepRefused`` with the
    rule it breaks (order, the minimum interval and its clause, a date in the future)."""
    rules = list(rules)
    by_code = _by_code(rules)
    rule = by_code.get(code)
    if rule is None:
        raise StepRefused(_("规则中没有这个环节。"))
    dates = _dates(taken)
    if on > today:
        raise StepRefused(_("“%(step)s”的日期不能晚于今天。") % {"step": rule.name}, rule=rule)
    if not rule.recurring:
        if code in dates:
            raise StepRefused(
                _("“%(step)s”已于%(on)s办理，不能重复登记。") % {"step": rule.name, "on": cn_date(dates[code][-1])}, rule=rule
            )
        missing = [r for r in _sequence(rules) if r.order < rule.order and r.code not in dates]
        if missing:
            raise StepRefused(
                _("须先完成“%(before)s”，才能办理“%(step)s”（%(clause)s）。")
                % {"before": missing[0].name, "step": rule.name, "clause": rule.clause or _("发展党员工作程序")},
                rule=rule,
            )
    elif not _recurring_active(rule, rules, dates):
        anchor = by_code.get(rule.counts_from)
        raise StepRefused(
            _("“%(step)s”只在“%(anchor)s”之后、进入下一阶段之前登记。")
            % {"step": rule.name, "anchor": anchor.name if anchor else rule.counts_from},
            rule=rule,
        )
    earlier = [t for r in _sequence(rules) if r.order < rule.order for t in dates.get(r.code, [])]
    if earlier and on < max(earlier):
        latest = max(earlier)
        before = next(r for r in _sequence(rules) if latest in dates.get(r.code, []))
        raise StepRefused(
            _("“%(step)s”的日期（%(on)s）不能早于上一环节“%(before)s”的日期（%(then)s）。")
            % {"step": rule.name, "on": cn_date(on), "before": before.name, "then": cn_date(latest)},
            rule=rule,
        )
    earliest, _due = window(rule, dates, extension_months=extension_months)
    if earliest is not None and on < earliest and rule.min_interval:
        anchor = by_code[rule.counts_from]
        raise StepRefused(
            _("“%(step)s”最早可于%(earliest)s办理：须在“%(anchor)s”（%(then)s）之后满%(interval)s（%(clause)s）。")
            % {
                "step": rule.name, "earliest": cn_date(earliest), "anchor": anchor.name,
                "then": cn_date(dates[rule.counts_from][-1]),
                "interval": interval_label(rule.min_interval + (_shift(rule, extension_months) if rule.min_unit == MONTHS else 0),
                                           rule.min_unit),
                "clause": rule.clause,
            },
            rule=rule,
        )
    return rule


def check_people(rule: Rule, people: list[tuple[str, bool]]) -> None:
    """培养联系人 1–2 and 入党介绍人 exactly 2, all full members (``people``: name, is full)."""
    if not rule.max_people:
        return
    n = len(people)
    if rule.min_people == rule.max_people and n != rule.min_people:
        raise StepRefused(
            _("“%(step)s”须有%(n)d名人员（现为%(got)d名）（%(clause)s）。")
            % {"step": rule.name, "n": rule.min_people, "got": n, "clause": rule.clause}, rule=rule)
    if not rule.min_people <= n <= rule.max_people:
        raise StepRefused(
            _("“%(step)s”须有%(lo)d至%(hi)d名人员（现为%(got)d名）（%(clause)s）。")
            % {"step": rule.name, "lo": rule.min_people, "hi": rule.max_people, "got": n, "clause": rule.clause}, rule=rule)
    probationary = [name for name, full in people if not full]
    if probationary:
        raise StepRefused(
            _("“%(step)s”只能由正式党员担任，%(names)s不是正式党员（%(clause)s）。")
            % {"step": rule.name, "names": "、".join(probationary), "clause": rule.clause}, rule=rule)


def check_hours(rule: Rule, hours) -> None:
    if rule.min_hours and (hours is None or hours < rule.min_hours):
        raise StepRefused(
            _("集中培训时间一般不少于3天或%(n)d个学时（%(clause)s），本次登记为%(got)s学时。")
            % {"n": rule.min_hours, "clause": rule.clause, "got": hours if hours is not None else 0}, rule=rule)


def check_age(birth: date | None, on: date, min_age: int) -> None:
    if birth is None:
        raise StepRefused(_("请填写申请人的出生日期（须年满%(n)d岁）。") % {"n": min_age})
    if age_on(birth, on) < min_age:
        raise StepRefused(
            _("申请入党须年满%(n)d岁（党章第一条、细则第五条）：申请人于%(on)s时未满%(n)d岁。")
            % {"n": min_age, "on": cn_date(on)})


@dataclass(frozen=True)
class Ballot:
    yes: int
    no: int
    abstain: int
    written: int = 0  # written opinions of absent members, counted among the above


def check_vote(ballot: Ballot, *, expected: int, present: int, quorum_met: bool, clause: str = "细则第二十二条") -> None:
    """支部大会: it must have met its quorum (more than half of the full members entitled to
    vote present) and "yes" (written opinions counted) must exceed half of those entitled."""
    if min(ballot.yes, ballot.no, ballot.abstain, ballot.written) < 0:
        raise StepRefused(_("票数不能为负数。"))
    cast = ballot.yes + ballot.no + ballot.abstain
    if cast > expected:
        raise StepRefused(
            _("表决票数（%(cast)d）超过有表决权的正式党员人数（%(n)d人）。") % {"cast": cast, "n": expected})
    if ballot.written > max(0, expected - present) or ballot.written > cast:
        raise StepRefused(_("书面意见只能来自因故未到会的有表决权的正式党员，且须计入表决票数。"))
    if not quorum_met:
        raise StepRefused(
            _("该支部党员大会到会的有表决权的正式党员未超过应到人数的半数（应到%(n)d人，实到%(p)d人），不能进行表决（%(clause)s）。")
            % {"n": expected, "p": present, "clause": clause})
    if ballot.yes * 2 <= expected:
        raise StepRefused(
            _("赞成票（%(yes)d票，含书面意见）未超过应到会有表决权的正式党员（%(n)d人）的半数，决议未通过（%(clause)s）。")
            % {"yes": ballot.yes, "n": expected, "clause": clause})


def probation_end(vote_on: date, extension_months: int = 0) -> date:
    """预备期满: one year from the 支部大会 that admitted the member, plus an extension."""
    return add_months(vote_on, 12 + extension_months)
