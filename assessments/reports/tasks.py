"""Background work of one-table reports: computing a big report (through the outbox,
``dangjian.jobs``).  Takes the report's id, is idempotent (the cells are upserts)."""
from assessments.reports.models import Report
from dangjian.jobs import job_task


def _given_up(*, report_id, **_kwargs):
    Report.objects.filter(pk=report_id).update(computing_since=None)


@job_task(name="assessments.reports.compute", give_up=_given_up)
def compute_report_task(*, report_id):
    from assessments.reports.actions import compute_cells

    if not Report.objects.filter(pk=report_id).exists():
        return 0
    return compute_cells(report_id)
