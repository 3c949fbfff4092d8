"""Indicator formulas: plain counts in, a ratio and points out, with a Chinese explanation.

Pure functions (no database).  The scoring engine (``assessments.scoring``) counts the
records of a period set-based and hands every subject's counts to ``measure(...)``, which
returns a :class:`Measure`:

``value``        the ratio 0..1 (Decimal, 4 places) — None when there was nothing to measure;
``points``       ``value × max_points``, Decimal rounded half-up to 2 places;
``explanation``  one line a reviewer can check by hand, e.g.
                 "组织生活合规率 18/20 = 90.0%，得 9.00/10 分";
``evidence``     the counts that produced it (JSON-safe), for the score's detail page.

The counts each source expects (``figures``):

* ``activity_compliance``: ``compliant``, ``assessed`` — organizations with nothing overdue
  in the period / organizations some periodic rule applies to;
* ``member_reporting``: ``reported``, ``in_service`` — in-service members with a report
  valid in the period / in-service members;
* ``service_hours``: ``hours``, ``members`` — the average per member against the annual
  target pro-rated to the period (``params["target_hours"]``, default 50 a year, Xingtai);
  the ratio is capped at 1;
* ``wish_fulfilment``: ``fulfilled``, ``due`` — wishes published in the period that were fulfilled;
* ``wish_satisfaction``: ``satisfied``, ``basic``, ``unsatisfied`` — 基本满意 counts 0.9;
* ``request_rates`` / ``whistle_rates``: a ``services.whistles.rates.RateCounts`` worth of counts;
  the ratio is the weighted composite of 三率 (``params["weighting"]``, default the
  deployment's, see ``services.whistles.rates``);
* ``checklist_completion``: ``done``, ``total``; ``rectification_closure``: ``closed``, ``problems``;
* ``grid_coverage``: ``part``, ``whole`` of the measure named by ``params["measure"]``;
* ``dues_paid``: ``paid``, ``due`` — yuan paid / yuan due of the period's months (the dues ledger);
* ``development_on_time``: ``on_time``, ``open`` — open development cases with no step overdue at
  the end of the period / open cases;
* ``manual``: ``points`` (None when no reviewer scored it) and ``note``.

No data.  A subject with nothing to measure (no wishes, no requests, no in-service members
in the period) gets full points by default — "无相关记录，按满分计".  The choice is
deliberate: a quiet month is not a failure, and scoring the absence of records would
reward producing records for their own sake (过度留痕).  A rubric where absence *is* a
failure sets ``params["when_empty"] = "zero"`` — "无相关记录，不得分".  A manual indicator
nobody scored is always 0 ("未评分"): it is the reviewer's work that is missing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from assessments.scoring.choices import IndicatorSource
from services.whistles import rates

POINTS = Decimal("0.01")
RATIO = Decimal("0.0001")
ZERO = Decimal("0")
ONE = Decimal("1")
WHEN_EMPTY_FULL = "full"
WHEN_EMPTY_ZERO = "zero"
DEFAULT_TARGET_HOURS = Decimal("50")

# Names used in explanations (short, the words reviewers use).
LABELS = {
    IndicatorSource.ACTIVITY_COMPLIANCE: "组织生活合规率",
    IndicatorSource.MEMBER_REPORTING: "在职党员报到率",
    IndicatorSource.SERVICE_HOURS: "人均服务时长",
    IndicatorSource.WISH_FULFILMENT: "微心愿完成率",
    IndicatorSource.WISH_SATISFACTION: "微心愿满意率",
    IndicatorSource.REQUEST_RATES: "居民诉求三率",
    IndicatorSource.WHISTLE_RATES: "吹哨报到三率",
    IndicatorSource.CHECKLIST_COMPLETION: "清单完成率",
    IndicatorSource.RECTIFICATION_CLOSURE: "整改销号率",
    IndicatorSource.GRID_COVERAGE: "网格覆盖率",
    IndicatorSource.DUES_PAID: "党费收缴率",
    IndicatorSource.DEVELOPMENT_ON_TIME: "发展党员按期率",
    IndicatorSource.MANUAL: "评审人打分",
}

# grid_coverage measures: params["measure"] → (label, part key, whole key) of grids' coverage figures.
GRID_MEASURES = {
    "compounds_gridded": ("小区网格覆盖率", "compounds_gridded", "compounds"),
    "compounds_with_branch": ("小区党支部覆盖率", "compounds_with_branch", "compounds"),
    "buildings_with_group": ("楼栋党小组覆盖率", "buildings_with_group", "buildings"),
    "households_covered": ("党员中心户联系户覆盖率", "households_covered", "households"),
    "grids_with_branch": ("网格党支部覆盖率", "grids_with_branch", "grids"),
}
DEFAULT_GRID_MEASURE = "compounds_gridded"


@dataclass(frozen=True)
class Measure:
    value: Decimal | None
    points: Decimal
    max_points: Decimal
    explanation: str
    evidence: dict = field(default_factory=dict)


# ----------------------------------------------------------------------- arithmetic
def dec(x) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


def clamp_ratio(ratio) -> Decimal:
    ratio = dec(ratio)
    return min(ONE, max(ZERO, ratio)).quantize(RATIO, rounding=ROUND_HALF_UP)


def points_for(ratio, max_points) -> Decimal:
    """``ratio × max_points`` (ratio clamped to 0..1), half-up to 2 places."""
    return (clamp_ratio(ratio) * dec(max_points)).quantize(POINTS, rounding=ROUND_HALF_UP)


def ratio_of(part, whole) -> Decimal | None:
    if not whole:
        return None
    return clamp_ratio(Decimal(part) / Decimal(whole))


def pct(ratio) -> str:
    """``Decimal("0.9")`` → ``"90.0%"``."""
    return f"{(dec(ratio) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def fmt_points(x) -> str:
    return str(dec(x).quantize(POINTS, rounding=ROUND_HALF_UP))


def fmt_max(x) -> str:
    """Maximum points without trailing zeros: 10, 7.5."""
    x = dec(x).quantize(POINTS, rounding=ROUND_HALF_UP)
    return str(x.quantize(ONE)) if x == x.to_integral_value() else format(x.normalize(), "f")


def fmt_number(x, places=1) -> str:
    return str(dec(x).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _tail(points, max_points) -> str:
    return f"得 {fmt_points(points)}/{fmt_max(max_points)} 分"


def when_empty(params) -> str:
    value = (params or {}).get("when_empty", WHEN_EMPTY_FULL)
    return WHEN_EMPTY_ZERO if value == WHEN_EMPTY_ZERO else WHEN_EMPTY_FULL


def empty(label: str, max_points, params, evidence: dict) -> Measure:
    """The rule for a subject with nothing to measure (see the module docstring)."""
    max_points = dec(max_points)
    if when_empty(params) == WHEN_EMPTY_ZERO:
        points, rule = ZERO.quantize(POINTS), "无相关记录，不得分"
    else:
        points, rule = max_points.quantize(POINTS), "无相关记录，按满分计"
    return Measure(None, points, max_points, f"{label}：{rule}，{_tail(points, max_points)}", {**evidence, "empty": True})


def scored(ratio, max_points, text: str, evidence: dict) -> Measure:
    ratio = clamp_ratio(ratio)
    points = points_for(ratio, max_points)
    return Measure(ratio, points, dec(max_points), f"{text}，{_tail(points, max_points)}", evidence)


def ratio_measure(label: str, part: int, whole: int, max_points, params=None, **evidence) -> Measure:
    """``label part/whole = x%，得 p/max 分`` (the empty rule when ``whole`` is 0)."""
    counts = {"part": int(part or 0), "whole": int(whole or 0), **evidence}
    ratio = ratio_of(part or 0, whole)
    if ratio is None:
        return empty(label, max_points, params, counts)
    return scored(ratio, max_points, f"{label} {int(part)}/{int(whole)} = {pct(ratio)}", counts)


# ---------------------------------------------------------------------- the sources
def activity_compliance(figures, max_points, params=None) -> Measure:
    return ratio_measure(LABELS[IndicatorSource.ACTIVITY_COMPLIANCE], figures.get("compliant", 0), figures.get("assessed", 0),
                         max_points, params)


def member_reporting(figures, max_points, params=None) -> Measure:
    return ratio_measure(LABELS[IndicatorSource.MEMBER_REPORTING], figures.get("reported", 0), figures.get("in_service", 0),
                         max_points, params)


def target_hours(params, months: int) -> Decimal:
    """The annual target (``params["target_hours"]``, default 50) pro-rated to ``months``."""
    annual = dec((params or {}).get("target_hours", DEFAULT_TARGET_HOURS))
    return (annual * months / 12).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def service_hours(figures, max_points, params=None, *, months: int = 12) -> Measure:
    label = LABELS[IndicatorSource.SERVICE_HOURS]
    hours, members = dec(figures.get("hours", 0) or 0), int(figures.get("members", 0) or 0)
    target = target_hours(params, months)
    evidence = {"hours": fmt_number(hours), "members": members, "target_hours": fmt_number(target)}
    if not members or target <= 0:
        return empty(label, max_points, params, evidence)
    average = hours / members
    evidence["average"] = fmt_number(average)
    text = (f"{label} {fmt_number(average)} 小时（{members} 名党员共 {fmt_number(hours)} 小时，本期目标 {fmt_number(target)} 小时）"
            f"= {pct(clamp_ratio(average / target))}")
    return scored(average / target, max_points, text, evidence)


def wish_fulfilment(figures, max_points, params=None) -> Measure:
    return ratio_measure(LABELS[IndicatorSource.WISH_FULFILMENT], figures.get("fulfilled", 0), figures.get("due", 0),
                         max_points, params)


def wish_satisfaction(figures, max_points, params=None) -> Measure:
    label = LABELS[IndicatorSource.WISH_SATISFACTION]
    c = rates.RateCounts(satisfied=int(figures.get("satisfied", 0) or 0), basic=int(figures.get("basic", 0) or 0),
                         unsatisfied=int(figures.get("unsatisfied", 0) or 0))
    evidence = {"satisfied": c.satisfied, "basic": c.basic, "unsatisfied": c.unsatisfied}
    ratio = rates.satisfaction_rate(c)
    if ratio is None:
        return empty(label, max_points, params, evidence)
    text = (f"{label}：满意 {c.satisfied}、基本满意 {c.basic}、不满意 {c.unsatisfied}，"
            f"({c.satisfied} + 0.9×{c.basic})/{c.rated} = {pct(ratio)}")
    return scored(ratio, max_points, text, evidence)


def three_rates(label: str, figures, max_points, params=None) -> Measure:
    c = rates.RateCounts(**{k: int(figures.get(k, 0) or 0) for k in ("total", "responded", "resolved", "satisfied", "basic", "unsatisfied")})
    evidence = {"total": c.total, "responded": c.responded, "resolved": c.resolved,
                "satisfied": c.satisfied, "basic": c.basic, "unsatisfied": c.unsatisfied}
    weighting = (params or {}).get("weighting")
    composite = rates.composite_rate(c, weighting) if c.total else None
    if composite is None:
        return empty(label, max_points, params, evidence)
    satisfaction = rates.satisfaction_rate(c)
    sat_text = f"满意率 {pct(satisfaction)}（评价 {c.rated} 件）" if satisfaction is not None else "满意率 —（无评价）"
    text = (f"{label}：响应率 {pct(rates.response_rate(c))}（{c.responded}/{c.total}）、"
            f"解决率 {pct(rates.resolution_rate(c))}（{c.resolved}/{c.total}）、{sat_text}，综合 {pct(composite)}")
    evidence["weighting"] = weighting if isinstance(weighting, str) else rates.default_weighting()
    return scored(composite, max_points, text, evidence)


def request_rates(figures, max_points, params=None) -> Measure:
    return three_rates(LABELS[IndicatorSource.REQUEST_RATES], figures, max_points, params)


def whistle_rates(figures, max_points, params=None) -> Measure:
    return three_rates(LABELS[IndicatorSource.WHISTLE_RATES], figures, max_points, params)


def checklist_completion(figures, max_points, params=None) -> Measure:
    return ratio_measure(LABELS[IndicatorSource.CHECKLIST_COMPLETION], figures.get("done", 0), figures.get("total", 0),
                         max_points, params)


def rectification_closure(figures, max_points, params=None) -> Measure:
    return ratio_measure(LABELS[IndicatorSource.RECTIFICATION_CLOSURE], figures.get("closed", 0), figures.get("problems", 0),
                         max_points, params)


def dues_paid(figures, max_points, params=None) -> Measure:
    label = LABELS[IndicatorSource.DUES_PAID]
    paid, due = dec(figures.get("paid", 0) or 0), dec(figures.get("due", 0) or 0)
    evidence = {"paid": str(paid.quantize(POINTS)), "due": str(due.quantize(POINTS))}
    if due <= 0:
        return empty(label, max_points, params, evidence)
    ratio = paid / due
    return scored(ratio, max_points, f"{label} {evidence['paid']}/{evidence['due']} 元 = {pct(clamp_ratio(ratio))}", evidence)


def development_on_time(figures, max_points, params=None) -> Measure:
    return ratio_measure(LABELS[IndicatorSource.DEVELOPMENT_ON_TIME], figures.get("on_time", 0), figures.get("open", 0),
                         max_points, params)


def grid_measure(params) -> str:
    name = (params or {}).get("measure", DEFAULT_GRID_MEASURE)
    return name if name in GRID_MEASURES else DEFAULT_GRID_MEASURE


def grid_coverage(figures, max_points, params=None) -> Measure:
    name = grid_measure(params)
    label = GRID_MEASURES[name][0]
    return ratio_measure(label, figures.get("part", 0), figures.get("whole", 0), max_points, params, measure=name)


def manual(figures, max_points, params=None) -> Measure:
    """A reviewer's points, capped to 0..max; missing → 0 "未评分"."""
    label = LABELS[IndicatorSource.MANUAL]
    max_points = dec(max_points)
    raw = figures.get("points")
    if raw is None:
        points = ZERO.quantize(POINTS)
        return Measure(None, points, max_points, f"{label}：未评分，{_tail(points, max_points)}", {"scored": False})
    given = dec(raw)
    points = min(max_points, max(ZERO, given)).quantize(POINTS, rounding=ROUND_HALF_UP)
    ratio = clamp_ratio(points / max_points) if max_points else ZERO
    note = str(figures.get("note") or "").strip()
    text = f"{label} {fmt_points(points)}/{fmt_max(max_points)} 分"
    if points != given:
        text += f"（原打分 {fmt_points(given)}，按满分上限计）"
    if note:
        text += f"：{note}"
    evidence = {"scored": True, "points": fmt_points(given)}
    if figures.get("reviewer"):
        evidence["reviewer"] = str(figures["reviewer"])
    return Measure(ratio, points, max_points, text[:500], evidence)


FORMULAS = {
    IndicatorSource.ACTIVITY_COMPLIANCE: activity_compliance,
    IndicatorSource.MEMBER_REPORTING: member_reporting,
    IndicatorSource.WISH_FULFILMENT: wish_fulfilment,
    IndicatorSource.WISH_SATISFACTION: wish_satisfaction,
    IndicatorSource.REQUEST_RATES: request_rates,
    IndicatorSource.WHISTLE_RATES: whistle_rates,
    IndicatorSource.CHECKLIST_COMPLETION: checklist_completion,
    IndicatorSource.RECTIFICATION_CLOSURE: rectification_closure,
    IndicatorSource.GRID_COVERAGE: grid_coverage,
    IndicatorSource.DUES_PAID: dues_paid,
    IndicatorSource.DEVELOPMENT_ON_TIME: development_on_time,
    IndicatorSource.MANUAL: manual,
}


def measure(source: str, figures: dict, max_points, params=None, *, months: int = 12) -> Measure:
    """The indicator of ``source`` for one subject's ``figures`` over a period of ``months``."""
    if source == IndicatorSource.SERVICE_HOURS:
        return service_hours(figures, max_points, params, months=months)
    try:
        formula = FORMULAS[source]
    except KeyError:
        raise ValueError(f"unknown indicator source {source!r}") from None
    return formula(figures or {}, max_points, params)
