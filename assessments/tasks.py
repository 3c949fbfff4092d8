"""Celery tasks of the assessments app.  Tasks take ids, call the code that does the work,
and are safe to run twice (runs are keyed by rubric and period; scores are upserts).

* ``assessments.tasks.score_run`` — compute (or resume) one scoring run;
* ``assessments.tasks.score_due_periods`` — daily (beat): create and queue the runs of the
  periods that have just completed.

The dashboard rollups (``assessments.refresh_rollups``) live in ``assessments.rollups``;
it is imported here so that a worker which autodiscovers this module knows that task too.
"""
import logging
from datetime import date

from celery import shared_task
from django.utils import timezone

log = logging.getLogger(__name__)

from assessments import rollups  # noqa: F401,E402  (registers assessments.refresh_rollups with the worker)


@shared_task(name="assessments.tasks.score_run")
def score_run_task(run_id: int) -> str:
    """Compute one run; the run row records progress and any error (state failed)."""
    from assessments.models import ScoringRun
    from assessments.scoring import score_run

    try:
        run = score_run(run_id)
    except ScoringRun.DoesNotExist:
        log.warning("scoring run %s no longer exists", run_id)
        return "missing"
    except Exception:  # noqa: BLE001 — written to the run by score_run; retried by score_due_periods
        return "failed"
    return run.state


@shared_task(name="assessments.tasks.score_due_periods")
def score_due_periods(today=None) -> list[int]:
    """Queue the runs of every active rubric for the periods just completed (idempotent)."""
    from assessments.scoring_actions import scoring_runs_due

    if isinstance(today, str):
        today = date.fromisoformat(today)
    runs = scoring_runs_due(today=today or timezone.localdate())
    return [run.pk for run in runs]
