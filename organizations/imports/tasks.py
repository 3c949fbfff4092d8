from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.jobs import job_task


def import_given_up(job_id: int, **_kwargs) -> None:
    """The outbox gave up sending the import's job (no worker took it): a job still pending
    says so instead of "queued" for ever."""
    from organizations.imports.choices import ImportStatus
    from organizations.imports.models import ImportJob

    ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.ERROR, finished_at=timezone.now(),
        summary={"error": _("后台任务多次投递均未被执行（任务进程可能未运行），请重新上传。")},
    )


@job_task(name="organizations.tasks.run_import", give_up=import_given_up)
def run_import(job_id: int) -> None:
    """Validate and apply one Excel import job (progress is written to the job row)."""
    from organizations.imports.importers import run_import_job

    run_import_job(job_id)
