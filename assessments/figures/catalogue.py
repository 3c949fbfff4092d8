"""The catalogue of computed figures: ONE list that rubric indicators, checklist items and
one-table reports pick from, so the same fact is computed once and reported everywhere.

A figure has a code, a name, its definition (a sentence a cadre can check by hand), the
records it is computed from (``source`` in words, ``basis`` as model labels), its unit, the
levels it applies to (areas of a level, or party organizations) and its kind (count, sum,
ratio, average).  ``compute(figure, subjects, period)`` returns each subject's value with
the counts behind it and a link to the records list, in a constant number of queries (the
figure's source in ``assessments.figures.sources``: one or two grouped queries, folded onto
the subjects).

The catalogue refuses (``CatalogueError`` at registration, so a bad figure never reaches a
page) any figure built on logins, clicks, likes, page views or time online — the 2024
rules against 以"点击量""在线时长"排名 (DOMAIN: "no scores built on logins or likes"): a
figure's basis may not name a model of sign-ins, sessions or access logs, and its measure
may not be one of those words.  Values a cadre types are not figures either: they are
fields of a report (``assessments.reports``), typed once and reused.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.utils.translation import gettext_lazy as _

from assessments.figures import sources
from assessments.figures.choices import (
    COUNT_ACTIVITIES,
    COUNT_MEMBERS,
    MONTHS_ACTIVITIES,
    FigureLevel,
    Measure,
)
from assessments.figures.links import Links
from assessments.scoring import metrics
from assessments.scoring.choices import IndicatorSource
from organizations.areas.choices import AreaLevel

# What no figure may be built on: records of signing in, sessions, page views and access logs…
FORBIDDEN_BASIS = frozenset({
    "accounts.LoginAttempt", "accounts.LoginCounter", "accounts.AccountState", "accounts.ApiToken",
    "sessions.Session", "admin.LogEntry", "dangjian.AuditEvent", "members.PersonalDataAccess",
    "otp_totp.TOTPDevice", "auth.User",
})
# …and what no figure may count, whatever its records.
FORBIDDEN_MEASURES = frozenset({
    "login", "logins", "click", "clicks", "like", "likes", "view", "views", "page_views", "visits",
    "time_online", "online_time", "online_minutes", "sessions", "shares", "downloads", "active_days",
})

AREA_LEVELS = {
    FigureLevel.DISTRICT: AreaLevel.DISTRICT, FigureLevel.STREET: AreaLevel.STREET,
    FigureLevel.COMMUNITY: AreaLevel.COMMUNITY, FigureLevel.COMPOUND: AreaLevel.COMPOUND,
}
ALL_AREAS = (FigureLevel.DISTRICT, FigureLevel.STREET, FigureLevel.COMMUNITY)
ANYWHERE = (*ALL_AREAS, FigureLevel.COMPOUND, FigureLevel.ORG)


class CatalogueError(ValueError):
    """A figure the catalogue refuses (a click-based one, a duplicate code, no records)."""


@dataclass(frozen=True)
class Figure:
    code: str
    name: str
    definition: str
    source_text: str                      # the records, in words
    basis: tuple[str, ...]                # the records, as model labels ("life.Activity")
    source: str                           # the key of its computation in sources.FIGURES
    measure: str = Measure.RATIO
    unit: str = "%"
    levels: tuple[str, ...] = ANYWHERE
    params: dict = field(default_factory=dict)
    counts: str = ""                      # what it counts, a word (checked against FORBIDDEN_MEASURES)
    part: str = ""                        # ratio: the key of the part and of the whole in the counts
    whole: str = ""
    # parameters a user sets when binding the figure (a checklist item): ``("type",)`` an
    # activity type's code; the fixed ``params`` above cannot be changed
    free_params: tuple[str, ...] = ()

    def applies_to(self, level: str) -> bool:
        return level in self.levels

    @property
    def binding(self):
        """What the sources and the links read of an indicator: its source and parameters."""
        return SimpleNamespace(source=self.source, params=dict(self.params), pk=None)


@dataclass(frozen=True)
class FigureValue:
    """A subject's value of a figure: ``value`` (a Decimal ratio 0..1, a count or a sum; None
    when there was nothing to measure), ``text`` ("18/20 = 90.0%", "12 次"), the counts behind
    it and the link to the records."""

    value: Decimal | int | None
    text: str
    part: Decimal | int | None = None
    whole: Decimal | int | None = None
    counts: dict = field(default_factory=dict)
    url: str | None = None

    @property
    def display(self) -> str:
        return self.text


CATALOGUE: dict[str, Figure] = {}


def register(figure: Figure) -> Figure:
    """Add ``figure`` to the catalogue, or refuse it with ``CatalogueError``."""
    if figure.code in CATALOGUE:
        raise CatalogueError(f"指标代码重复：{figure.code}")
    if not figure.basis:
        raise CatalogueError(f"指标“{figure.name}”没有说明依据的业务记录")
    refused = sorted(set(figure.basis) & FORBIDDEN_BASIS)
    words = {figure.counts.lower(), figure.part.lower(), figure.whole.lower(), *(str(k).lower() for k in figure.params)}
    if refused or words & FORBIDDEN_MEASURES:
        raise CatalogueError(
            f"指标“{figure.name}”基于登录、点击、点赞或在线时长（{', '.join(refused or sorted(words & FORBIDDEN_MEASURES))}），"
            "不得作为考核或报表指标：指标只能由工作记录计算"
        )
    if figure.source not in sources.FIGURES:
        raise CatalogueError(f"指标“{figure.name}”的数据来源 {figure.source} 不存在")
    if figure.measure == Measure.RATIO and not (figure.part and figure.whole) and figure.source not in SPECIAL_RATIOS:
        raise CatalogueError(f"比率指标“{figure.name}”须说明分子和分母")
    CATALOGUE[figure.code] = figure
    return figure


def get(code: str) -> Figure:
    try:
        return CATALOGUE[code]
    except KeyError:
        raise CatalogueError(f"指标库中没有指标 {code}") from None


def with_params(figure: Figure, params: dict | None) -> Figure:
    """``figure`` with the user's values of its ``free_params`` (others are ignored)."""
    chosen = {k: v for k, v in (params or {}).items() if k in figure.free_params and v not in (None, "")}
    return replace(figure, params={**figure.params, **chosen}) if chosen else figure


def figures_for(level: str) -> list[Figure]:
    return [f for f in CATALOGUE.values() if f.applies_to(level)]


def for_indicator(indicator) -> Figure | None:
    """The catalogue's figure of a rubric indicator (same source and parameters), None for a
    manual indicator."""
    if indicator.source == IndicatorSource.MANUAL:
        return None
    params = {k: v for k, v in (indicator.params or {}).items() if k in ("measure", "type")}
    # a rubric scores a rate: the plain counts and sums read from the same source are not it
    scored = [f for f in CATALOGUE.values() if f.source == indicator.source and f.measure not in (Measure.COUNT, Measure.SUM)]
    return next((f for f in scored if f.params == params), None) or next((f for f in scored if not f.params), None)


# ----------------------------------------------------------------------- computing
def compute(figure: Figure, subjects, period) -> dict[int, FigureValue]:
    """Every subject's value of ``figure`` over ``period`` (``assessments.scoring.periods``)."""
    binding = figure.binding
    raw = sources.FIGURES[figure.source](subjects, period, binding)
    link = Links(subjects, period, binding)
    out = {}
    for subject_id in subjects.ids:
        counts = raw.get(subject_id, {})
        value = read(figure, counts, period)
        out[subject_id] = FigureValue(value.value, value.text, value.part, value.whole, _plain(counts), link(subject_id))
    return out


def _plain(counts: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in counts.items()}


def read(figure: Figure, counts: dict, period) -> FigureValue:
    """A figure's value from the counts of one subject (pure)."""
    nothing = str(_("无相关记录"))
    if figure.measure in (Measure.COUNT, Measure.SUM):
        n = counts.get(figure.part or "count", 0) or 0
        return FigureValue(n, f"{_num(n)} {figure.unit}".strip())
    if figure.measure == Measure.AVERAGE:
        hours, members = Decimal(counts.get("hours", 0) or 0), int(counts.get("members", 0) or 0)
        if not members:
            return FigureValue(None, nothing)
        average = (hours / members).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return FigureValue(average, f"{_num(average)} {figure.unit}（{members} 人共 {_num(hours)} {figure.unit}）", hours, members)
    if figure.part and figure.whole:
        part, whole = counts.get(figure.part, 0) or 0, counts.get(figure.whole, 0) or 0
        ratio = metrics.ratio_of(part, whole)
        if ratio is None:
            return FigureValue(None, nothing, part, whole)
        return FigureValue(ratio, f"{_num(part)}/{_num(whole)} = {metrics.pct(ratio)}", part, whole)
    # a composite ratio (三率, satisfaction, dues): the scoring formula's value and its explanation
    m = metrics.measure(figure.source, counts, Decimal(100), figure.params, months=period.months)
    if m.value is None:
        return FigureValue(None, nothing)
    text = m.explanation.rsplit("，得 ", 1)[0]
    return FigureValue(m.value, text.split("：", 1)[1] if "：" in text else text)


def _num(x) -> str:
    if isinstance(x, Decimal):
        q = x.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return str(q.quantize(Decimal(1))) if q == q.to_integral_value() else str(q)
    return str(x)


def as_number(value: FigureValue, figure: Figure):
    """The value as a spreadsheet number: a ratio as a percentage (90.0), a count as is."""
    if value.value is None:
        return None
    if figure.measure == Measure.RATIO:
        return float((Decimal(value.value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return float(value.value) if isinstance(value.value, Decimal) else value.value


# ratios whose value ``assessments.scoring.metrics`` works out from several counts
SPECIAL_RATIOS = frozenset({
    IndicatorSource.SERVICE_HOURS, IndicatorSource.WISH_SATISFACTION, IndicatorSource.REQUEST_RATES,
    IndicatorSource.WHISTLE_RATES, IndicatorSource.DUES_PAID,
})


# ----------------------------------------------------------------------- the figures
def _f(code, name, definition, source_text, basis, source, **kw):
    return register(Figure(code, str(name), str(definition), str(source_text), tuple(basis), source, **kw))


A = IndicatorSource
_f("life.compliance", _("组织生活合规率"),
   _("本期有“三会一课”等周期性制度要求的党组织中，没有逾期未开展活动的党组织所占比例（按组织生活制度的版本规则逐月判定）。"),
   _("组织生活活动记录"), ("life.Activity", "life.RuleSet"), A.ACTIVITY_COMPLIANCE, part="compliant", whole="assessed")
_f("life.activities", _("组织生活次数"),
   _("本期党组织（含下级组织）开展并登记的组织生活活动次数；可限定活动类型。"),
   _("组织生活活动记录"), ("life.Activity",), COUNT_ACTIVITIES, measure=Measure.COUNT, unit=str(_("次")), counts="activities",
   part="count", free_params=("type",))
_f("life.months_held", _("按月开展组织生活的月数"),
   _("本期（按北京时间的自然月）开展并登记了至少一次该类活动的月份数，例如“每月开展主题党日”：全年 12 个月中有活动的月数。"
     "党组织的月份为本级或任一下级组织在该月开展过活动（各月取并集，不累加次数）；区域为其中任一党组织开展过活动。"),
   _("组织生活活动记录"), ("life.Activity",), MONTHS_ACTIVITIES, measure=Measure.COUNT, unit=str(_("个月")), counts="months",
   part="months", free_params=("type",))
for _code, _name in (("theme_party_day", _("主题党日次数")), ("party_lecture", _("党课次数")),
                     ("branch_general_meeting", _("支部党员大会次数")), ("branch_committee_meeting", _("支委会次数")),
                     ("joint_meeting", _("联席会议次数")), ("residents_deliberation", _("居民议事会次数"))):
    _f(f"life.activities.{_code}", _name, _("本期党组织（含下级组织）开展并登记的该类活动次数。"),
       _("组织生活活动记录"), ("life.Activity",), COUNT_ACTIVITIES, measure=Measure.COUNT, unit=str(_("次")),
       params={"type": _code}, counts="activities", part="count")
_f("members.count", _("党员人数"),
   _("现有党员人数（已转出的不计）：党组织为其本级及下级组织的党员；区域为组织关系在该区域党组织的党员（党内统计口径）。"),
   _("党员名册"), ("members.Member",), COUNT_MEMBERS, measure=Measure.COUNT, unit=str(_("人")), counts="members", part="count")
_f("members.in_service", _("在职党员人数"), _("现有党员中的在职党员人数（口径同党员人数）。"),
   _("党员名册"), ("members.Member",), COUNT_MEMBERS, measure=Measure.COUNT, unit=str(_("人")), counts="members",
   part="in_service")
_f("members.residing", _("居住党员人数"),
   _("居住在该区域的现有党员人数（已转出的不计），与区域页和党员名册按居住地筛选的人数一致。"),
   _("党员名册"), ("members.Member",), COUNT_MEMBERS, measure=Measure.COUNT, unit=str(_("人")), counts="members",
   part="count", params={"by": "residence"}, levels=ALL_AREAS + (FigureLevel.COMPOUND,))
_f("reporting.rate", _("在职党员报到率"),
   _("在职党员中，本期内有向居住地社区报到且在有效期内记录的人数所占比例（双报到）。"),
   _("双报到记录"), ("checkins.MemberReport", "members.Member"), A.MEMBER_REPORTING, part="reported", whole="in_service")
_f("ledger.hours_average", _("人均服务时长"),
   _("本期党员志愿服务时长合计除以党员人数，与按期折算的年度目标（默认每人每年 50 小时）相比。"),
   _("志愿服务记录"), ("ledger.ServiceRecord", "members.Member"), A.SERVICE_HOURS, measure=Measure.AVERAGE, unit=str(_("小时")))
_f("ledger.hours_total", _("服务时长合计"), _("本期党员志愿服务记录的时长合计。"),
   _("志愿服务记录"), ("ledger.ServiceRecord",), A.SERVICE_HOURS, measure=Measure.SUM, unit=str(_("小时")),
   counts="hours", part="hours")
_f("wishes.fulfilment", _("微心愿完成率"), _("本期发布的微心愿（已取消的不计）中已完成的比例。"),
   _("微心愿记录"), ("wishes.Wish",), A.WISH_FULFILMENT, part="fulfilled", whole="due")
_f("wishes.published", _("微心愿发布数"), _("本期发布的微心愿数（已取消的不计）。"),
   _("微心愿记录"), ("wishes.Wish",), A.WISH_FULFILMENT, measure=Measure.COUNT, unit=str(_("个")), part="due")
_f("wishes.satisfaction", _("微心愿满意率"), _("本期评价的微心愿中满意的比例，基本满意按 0.9 计。"),
   _("微心愿评价"), ("wishes.Wish",), A.WISH_SATISFACTION)
_f("requests.rates", _("居民诉求三率"), _("本期居民诉求的响应率、解决率、满意率按权重综合。"),
   _("居民诉求记录"), ("requests.ServiceRequest",), A.REQUEST_RATES)
_f("requests.handled", _("居民诉求办结率"), _("本期提出的居民诉求（已取消的不计）中已办结的比例。"),
   _("居民诉求记录"), ("requests.ServiceRequest",), A.REQUEST_RATES, part="resolved", whole="total")
_f("whistles.rates", _("吹哨报到三率"), _("本期吹哨点名的部门和单位的响应率、解决率、满意率按权重综合。"),
   _("吹哨报到记录"), ("whistles.WhistleTarget",), A.WHISTLE_RATES)
_f("whistles.on_time", _("吹哨按时报到率"), _("本期吹哨点名的部门和单位中在报到时限内报到的比例。"),
   _("吹哨报到记录"), ("whistles.WhistleTarget",), A.WHISTLE_RATES, part="responded", whole="total")
_f("checklists.completion", _("清单完成率"), _("本年度责任清单、考核清单中到期事项已完成的比例。"),
   _("四张清单"), ("checklists.ChecklistItem",), A.CHECKLIST_COMPLETION, part="done", whole="total")
_f("checklists.closure", _("整改销号率"), _("本期列入问题清单的问题中已整改销号的比例。"),
   _("四张清单"), ("checklists.ChecklistItem",), A.RECTIFICATION_CLOSURE, part="closed", whole="problems")
for _measure, (_label, _part, _whole) in metrics.GRID_MEASURES.items():
    _f(f"grids.{_measure}", _label, _("现状（非期间数据）：") + str(_label) + _("，按网格和党组织设置计算；")
       + _("党组织按其所在区域（含下级区域）计算。"),
       _("网格与党组织设置"), ("grids.Grid", "grids.GridArea", "areas.Area", "orgs.PartyOrg"), A.GRID_COVERAGE,
       params={"measure": _measure}, part="part", whole="whole",
       levels=(ALL_AREAS + (FigureLevel.COMPOUND,) if _measure != "grids_with_branch" else ALL_AREAS) + (FigureLevel.ORG,))
_f("dues.paid", _("党费收缴率"), _("本期各月党员应交党费合计中已交纳的比例（元）。"),
   _("党费收缴台账"), ("dues.DuesPayment", "dues.DuesOrgMonth"), A.DUES_PAID)
_f("development.on_time", _("发展党员按期率"),
   _("期末尚在发展中的对象（未转正）中，没有逾期未办环节的比例（按发展党员工作细则的时限）。"),
   _("发展党员记录"), ("development.DevelopmentCase", "development.DevelopmentStep"), A.DEVELOPMENT_ON_TIME,
   part="on_time", whole="open", levels=ALL_AREAS + (FigureLevel.ORG,))
del _f, A
# 居民议事 (services.deliberation): on the residents' ratings and the decisions' outcome, never on supports
register(Figure("deliberation.satisfaction", str(_("居民议事满意率")),
                str(_("本期提议人和附议居民对已办结议题所作评价中“满意”和“基本满意”的比例（按评价条数计，附议不计入）。")),
                str(_("居民议事评价")), ("deliberation.TopicRating",), sources.DELIBERATION_TOPICS, part="good",
                whole="rated", levels=ALL_AREAS))
register(Figure("deliberation.settled", str(_("居民议事办结率")),
                str(_("本期立为议题的居民议事中，经议事会决定并已办结（含已评价）的比例。")),
                str(_("居民议事记录")), ("deliberation.Topic",), sources.DELIBERATION_TOPICS, part="settled",
                whole="accepted", levels=ALL_AREAS))
