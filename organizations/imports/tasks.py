from celery import shared_task


@shared_task(name="organizations.tasks.run_import")
def run_import(job_id: int) -> None:
    """Validate and apply one Excel import job (progress is written to the job row)."""
    from organizations.imports.importers import run_import_job

    run_import_job(job_id)
