"""The app's Celery tasks, found here by autodiscovery; each lives in its feature folder.
Tasks take ids, call the code that does the work, and are safe to run twice (runs are keyed by
rubric and period; scores are upserts).  Registered names are wire names and do not follow the
modules:

* ``assessments.tasks.score_run`` — compute (or resume) one scoring run;
* ``assessments.tasks.score_due_periods`` — daily (beat): create and queue the runs of the
  periods that have just completed;
* ``assessments.refresh_rollups`` — the dashboard rollups;
* ``assessments.tasks.refresh_org_verdicts`` — nightly (beat): the organizations' compliance verdicts;
* ``assessments.reports.compute`` — the cells of a big one-table report.
* ``assessments.tasks.refresh_checklists_of`` — outbox job: the bound checklist items above a changed record;
* ``assessments.tasks.refresh_checklists_nightly`` — nightly (beat): every bound checklist item of the year.
"""
from assessments.checklists.tasks import refresh_checklists_nightly, refresh_checklists_of
from assessments.dashboard.tasks import refresh_rollups_task
from assessments.life.tasks import refresh_org_verdicts_task
from assessments.reports.tasks import compute_report_task
from assessments.scoring.tasks import score_due_periods, score_run_task

__all__ = [
    "compute_report_task", "refresh_checklists_nightly", "refresh_checklists_of", "refresh_org_verdicts_task", "refresh_rollups_task",
    "score_due_periods", "score_run_task",
]
