from assessments.life import actions
from dangjian.jobs import job_task


@job_task(name="assessments.tasks.refresh_org_verdicts")
def refresh_org_verdicts_task() -> int:
    """Nightly (beat): every organization's compliance verdict of the new day, so the first
    compliance page of the morning reads them instead of evaluating a city's calendars."""
    return actions.org_verdicts_refresh()
