"""The base's own periodic jobs (beat): the outbox's sweeper and purge, and the workers' heartbeat (also
written the moment a worker is ready: this module is imported by every worker)."""
import logging

from celery import shared_task
from celery.signals import worker_ready


@shared_task(name="dangjian.tasks.sweep_jobs")
def sweep_jobs() -> dict:
    """Send again the jobs whose message was never sent or was lost (``dangjian.jobs.sweep``)."""
    from dangjian.jobs import sweep

    return sweep()


@shared_task(name="dangjian.tasks.purge_jobs")
def purge_jobs() -> int:
    """Forget finished jobs older than ``JOBS_KEEP_DAYS`` (``dangjian.jobs.purge``)."""
    from dangjian.jobs import purge

    return purge()


@shared_task(name="dangjian.tasks.worker_heartbeat", bind=True)
def worker_heartbeat(self) -> None:
    """The worker that runs this is alive and consuming: /healthz reads the time."""
    from dangjian.health import record_heartbeat

    record_heartbeat(self.request.hostname or "worker")


@worker_ready.connect
def _heartbeat_when_ready(sender=None, **kwargs):
    """A worker that has just started says so at once (/healthz), before the first beat job."""
    from django.db import connection

    from dangjian.health import record_heartbeat

    try:
        record_heartbeat(getattr(sender, "hostname", None) or "worker")
    except Exception:  # noqa: BLE001 — a worker starts even when its database is not there yet
        logging.getLogger(__name__).exception("could not write the worker heartbeat")
    finally:
        if not connection.in_atomic_block:
            connection.close()  # the main process keeps no connection; the pool opens its own
