"""Reads of the district dashboards: who may open which area's dashboard, and everything a
dashboard page (or its API twin, or an Excel export) shows, read from the rollup rows.

Nothing here aggregates raw records: the figures come from ``AreaRollup`` (refreshed by
``assessments.dashboard.rollups``) — the area's rows of every period (the trend), the rows of its
children and grandchildren for the chosen period (bar chart, sunburst) — and the weakest
ten units are the ten lowest scores of the period among the areas one level below, read
from ``Score`` through its ``(area, period_key)`` index, with their worst indicators (the
gaps) from their score lines.  Six queries once the area is known, whatever the size of
the tree.

Who may open a dashboard: the roster roles (系统管理员, 区委组织部, 街道, 社区, 网格) over the
area (the figures judge organizations).  Others who can see the area get a 403; an area
out of scope is a 404, as for a missing one.  Asking for a refresh: 区委组织部 or 系统管理员.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, FloatField, Q
from django.db.models.functions import Cast
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.dashboard.models import AreaRollup
from assessments.dashboard.permissions import can_view
from assessments.dashboard.rollups import SCORE_BUCKETS, current_period_key, parse_period
from assessments.scoring.models import Score, ScoreLine
from dangjian import trees
from dangjian.errors import PermissionDeniedError
from organizations.areas.models import Area

WEAKEST = 10
GAPS_SHOWN = 3
TREND_POINTS = 12

# Figures a user can pick for the children bar chart (and the columns of its export):
# (path in AreaRollup.figures, label, unit).
FIGURES = (
    ("members.total", gettext_lazy("党员数"), ""),
    ("orgs.total", gettext_lazy("党组织数"), ""),
    ("grids.coverage", gettext_lazy("网格覆盖率"), "%"),
    ("compliance.rate", gettext_lazy("组织生活合规率"), "%"),
    ("wishes.total", gettext_lazy("微心愿数"), ""),
    ("wishes.fulfilment_rate", gettext_lazy("微心愿完成率"), "%"),
    ("requests.total", gettext_lazy("居民诉求数"), ""),
    ("requests.overdue_open", gettext_lazy("逾期未办结诉求"), ""),
    ("requests.composite", gettext_lazy("诉求三率综合"), "%"),
    ("whistles.targets", gettext_lazy("吹哨报到单位次"), ""),
    ("whistles.composite", gettext_lazy("吹哨三率综合"), "%"),
    ("service.hours", gettext_lazy("服务时长（小时）"), ""),
    ("service.per_member", gettext_lazy("人均服务时长（小时）"), ""),
    ("reporting.rate", gettext_lazy("在职党员报到率"), "%"),
    ("scores.avg_pct", gettext_lazy("平均得分率"), "%"),
)
TREND_FIGURES = (
    "wishes.total", "requests.total", "whistles.targets", "service.hours", "compliance.rate", "requests.composite",
    "scores.avg_pct",
)
CHART_KEYS = ("children", "trend", "tree", "scores", "stars", "rates", "weakest")
BUCKET_LABELS = {"lt60": "60%以下", "60_70": "60%–70%", "70_80": "70%–80%", "80_90": "80%–90%", "ge90": "90%及以上"}


def visible_area_or_404(user, pk) -> Area:
    area = Area.objects.visible_to(user).filter(pk=pk).first()
    if area is None:
        raise Http404
    return area


def require_view(user, area) -> None:
    if not can_view(user, area):
        raise PermissionDeniedError(_("您的角色不能查看该区域的数据看板。"))


def top_area(user) -> Area | None:
    """The highest area whose dashboard the user may open (their granted subtree's root)."""
    from organizations.areas.selectors import top_areas_for

    for area in top_areas_for(user):
        if can_view(user, area):
            return area
    return None


# ---------------------------------------------------------------------------- figures
def figure(figures: dict | None, path: str):
    """``figure(f, "requests.composite")`` → the number, or None when missing."""
    node = figures or {}
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def figure_label(path: str) -> str:
    for key, label, unit in FIGURES:
        if key == path:
            return f"{label}（%）" if unit == "%" else str(label)
    return path


@dataclass
class Unit:
    """One child or grandchild area with its rollup figures (None: not computed yet)."""

    area: Area
    figures: dict | None
    parent_id: int | None = None


@dataclass
class WeakUnit:
    score: Score
    pct: float
    gaps: list = field(default_factory=list)  # [(indicator name, points lost, points, max points)]
    url: str | None = None

    @property
    def name(self) -> str:
        return self.score.org.name if self.score.org_id else self.score.area.name


@dataclass
class Dashboard:
    area: Area
    ancestors: list
    period_key: str
    periods: list  # [(key, label)] computed for the area, newest first
    rollup: AreaRollup | None
    children: list  # [Unit]
    grandchildren: list  # [Unit]
    trend: list  # [(key, label, figures)] oldest first
    weakest: list  # [WeakUnit]
    today: date | None = None
    defaulted: bool = False  # no period asked: the latest period with scores is shown

    @property
    def figures(self) -> dict | None:
        return self.rollup.figures if self.rollup else None

    @property
    def computed_at(self):
        return self.rollup.computed_at if self.rollup else None

    @property
    def period_label(self) -> str:
        """The period's label; a period not over says so ("2026年度（截至12月1日，未结束）"),
        up to the day its figures were taken."""
        return partial_period_label(self.period_key, self.today, self.figures)

    @property
    def partial(self) -> bool:
        return _is_partial(self.period_key, self.today)


def _is_partial(key: str, today) -> bool:
    try:
        p = parse_period(key)
    except ValueError:
        return False
    return p.has_started(today or timezone.localdate()) and not p.is_complete(today or timezone.localdate())


def partial_period_label(key: str, today=None, figures: dict | None = None) -> str:
    """``period_label`` of ``key``, with "（截至M月D日，未结束）" while the period runs (the
    day is the figures' ``as_of`` when given)."""
    try:
        p = parse_period(key)
    except ValueError:
        return key
    as_of = None
    raw = figure(figures, "period.as_of")
    if raw:
        try:
            as_of = date.fromisoformat(raw)
        except ValueError:
            as_of = None
    return p.label_on(today or timezone.localdate(), as_of)


def _latest_scored(own: dict) -> str | None:
    """The key of the latest period whose rollup counts scores (a year before its quarter
    and month ending the same day)."""
    scored = [k for k, r in own.items() if _valid_key(k) and figure(r.figures, "scores.count")]
    if not scored:
        return None
    return max(scored, key=lambda k: (parse_period(k).end, parse_period(k).months))


def _sort_key(key: str):
    p = parse_period(key)
    rank = {"year": 0, "quarter": 1, "month": 2}[p.kind]
    return (p.start, rank)


def _valid_key(raw) -> str | None:
    try:
        return parse_period(raw).key if raw else None
    except ValueError:
        return None


def score_url(score_pk) -> str | None:
    try:
        return reverse("scoring:score_detail", args=[score_pk])
    except NoReverseMatch:  # the scoring pages are not mounted
        return None


def weakest_units(area, period_key: str, limit: int = WEAKEST) -> list[WeakUnit]:
    """The ``limit`` lowest scores of the period among the units one level below ``area``
    (scores whose area is a child of it: 社区 under a street, 小区 and their branches under
    a community…), each with its worst indicators.  Two queries."""
    pct = Cast(F("total"), FloatField()) * 100.0 / Cast(F("max_total"), FloatField())
    scores = list(
        Score.objects.filter(area__parent_id=area.pk, period_key=period_key, max_total__gt=0)
        .annotate(pct=pct)
        .select_related("area", "org", "rubric")
        .order_by("pct", "total", "pk")[:limit]
    )
    if not scores:
        return []
    by_score: dict[int, list] = {s.pk: [] for s in scores}
    for line in ScoreLine.objects.filter(score_id__in=list(by_score), points__lt=F("max_points")).select_related("indicator"):
        by_score[line.score_id].append(line)
    out = []
    for s in scores:
        lines = sorted(by_score[s.pk], key=lambda ln: (-(ln.max_points - ln.points), ln.indicator.sort_order, ln.pk))
        gaps = [
            (ln.indicator.name, float(ln.max_points - ln.points), float(ln.points), float(ln.max_points))
            for ln in lines[:GAPS_SHOWN]
        ]
        out.append(WeakUnit(score=s, pct=round(s.pct, 2), gaps=gaps, url=score_url(s.pk)))
    return out


def build_dashboard(area, period_key: str | None = None, *, today=None) -> Dashboard:
    """Everything a dashboard shows for ``area`` (already checked visible): four queries
    plus two for the weakest units."""
    today = today or timezone.localdate()
    ancestors = list(area.get_ancestors())
    own = {r.period_key: r for r in AreaRollup.objects.filter(area=area)}
    keys = sorted((k for k in own if _valid_key(k)), key=_sort_key, reverse=True)
    wanted = _valid_key(period_key)
    defaulted = wanted is None
    if wanted is None:
        # by default the latest period with scores (a year without scores yet would show
        # "no scores" while other periods hold them), else the year to date
        current = current_period_key(today)
        years = [k for k in keys if parse_period(k).kind == "year"]
        wanted = _latest_scored(own) or (current if current in own or not keys else (years[0] if years else keys[0]))
    # children and grandchildren through the parent index, their rows through (area, period)
    below = Area.objects.filter(Q(parent_id=area.pk) | Q(parent_id__in=Area.objects.filter(parent_id=area.pk).values("pk")))
    rows = list(
        AreaRollup.objects.filter(period_key=wanted, area_id__in=below.values("pk"))
        .select_related("area")
        .order_by(*trees.preorder("area"))
    )
    children = [Unit(r.area, r.figures, r.area.parent_id) for r in rows if r.area.parent_id == area.pk]
    grandchildren = [Unit(r.area, r.figures, r.area.parent_id) for r in rows if r.area.parent_id != area.pk]
    months = [k for k in keys if parse_period(k).kind == "month"]
    trend_keys = months[:TREND_POINTS] or keys[:TREND_POINTS]
    trend = [(k, partial_period_label(k, today, own[k].figures), own[k].figures) for k in reversed(trend_keys)]
    return Dashboard(
        area=area, ancestors=ancestors, period_key=wanted, periods=[(k, partial_period_label(k, today)) for k in keys],
        rollup=own.get(wanted), children=children, grandchildren=grandchildren, trend=trend,
        weakest=weakest_units(area, wanted) if own.get(wanted) else [],
        today=today, defaulted=defaulted,
    )


# ---------------------------------------------------------------------- chart tables
def _table(key, title, columns, rows, **extra) -> dict:
    return {"key": key, "title": str(title), "columns": [str(c) for c in columns], "rows": rows, **extra}


def chart_tables(dash: Dashboard) -> dict:
    """The numbers of every chart as tables (``columns`` + ``rows``): rendered into the
    page as JSON for ``static/js/dashboard.js`` and written to Excel as they are."""
    f = dash.figures or {}
    charts = {}
    charts["children"] = _table(
        "children", _("下级区域对比"), [_("区域"), *[figure_label(k) for k, _l, _u in FIGURES]],
        [[u.area.name, *[figure(u.figures, k) for k, _l, _u in FIGURES]] for u in dash.children],
        figures=[{"key": k, "label": figure_label(k)} for k, _l, _u in FIGURES],
        ids=[u.area.pk for u in dash.children],
    )
    charts["trend"] = _table(
        "trend", _("趋势"), [_("周期"), *[figure_label(k) for k in TREND_FIGURES]],
        [[label, *[figure(fig, k) for k in TREND_FIGURES]] for _k, label, fig in dash.trend],
    )
    below: dict[int, list] = {}
    for u in dash.grandchildren:
        below.setdefault(u.parent_id, []).append(u)
    tree_rows = []
    for child in dash.children:
        for u in below.get(child.area.pk) or [None]:
            node = u or child
            tree_rows.append([
                child.area.name, u.area.name if u else "", figure(node.figures, "members.total"), figure(node.figures, "orgs.total"),
            ])
    charts["tree"] = _table("tree", _("党员分布（向下两级）"), [_("下级区域"), _("再下级区域"), _("党员数"), _("党组织数")], tree_rows)
    buckets = figure(f, "scores.buckets") or {}
    charts["scores"] = _table(
        "scores", _("得分率分布"), [_("得分率区间"), _("数量")],
        [[BUCKET_LABELS[k], buckets.get(k, 0)] for k, _lower in SCORE_BUCKETS],
    )
    stars = figure(f, "scores.stars") or {}
    charts["stars"] = _table(
        "stars", _("星级分布"), [_("星级"), _("数量")],
        [[_("%(n)s星") % {"n": n} if n else _("未评星"), stars.get(str(n), 0)] for n in (5, 4, 3, 2, 1, 0)],
    )
    rate_cols = ("response_rate", "resolution_rate", "satisfaction_rate", "composite")
    charts["rates"] = _table(
        "rates", _("三率"), [_("事项"), _("响应率（%）"), _("解决率（%）"), _("满意率（%）"), _("综合（%）")],
        [
            [_("居民诉求"), *[figure(f, f"requests.{c}") for c in rate_cols]],
            [_("吹哨报到"), *[figure(f, f"whistles.{c}") for c in rate_cols]],
        ],
    )
    charts["weakest"] = _table(
        "weakest", _("最弱的十个单位"),
        [_("单位"), _("所在区域"), _("考核细则"), _("得分"), _("满分"), _("得分率（%）"), _("星级"), _("主要失分指标")],
        [
            [
                w.name, w.score.area.name, w.score.rubric.name, float(w.score.total), float(w.score.max_total), w.pct,
                w.score.stars, "；".join(_("%(name)s 失%(lost)s分") % {"name": g[0], "lost": _num(g[1])} for g in w.gaps),
            ]
            for w in dash.weakest
        ],
        urls=[w.url for w in dash.weakest],
    )
    return charts


def _num(value) -> str:
    return f"{value:g}"


def summary_cards(dash: Dashboard, links: dict | None = None) -> list[dict]:
    """The headline numbers above the charts: ``{"label", "value", "unit", "note", "key",
    "url"}`` — ``url`` the list counting the same rows (``links``, by figure key), if any."""
    f = dash.figures or {}
    links = links or {}

    def card(label, path, unit="", note=""):
        return {"label": label, "value": figure(f, path), "unit": unit, "note": note, "key": path, "url": links.get(path)}

    return [
        card(_("党员"), "members.total", note=_("在职党员 %(n)s") % {"n": figure(f, "members.in_service") or 0}),
        card(_("党组织"), "orgs.total", note=_("小区党支部 %(n)s") % {"n": figure(f, "orgs.compound_branches") or 0}),
        card(_("网格覆盖率"), "grids.coverage", "%", _("网格 %(n)s 个") % {"n": figure(f, "grids.grids") or 0}),
        card(_("组织生活合规率"), "compliance.rate", "%",
             _("%(a)s / %(b)s 个组织") % {"a": figure(f, "compliance.compliant") or 0, "b": figure(f, "compliance.orgs") or 0}),
        card(_("微心愿"), "wishes.total", note=_("已完成 %(n)s") % {"n": figure(f, "wishes.fulfilled") or 0}),
        card(_("居民诉求"), "requests.total", note=_("逾期未办结 %(n)s") % {"n": figure(f, "requests.overdue_open") or 0}),
        card(_("吹哨报到（单位次）"), "whistles.targets", note=_("吹哨 %(w)s 件 · 已升级 %(n)s") % {
            "w": figure(f, "whistles.whistles") or 0, "n": figure(f, "whistles.escalated") or 0}),
        card(_("人均服务时长"), "service.per_member", _("小时"), _("合计 %(n)s 小时") % {"n": figure(f, "service.hours") or 0}),
        card(_("在职党员报到率"), "reporting.rate", "%",
             _("%(a)s / %(b)s 人") % {"a": figure(f, "reporting.reported") or 0, "b": figure(f, "reporting.in_service") or 0}),
        card(_("平均得分率"), "scores.avg_pct", "%", _("考核对象 %(n)s 个") % {"n": figure(f, "scores.count") or 0}),
    ]
