"""Writes for scoring: starting a run, a reviewer's manual points.

``scoring_run_start``
    区委组织部 (or 系统管理员) starts the scoring of a rubric for a period that is over
    (a period still running is refused: its scores would count part of its records).  The run is
    keyed by (rubric, period): starting again resets the same run to pending and queues
    it (after commit); a run that is computing right now is not started twice.
``scoring_runs_due``
    The system (the daily beat job) creates and queues the runs of the periods that have
    just completed, for the rubric version in force at each period's start; runs that
    exist already are left alone (a failed one is retried while it has attempts left).
``manual_score_set``
    A reviewer (区委组织部, 街道党工委 or 系统管理员 covering the subject) gives a manual
    indicator's points for one subject and period, with a note.  When the period is
    already scored, the subject's line, total, threshold stars and its siblings' ranks
    are brought up to date at once (quota stars wait for the next run: they depend on
    every subject of the district).

Out of scope → ``Http404``; in scope, role not allowed → ``PermissionDeniedError``; bad
input → ``ValidationError`` per field; a refused state change → ``TransitionError``.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.scoring import metrics, periods, stars
from assessments.scoring.choices import IndicatorSource, RunState, StarMethod, SubjectKind
from assessments.scoring.engine import is_stale, total_steps_for
from assessments.scoring.models import Indicator, ManualScore, Score, ScoreLine, ScoringRun
from assessments.scoring.permissions import MANUAL_ROLES, RUN_ROLES
from assessments.scoring.selectors import rubrics_in_force
from dangjian import jobs
from dangjian.audit import record
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.scoping import get_scope
from organizations.areas.models import Area
from organizations.orgs.models import PartyOrg

NOTE_MAX = 500
MAX_ATTEMPTS = 3


def _period_for(rubric, period_key, *, today: date, field="period_key"):
    try:
        period = periods.parse(period_key)
    except periods.PeriodKeyError as exc:
        raise ValidationError({field: str(exc)}) from None
    kinds = periods.parse_kinds(rubric.period_kinds)
    if period.kind not in kinds:
        allowed = "、".join(str(dict(zip(periods.KINDS, ("月度", "季度", "年度"), strict=True))[k]) for k in kinds) or "—"
        raise ValidationError({field: _("“%(rubric)s”按%(kinds)s考核，不能按此周期评分。") % {"rubric": rubric.name, "kinds": allowed}})
    if not period.has_started(today):
        raise ValidationError({field: _("%(period)s尚未开始，不能评分。") % {"period": period.label}})
    return period


def run_job_key(run_id: int) -> str:
    """The outbox's dedupe key of a run's job (``dangjian.jobs``)."""
    return f"scoring-run:{run_id}"


def _queue(run) -> None:
    """The run's job, written in this transaction and sent after the commit (an outbox: a
    broker that is down leaves it queued, and the sweeper sends it when it is back)."""
    from assessments.scoring.tasks import score_run_task

    jobs.enqueue(score_run_task, dedupe=run_job_key(run.pk), run_id=run.pk)


def _reset(run, *, actor, steps: int) -> None:
    run.state = RunState.PENDING
    run.done_steps = 0
    run.total_steps = steps
    run.error = ""
    run.started_by = actor if getattr(actor, "pk", None) else None
    run.started_at = None
    run.finished_at = None
    run.save(update_fields=["state", "done_steps", "total_steps", "error", "started_by", "started_at", "finished_at"])


def scoring_run_start(*, actor, rubric, period_key, today: date | None = None) -> ScoringRun:
    """Create or reset the run of (rubric, period) and queue it after commit."""
    scope = get_scope(actor)
    if not scope.has_role(*RUN_ROLES):
        raise PermissionDeniedError(_("只有区委组织部可以发起评分。"))
    if not rubric.is_active:
        raise ValidationError({"rubric": _("该考核细则已停用，不能评分。")})
    today = today or timezone.localdate()
    period = _period_for(rubric, period_key, today=today)
    if not period.is_complete(today):
        # a period still running would be scored on part of its records (stars far too low):
        # refused, the daily job scores it the day after it ends
        after = period.end + timedelta(days=1)
        raise ValidationError({"period_key": _("%(period)s尚未结束，不能评分：请在%(day)s及以后评分。") % {
            "period": period.label_on(today), "day": f"{after.year}年{after.month}月{after.day}日"}})
    steps = total_steps_for(Indicator.objects.filter(rubric=rubric).count())
    with transaction.atomic():
        run, _created = ScoringRun.objects.get_or_create(
            rubric=rubric, period_key=period.key,
            defaults=dict(period_kind=period.kind, period_start=period.start, period_end=period.end, total_steps=steps),
        )
        run = ScoringRun.objects.select_for_update().get(pk=run.pk)
        if run.state == RunState.RUNNING and not is_stale(run):
            raise TransitionError(
                _("%(rubric)s %(period)s 正在评分中（已完成 %(done)s/%(total)s 步），请等待完成后再试。") % {
                    "rubric": rubric.name, "period": period.label, "done": run.done_steps, "total": run.total_steps},
                code="running",
            )
        _reset(run, actor=actor, steps=steps)
        record(actor, "scoring.run_start", run, {"rubric": rubric.code, "version": rubric.version, "period": period.key})
        _queue(run)
    return run


def scoring_runs_due(*, today: date) -> list[ScoringRun]:
    """Create and queue the runs of the periods just completed (system, no actor)."""
    queued = []
    for period in periods.due_periods(today):
        for rubric in rubrics_in_force(period.start):
            if period.kind not in periods.parse_kinds(rubric.period_kinds):
                continue
            with transaction.atomic():
                run, created = ScoringRun.objects.get_or_create(
                    rubric=rubric, period_key=period.key,
                    defaults=dict(period_kind=period.kind, period_start=period.start, period_end=period.end),
                )
                run = ScoringRun.objects.select_for_update().get(pk=run.pk)
                retry = run.state == RunState.FAILED and run.attempts < MAX_ATTEMPTS
                if not (created or retry):
                    continue
                if created:
                    _reset(run, actor=None, steps=total_steps_for(Indicator.objects.filter(rubric=rubric).count()))
                else:  # a failed run resumes where it stopped
                    run.state = RunState.PENDING
                    run.save(update_fields=["state"])
                _queue(run)
                queued.append(run)
    return queued


# ---------------------------------------------------------------------- manual scores
def _clean_points(points, max_points) -> Decimal:
    try:
        value = Decimal(str(points)).quantize(metrics.POINTS)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"points": _("请输入分数。")}) from None
    if value < 0 or value > max_points:
        raise ValidationError({"points": _("分数应在 0 至 %(max)s 分之间。") % {"max": metrics.fmt_max(max_points)}})
    return value


def _check_subject(indicator, subject):
    rubric = indicator.rubric
    if rubric.subject_kind == SubjectKind.ORG:
        if not isinstance(subject, PartyOrg) or subject.category != rubric.org_category:
            raise ValidationError({"subject": _("“%(name)s”不是该考核细则的考核对象。") % {"name": subject}})
    elif not isinstance(subject, Area) or subject.level != rubric.area_level:
        raise ValidationError({"subject": _("“%(name)s”不是该考核细则的考核对象。") % {"name": subject}})


def manual_score_set(*, actor, indicator, subject, period_key, points, note, today: date | None = None) -> ManualScore:
    """Set a reviewer's points for a manual indicator (one subject, one period)."""
    scope = get_scope(actor)
    covers = scope.covers_org if isinstance(subject, PartyOrg) else scope.covers_area
    if not covers(subject):
        raise Http404
    if not covers(subject, MANUAL_ROLES):
        raise PermissionDeniedError(_("只有区委组织部或街道党工委可以评审打分。"))
    if indicator.source != IndicatorSource.MANUAL:
        raise ValidationError({"indicator": _("“%(name)s”由系统根据记录计算，不能人工打分。") % {"name": indicator.name}})
    _check_subject(indicator, subject)
    period = _period_for(indicator.rubric, period_key, today=today or timezone.localdate(), field="period_key")
    value = _clean_points(points, indicator.max_points)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写评分说明。")})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("评分说明不能超过 %(n)s 字。") % {"n": NOTE_MAX}})
    area_id = subject.area_id if isinstance(subject, PartyOrg) else subject.pk
    with transaction.atomic():
        manual = ManualScore.objects.select_for_update().filter(
            indicator=indicator, period_key=period.key, subject_id=subject.pk).first()
        before = None if manual is None else str(manual.points)
        if manual is None:
            manual = ManualScore(indicator=indicator, period_key=period.key, subject_id=subject.pk)
        manual.area_id = area_id
        manual.points, manual.note, manual.reviewer = value, note, actor
        manual.reviewed_at = timezone.now()
        manual.save()
        record(actor, "scoring.manual_score", manual, {"from": before, "to": str(value), "period": period.key})
        _refresh_score(indicator, subject.pk, period.key, manual)
    return manual


def _refresh_score(indicator, subject_id, period_key, manual) -> None:
    """Bring an existing score up to date with a new manual point (line, total, threshold
    stars, sibling ranks) — a handful of queries, bounded by the number of siblings."""
    rubric = indicator.rubric
    score = Score.objects.select_for_update().filter(rubric=rubric, period_key=period_key, subject_id=subject_id).first()
    if score is None:
        return
    m = metrics.manual({"points": manual.points, "note": manual.note}, indicator.max_points)
    line = ScoreLine.objects.filter(score=score, indicator=indicator).first()
    evidence = dict(m.evidence)
    if line is not None and line.evidence.get("url"):
        evidence["url"] = line.evidence["url"]
    ScoreLine.objects.update_or_create(
        score=score, indicator=indicator,
        defaults=dict(value=m.value, points=m.points, max_points=m.max_points, explanation=m.explanation, evidence=evidence),
    )
    total = sum(ScoreLine.objects.filter(score=score).values_list("points", flat=True), Decimal("0")).quantize(metrics.POINTS)
    score.total = total
    fields = ["total"]
    if rubric.star_method != StarMethod.QUOTA:
        score.stars = stars.by_threshold(stars.percent_of(total, score.max_total), rubric.star_thresholds)
        fields.append("stars")
    score.save(update_fields=fields)
    siblings = list(Score.objects.filter(rubric=rubric, period_key=period_key, parent_area_id=score.parent_area_id))
    ranks = stars.competition_ranks({s.pk: s.total for s in siblings})
    for s in siblings:
        s.rank, s.rank_of = ranks[s.pk], len(siblings)
    Score.objects.bulk_update(siblings, ["rank", "rank_of"], batch_size=1000)
