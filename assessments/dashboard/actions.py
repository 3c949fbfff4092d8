from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.dashboard.rollups import current_period_key, parse_period
from assessments.dashboard.tasks import refresh_rollups_task
from dangjian import jobs


def request_refresh(*, actor, area, period_key: str | None = None, now: datetime | None = None) -> str:
    """A 区委组织部 (or 系统管理员) over ``area`` asks for the figures of a period to be
    computed again; the task runs after the commit.  Returns the period key."""
    from assessments.dashboard.permissions import can_refresh
    from dangjian.errors import PermissionDeniedError

    if not can_refresh(actor, area):
        raise PermissionDeniedError(_("只有区委组织部可以重新计算看板数据。"))
    today = timezone.localtime(now or timezone.now()).date()
    key = parse_period(period_key).key if period_key else current_period_key(today)
    # a job of the outbox: recorded now, sent after the commit; a broker that is down leaves
    # it queued for the sweeper instead of failing the page
    jobs.enqueue(refresh_rollups_task, dedupe=f"rollups:{key}", period_key=key)
    return key
