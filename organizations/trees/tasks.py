"""Celery tasks of the organizations app.  Tasks take ids, call the code that does the
work, and are safe to run twice."""

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="organizations.tasks.check_trees")
def check_trees() -> int:
    """Nightly consistency check of both trees; logs every problem found, returns their count."""
    from organizations.trees.check import check_all_trees

    problems = check_all_trees()
    for problem in problems:
        log.error("tree check: %s", problem)
    return len(problems)
