"""Reads for rubrics, scores and scoring runs, and who may do what with them.

Roles
    Reading scores and rankings: 系统管理员, 区委组织部, 街道党工委, 社区 (over the
    subjects in their subtree: ``Score.objects.visible_to``).  Starting a scoring run:
    区委组织部 and 系统管理员 (a run scores the whole deployment).  Manual points:
    区委组织部, 街道党工委 and 系统管理员 covering the subject.

Every list is one query a page (joins, no per-row queries); groupings are done in SQL.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date

from django.db.models import Count, Q
from django.http import Http404

from assessments.scoring import periods, permissions
from assessments.scoring.choices import IndicatorSource, RunState, SubjectKind
from assessments.scoring.models import Indicator, Rubric, Score, ScoreLine, ScoringRun
from organizations.areas.models import Area
from organizations.orgs.models import PartyOrg


# --------------------------------------------------------------------------- rubrics
def rubrics():
    """Every rubric version, newest versions first within a code."""
    return Rubric.objects.order_by("code", "-version")


def active_rubrics():
    return Rubric.objects.filter(is_active=True).order_by("code", "-version")


def default_rubric() -> Rubric | None:
    """The rubric of the most recently finished run, else the first active rubric."""
    run = ScoringRun.objects.filter(state=RunState.DONE, rubric__is_active=True).select_related("rubric").order_by("-finished_at", "-pk").first()
    return run.rubric if run is not None else active_rubrics().first()


def rubric_in_force(code: str, on: date) -> Rubric | None:
    """The newest active version of ``code`` effective on ``on`` (a period's start)."""
    return Rubric.objects.filter(code=code, is_active=True, effective_from__lte=on).order_by("-version").first()


def rubrics_in_force(on: date) -> list[Rubric]:
    """For every rubric code, the version in force on ``on`` (one query)."""
    chosen: dict[str, Rubric] = {}
    for rubric in Rubric.objects.filter(is_active=True, effective_from__lte=on).order_by("code", "-version"):
        chosen.setdefault(rubric.code, rubric)
    return list(chosen.values())


def subject_label(rubric) -> str:
    if rubric.subject_kind == SubjectKind.ORG:
        return rubric.get_org_category_display()
    return rubric.get_area_level_display()


# ---------------------------------------------------------------------------- scores
def scores_for(user):
    return Score.objects.visible_to(user)


def parent_area_for(user, pk):
    """The area whose children a ranking may be narrowed to (``?parent=``): one the user sees,
    or the parent area of a score the user sees — a community cadre's ranking names the
    street above it (the 上级区域 column), whose link must not answer 404.  Any other area,
    missing or out of scope alike, is ``None``.  One query."""
    return (Area.objects.filter(pk=pk)
            .filter(Q(pk__in=Area.objects.visible_to(user).filter(pk=pk).values("pk"))
                    | Q(pk__in=scores_for(user).filter(parent_area_id=pk).values("parent_area_id")))
            .first())


def score_rows(qs):
    """Scores with what a table shows (area, organization, parent, rubric): one query."""
    return qs.select_related("area", "org", "parent_area", "rubric")


def ranking(user, rubric, period_key: str, *, parent: Area | None = None, q: str = ""):
    """The scores of ``rubric`` for a period visible to the user, best first (ties by
    name); with ``parent`` only that area's children (siblings)."""
    qs = scores_for(user).filter(rubric=rubric, period_key=period_key)
    if parent is not None:
        qs = qs.filter(parent_area=parent)
    if q:
        qs = qs.filter(Q(area__name__icontains=q) | Q(org__name__icontains=q))
    return score_rows(qs).order_by("-total", "area__name", "subject_id")


def star_distribution(qs) -> list[tuple[int, int]]:
    """``[(stars, count)]`` for 5★ down to 1★ (one grouped query)."""
    counts = dict(qs.order_by().values_list("stars").annotate(n=Count("pk")).values_list("stars", "n"))
    return [(s, counts.get(s, 0)) for s in range(5, 0, -1)]


def score_or_404(user, pk):
    score = score_rows(scores_for(user)).filter(pk=pk).first()
    if score is None:
        raise Http404
    return score


def score_groups(score) -> list[dict]:
    """The score's lines grouped by the indicators' groups, in the rubric's order (one query)."""
    lines = ScoreLine.objects.filter(score=score).select_related("indicator").order_by("indicator__sort_order", "indicator_id")
    groups: OrderedDict[str, dict] = OrderedDict()
    for line in lines:
        name = line.indicator.group or "—"
        group = groups.setdefault(name, {"name": name, "lines": [], "points": 0, "max_points": 0})
        group["lines"].append(line)
        group["points"] += line.points
        group["max_points"] += line.max_points
    return list(groups.values())


def history(user, score):
    """The same subject under every version of the same rubric code, by period (one query)."""
    return (
        scores_for(user).filter(rubric__code=score.rubric.code, subject_id=score.subject_id)
        .select_related("rubric").order_by("-period_key")
    )


def suggested_period(rubric, today: date) -> str:
    """The period a new run of ``rubric`` is pre-filled with: the latest one that is over,
    of a kind the rubric takes (a rubric of quarters and years never gets a month)."""
    period = periods.latest_complete_of(periods.parse_kinds(rubric.period_kinds), today)
    return period.key if period else ""


def periods_scored(rubric) -> list[str]:
    """Period keys with a finished run of ``rubric``, newest first."""
    keys = ScoringRun.objects.filter(rubric=rubric, state=RunState.DONE).values_list("period_key", flat=True)
    return sorted(keys, key=_period_sort_key, reverse=True)


def _period_sort_key(key: str):
    try:
        p = periods.parse(key)
    except periods.PeriodKeyError:
        return (date.min, date.min)
    return (p.end, p.start)


# ------------------------------------------------------------------------------ runs
def runs():
    return ScoringRun.objects.select_related("rubric", "started_by").order_by("-created_at", "-pk")


def failed_runs(user):
    """Scoring runs that failed (``runs?state=failed``), for the roles that may start runs."""
    if not permissions.can_start_runs(user):
        return ScoringRun.objects.none()
    return runs().filter(state=RunState.FAILED)


def run_or_404(pk):
    run = runs().filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def progress_percent(run) -> int:
    if run.state == RunState.DONE:
        return 100
    if not run.total_steps:
        return 0
    return min(100, round(run.done_steps * 100 / run.total_steps))


# ---------------------------------------------------------------------- manual scores
def manual_indicators():
    return (
        Indicator.objects.filter(source=IndicatorSource.MANUAL, rubric__is_active=True)
        .select_related("rubric").order_by("rubric__code", "-rubric__version", "sort_order")
    )


def visible_subject_or_404(user, rubric, subject_id):
    """The subject if it exists and the user can see it; 404 otherwise."""
    if rubric.subject_kind == SubjectKind.ORG:
        subject = PartyOrg.objects.visible_to(user).select_related("area").filter(pk=subject_id, category=rubric.org_category).first()
    else:
        subject = Area.objects.visible_to(user).filter(pk=subject_id, level=rubric.area_level).first()
    if subject is None:
        raise Http404
    return subject
