import logging
from datetime import date

from celery import shared_task
from django.utils import timezone

log = logging.getLogger(__name__)


@shared_task(name="assessments.tasks.score_run")
def score_run_task(run_id: int) -> str:
    """Compute one run; the run row records progress and any error (state failed)."""
    from assessments.scoring.engine import score_run
    from assessments.scoring.models import ScoringRun

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
    from assessments.scoring.actions import scoring_runs_due

    if isinstance(today, str):
        today = date.fromisoformat(today)
    runs = scoring_runs_due(today=today or timezone.localdate())
    return [run.pk for run in runs]
