"""Celery tasks of the organizations app.  Tasks take ids, call the code that does the
work, and are safe to run twice."""
import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

log = logging.getLogger(__name__)


@shared_task(name="organizations.tasks.purge_login_attempts")
def purge_login_attempts(days: int = 30) -> int:
    """Drop login attempts older than ``days`` (they only matter for the lockout window)."""
    from organizations.models import LoginAttempt

    deleted, _ = LoginAttempt.objects.filter(at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted


@shared_task(name="organizations.tasks.check_trees")
def check_trees() -> int:
    """Nightly consistency check of both trees; logs every problem found, returns their count."""
    from organizations.treecheck import check_all_trees

    problems = check_all_trees()
    for problem in problems:
        log.error("tree check: %s", problem)
    return len(problems)


@shared_task(name="organizations.tasks.run_import")
def run_import(job_id: int) -> None:
    """Validate and apply one Excel import job (progress is written to the job row)."""
    from organizations.importers import run_import_job

    run_import_job(job_id)
