"""The scoring engine: one run scores every subject of a rubric for one period.

``score_run(run_id)`` works set-based, never one subject at a time:

1. *Subjects* — the areas of the rubric's level (or the organizations of its category) are
   loaded with the whole territory tree (``AreaIndex``) and organization tree
   (``OrgIndex``), one query each.  A skeleton ``Score`` row per subject is upserted and
   the rows of subjects that no longer exist are deleted.
2. *One step per indicator* — one or two ``GROUP BY`` queries over the period's records,
   keyed by the records' own foreign key (a building, a community, an organization);
   the per-node figures are folded onto the subjects in memory with the tree indexes;
   ``assessments.scoring.metrics`` turns every subject's figures into points with an
   explanation; the ``ScoreLine`` rows are upserted in batches
   (``bulk_create(update_conflicts=True)``).  Manual indicators read ``ManualScore``.
3. *Ranking* — totals are summed from the lines (one grouped query), stars given by the
   rubric's thresholds or quotas (quotas within each district), ranks by competition
   ranking among siblings (same ``parent_area``); the ``Score`` rows are upserted.
4. *Finish* — the run is marked done and the dashboard rollups of the period are
   refreshed (Celery task ``assessments.refresh_rollups``, sent after commit).

Each step commits on its own and advances ``done_steps`` (the progress bar); a run that
fails keeps the steps it finished and, when started again, resumes at the start of the
unfinished step.  Re-running a finished run recomputes everything and gives the same
figures (upserts keyed by subject and indicator).

Scale: the number of queries depends on the number of indicators, not of subjects; the
biggest inputs (a year of service records, a million members) are aggregated in the
database, and the Python side handles one row per node or organization.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from assessments.figures.links import Links
from assessments.figures.sources import FIGURES, figures_wish_fulfilment  # noqa: F401 (the sources, by name)
from assessments.figures.subjects import Subjects, day_start, load_subjects, period_bounds  # noqa: F401
from assessments.scoring import metrics, periods, stars
from assessments.scoring.choices import RunState, StarMethod
from assessments.scoring.models import Indicator, Score, ScoreLine, ScoringRun
from dangjian import jobs

log = logging.getLogger(__name__)

BATCH = 5000
STALE_AFTER = timedelta(hours=2)  # a run "running" longer than this is taken to have died
ERROR_MAX = 2000


def is_stale(run, now=None) -> bool:
    now = now or timezone.now()
    return run.state == RunState.RUNNING and (run.started_at is None or now - run.started_at > STALE_AFTER)


def total_steps_for(indicator_count: int) -> int:
    """One step per indicator, one for the ranking, one to finish."""
    return indicator_count + 2


# ---------------------------------------------------------------------- the steps
def indicator_lines(subjects: Subjects, period, indicator, score_ids: dict[int, int]) -> list[ScoreLine]:
    """Every subject's line for one indicator (one or two grouped queries)."""
    figures = FIGURES[indicator.source](subjects, period, indicator)
    link = Links(subjects, period, indicator)
    lines = []
    for subject_id in subjects.ids:
        score_id = score_ids.get(subject_id)
        if score_id is None:
            continue
        m = metrics.measure(indicator.source, figures.get(subject_id, {}), indicator.max_points, indicator.params,
                            months=period.months)
        evidence = dict(m.evidence)
        url = link(subject_id)
        if url:
            evidence["url"] = url
        lines.append(ScoreLine(
            score_id=score_id, indicator_id=indicator.pk, value=m.value, points=m.points, max_points=m.max_points,
            explanation=m.explanation[:500], evidence=evidence,
        ))
    return lines


def upsert_lines(lines) -> None:
    for i in range(0, len(lines), BATCH):
        ScoreLine.objects.bulk_create(
            lines[i:i + BATCH], update_conflicts=True, unique_fields=["score", "indicator"],
            update_fields=["value", "points", "max_points", "explanation", "evidence"],
        )


def _score_rows(run, subjects: Subjects, max_total, now, totals=None, ranking=None) -> list[Score]:
    rows = []
    for s in subjects.ids:
        stars_, rank, rank_of = (ranking or {}).get(s, (0, 0, 0))
        rows.append(Score(
            rubric_id=run.rubric_id, run_id=run.pk, period_key=run.period_key, subject_id=s,
            area_id=subjects.area_of[s], org_id=subjects.org_of[s], parent_area_id=subjects.parent_area[s],
            total=(totals or {}).get(s, Decimal("0.00")), max_total=max_total, stars=stars_, rank=rank, rank_of=rank_of,
            computed_at=now,
        ))
    return rows


def upsert_scores(rows, fields) -> None:
    for i in range(0, len(rows), BATCH):
        Score.objects.bulk_create(
            rows[i:i + BATCH], update_conflicts=True, unique_fields=["rubric", "period_key", "subject_id"], update_fields=fields,
        )


def prepare_scores(run, subjects: Subjects, max_total) -> tuple[dict[int, int], bool]:
    """Upsert the skeleton score of every subject, delete the scores of subjects that no
    longer exist; return ``({subject: score id}, whether any subject is new)``."""
    existing = dict(Score.objects.filter(rubric_id=run.rubric_id, period_key=run.period_key).values_list("subject_id", "pk"))
    wanted = set(subjects.ids)
    stale = [pk for subject_id, pk in existing.items() if subject_id not in wanted]
    for i in range(0, len(stale), BATCH):
        Score.objects.filter(pk__in=stale[i:i + BATCH]).delete()
    added = bool(wanted - existing.keys())
    upsert_scores(_score_rows(run, subjects, max_total, timezone.now()),
                  ["run", "area", "org", "parent_area", "max_total", "computed_at"])
    ids = dict(Score.objects.filter(rubric_id=run.rubric_id, period_key=run.period_key).values_list("subject_id", "pk"))
    return ids, added


def rank_scores(run, rubric, subjects: Subjects, max_total, indicator_ids) -> None:
    """Totals from the lines, stars and sibling ranks; one grouped query and the upserts."""
    sums = (
        ScoreLine.objects.filter(score__rubric_id=run.rubric_id, score__period_key=run.period_key, indicator_id__in=indicator_ids)
        .order_by().values("score__subject_id").annotate(t=Sum("points")).values_list("score__subject_id", "t")
    )
    totals = {s: Decimal(t or 0).quantize(metrics.POINTS) for s, t in sums}
    for s in subjects.ids:
        totals.setdefault(s, Decimal("0.00"))
    star_of = stars.assign_stars(
        StarMethod.QUOTA if rubric.star_method == StarMethod.QUOTA else StarMethod.THRESHOLD,
        ((s, subjects.quota_group[s], totals[s], max_total) for s in subjects.ids),
        thresholds=rubric.star_thresholds, quotas=rubric.star_quotas,
    )
    ranks = stars.rank_siblings((s, subjects.parent_area[s], totals[s]) for s in subjects.ids)
    ranking = {s: (star_of[s], *ranks[s]) for s in subjects.ids}
    upsert_scores(_score_rows(run, subjects, max_total, timezone.now(), totals, ranking),
                  ["run", "total", "max_total", "stars", "rank", "rank_of", "computed_at"])


# ------------------------------------------------------------------------ the run
def claim(run_id):
    """Take the run for this worker: pending, failed, done or a dead "running" → running.
    Returns ``(run, first step to compute)``, or ``(run, None)`` when another worker
    is already running it."""
    with transaction.atomic():
        run = ScoringRun.objects.select_for_update().select_related("rubric").get(pk=run_id)
        if run.state == RunState.RUNNING and not is_stale(run):
            return run, None
        resume = run.state in (RunState.FAILED, RunState.RUNNING, RunState.PENDING)
        indicator_count = Indicator.objects.filter(rubric_id=run.rubric_id).count()
        run.total_steps = total_steps_for(indicator_count)
        if not resume or run.done_steps > indicator_count:
            run.done_steps = 0
        run.state = RunState.RUNNING
        run.attempts += 1
        run.started_at = timezone.now()
        run.finished_at = None
        run.error = ""
        run.save(update_fields=["total_steps", "done_steps", "state", "attempts", "started_at", "finished_at", "error"])
        return run, run.done_steps


def _progress(run, done_steps, **fields) -> None:
    ScoringRun.objects.filter(pk=run.pk).update(done_steps=done_steps, **fields)
    run.done_steps = done_steps
    for name, value in fields.items():
        setattr(run, name, value)


def score_run(run_id: int):
    """Compute (or resume) one scoring run; see the module docstring.  Returns the run.
    A failure is written to the run (state failed, error text) and raised again."""
    run, first_step = claim(run_id)
    if first_step is None:
        log.info("scoring run %s is already running elsewhere", run_id)
        return run
    try:
        _compute(run, first_step)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
        ScoringRun.objects.filter(pk=run.pk).update(state=RunState.FAILED, error=message, finished_at=timezone.now())
        run.state, run.error = RunState.FAILED, message
        log.exception("scoring run %s failed at step %s", run.pk, run.done_steps + 1)
        raise
    return run


def _compute(run, first_step: int) -> None:
    rubric = run.rubric
    period = periods.parse(run.period_key)
    indicators = list(Indicator.objects.filter(rubric_id=rubric.pk).order_by("sort_order", "pk"))
    max_total = sum((i.max_points for i in indicators), Decimal("0")).quantize(metrics.POINTS)
    subjects = load_subjects(rubric)
    with transaction.atomic():
        score_ids, added = prepare_scores(run, subjects, max_total)
        if added and first_step:
            first_step = 0  # a new subject has no lines of the steps already done: start over
        _progress(run, first_step, subjects=len(subjects.ids))
    for step in range(first_step, len(indicators)):
        indicator = indicators[step]
        lines = indicator_lines(subjects, period, indicator, score_ids)
        with transaction.atomic():
            upsert_lines(lines)
            _progress(run, step + 1)
    with transaction.atomic():
        rank_scores(run, rubric, subjects, max_total, [i.pk for i in indicators])
        _progress(run, len(indicators) + 1)
    with transaction.atomic():
        _progress(run, run.total_steps, state=RunState.DONE, finished_at=timezone.now())
        refresh_rollups_later(run.period_key)


def refresh_rollups_later(period_key: str) -> None:
    """Ask for the dashboard rollups of the period: a job of the outbox (``dangjian.jobs``),
    written with the caller's transaction and sent after it commits, so a broker that is down
    never fails a finished run and the sweeper sends it later.  Requests for one period fold
    into the one still waiting; the request carries its time, so a refresh that already
    happened since (``seed_demo`` refreshing synchronously) makes it a no-op."""
    from assessments.dashboard.tasks import refresh_rollups_task

    jobs.enqueue(refresh_rollups_task, dedupe=f"rollups:{period_key}",
                 period_key=period_key, requested_at=timezone.now().isoformat())
