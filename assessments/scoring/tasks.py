import logging
from datetime import date

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.jobs import JobFailed, job_task

log = logging.getLogger(__name__)


def score_run_given_up(run_id: int, **_kwargs) -> None:
    """The outbox gave up sending the run's job (no worker took it): a run still pending says
    so instead of "queued" for ever."""
    from assessments.scoring.choices import RunState
    from assessments.scoring.models import ScoringRun

    ScoringRun.objects.filter(pk=run_id, state=RunState.PENDING).update(
        state=RunState.FAILED, finished_at=timezone.now(),
        error=_("后台任务多次投递均未被执行（任务进程可能未运行），请稍后重新发起评分。"),
    )


@job_task(name="assessments.tasks.score_run", give_up=score_run_given_up)
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
        raise JobFailed("scoring run failed", result="failed") from None
    return run.state


@shared_task(name="assessments.tasks.score_due_periods")
def score_due_periods(today=None) -> list[int]:
    """Queue the runs of every active rubric for the periods just completed (idempotent)."""
    from assessments.scoring.actions import scoring_runs_due

    if isinstance(today, str):
        today = date.fromisoformat(today)
    runs = scoring_runs_due(today=today or timezone.localdate())
    return [run.pk for run in runs]
