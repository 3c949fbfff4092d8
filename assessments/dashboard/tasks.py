from __future__ import annotations

from django.db.models import Min
from django.utils.dateparse import parse_datetime

from assessments.dashboard.rollups import refresh_rollups
from dangjian.jobs import job_task


@job_task(name="assessments.refresh_rollups")
def refresh_rollups_task(period_key=None, trends=None, requested_at=None) -> int:
    """Celery entry point: after a scoring run (with its ``period_key``) and nightly from
    beat (no arguments: the year to date plus the trend periods).  A request older than
    the period's last refresh (``requested_at``, ISO time) has been served already: 0."""
    if trends is None:
        trends = period_key is None
    if period_key and requested_at:
        from assessments.dashboard.models import AreaRollup

        since = parse_datetime(requested_at)
        last = AreaRollup.objects.filter(period_key=period_key).aggregate(last=Min("computed_at"))["last"]
        if since is not None and last is not None and last >= since:
            return 0
    return refresh_rollups(period_key=period_key, trends=trends)
