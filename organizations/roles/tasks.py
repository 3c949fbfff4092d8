"""The daily refresh of 一肩挑 flags: a post recorded ahead of its dates (a chair from next
month, a secretary until yesterday) changes its community's flags on the day."""
from django.db import transaction
from django.utils import timezone

from dangjian.jobs import job_task


@job_task(name="organizations.tasks.refresh_secretary_flags")
def refresh_secretary_flags() -> int:
    from organizations.roles import actions

    with transaction.atomic():
        return actions.refresh_flags_of_day(timezone.localdate())
