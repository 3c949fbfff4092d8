"""Background jobs through an outbox: a job is a database row first, its message a wake-up call.

``enqueue(task, dedupe=None, **kwargs)``
    Writes a ``Job`` row in the caller's transaction and sends the task after the commit.  A
    broker that is down is logged and leaves the row ``queued``: the user's request never
    fails because of it.  With ``dedupe``, a second request while a job of that key is still
    waiting (queued or sent) folds into it (its arguments become the newest ones).
``@job_task(name=..., give_up=...)``
    Declares a Celery task (``name`` is the wire name and never changes) whose runs claim the
    job row first: ``queued``/``sent`` → ``running`` in one conditional UPDATE, so a message
    delivered twice runs the job once; then ``done``, or ``failed`` with a short error (the
    exception's class, never its text: it may carry personal data).  A task called without a
    job (beat, a shell) just runs.  The task raises ``JobFailed(message)`` for a failure it
    handled itself (recorded, not raised again).
``sweep()`` (beat, every minute: ``dangjian.tasks.sweep_jobs``)
    Sends again what the broker never got or lost: jobs still ``queued`` after
    ``JOBS_QUEUED_GRACE`` seconds, ``sent`` but not started after ``JOBS_SENT_TIMEOUT`` (a
    Redis restart keeps nothing), ``running`` for longer than ``JOBS_RUNNING_TIMEOUT`` (a dead
    worker).  Rows are taken with ``select_for_update(skip_locked=True)`` (two sweepers never
    send one job twice; SQLite has no row locks and needs none).  After ``JOBS_MAX_ATTEMPTS``
    messages a job is ``failed`` ("gave up"), visible in the admin, and the task's ``give_up``
    hook (``give_up(**kwargs)``) tells the domain row (a scoring run, an import) so its page
    stops saying "queued".
"""
from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dangjian.models import JOB_ERROR_MAX, WAITING_JOB_STATES, Job, JobState

log = logging.getLogger(__name__)

#: message header that carries the job's id
HEADER = "dangjian_job"
SWEEP_BATCH = 200

#: ``{task name: give_up(**kwargs)}``, filled by ``job_task``
_GIVE_UP_HOOKS: dict = {}


class JobFailed(Exception):
    """Raised by a job's task for a failure it has handled (and recorded on its own row): the
    job is failed with this short message, and the task returns ``result``."""

    def __init__(self, message: str = "failed", *, result=None):
        super().__init__(message)
        self.result = result


def setting(name: str) -> int:
    defaults = {"JOBS_QUEUED_GRACE": 30, "JOBS_SENT_TIMEOUT": 900, "JOBS_RUNNING_TIMEOUT": 3 * 3600,
                "JOBS_MAX_ATTEMPTS": 5, "JOBS_KEEP_DAYS": 30}
    return int(getattr(settings, name, defaults[name]))


def _short(text: str) -> str:
    return str(text)[:JOB_ERROR_MAX]


def _app():
    from dangjian.celery import app

    return app


# ------------------------------------------------------------------------------ enqueue
def enqueue(task, dedupe: str | None = None, **kwargs) -> Job:
    """Record a job for ``task`` (a task or its registered name) with JSON ``kwargs`` and send
    it after the surrounding transaction commits (at once outside one)."""
    name = task if isinstance(task, str) else task.name
    with transaction.atomic():
        job = None
        if dedupe:
            job = Job.objects.select_for_update().filter(dedupe_key=dedupe, state__in=WAITING_JOB_STATES).first()
        if job is not None:
            Job.objects.filter(pk=job.pk).update(kwargs=kwargs)
            job.kwargs = kwargs
        else:
            try:
                with transaction.atomic():
                    job = Job.objects.create(task_name=name, kwargs=kwargs, dedupe_key=dedupe or "")
            except IntegrityError:  # another request made the waiting job of this key just now
                job = Job.objects.get(dedupe_key=dedupe, state__in=WAITING_JOB_STATES)
                Job.objects.filter(pk=job.pk).update(kwargs=kwargs)
                job.kwargs = kwargs
    if job.state == JobState.SENT:
        return job  # folded into a job whose message is out already: one message is enough
    job_id = job.pk
    # robust: whatever goes wrong while sending is logged, never raised into the user's request
    transaction.on_commit(lambda: send(job_id), robust=True)
    return job


def send(job_id: int) -> bool:
    """Hand a waiting job to the broker (queued → sent); a broker error is logged and puts the
    row back to queued for the sweeper.  Returns whether the message went out."""
    now = timezone.now()
    job = Job.objects.filter(pk=job_id, state__in=WAITING_JOB_STATES).first()
    if job is None:
        return False
    marked = Job.objects.filter(pk=job_id, state__in=WAITING_JOB_STATES).update(
        state=JobState.SENT, sent_at=now, attempts=F("attempts") + 1)
    if not marked:
        return False
    return _publish(job, sent_at=now)


def _publish(job: Job, *, sent_at) -> bool:
    app = _app()
    task = app.tasks.get(job.task_name)
    options = {"kwargs": job.kwargs, "headers": {HEADER: job.pk},
               "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}}
    try:
        if task is not None:
            task.apply_async(**options)
        else:  # a task this process does not know (sent by name to the workers)
            app.send_task(job.task_name, **options)
    except Exception as exc:  # noqa: BLE001 — the broker is down: the sweeper sends it later
        # Only the row this call marked goes back (in eager mode the task may have run already).
        back = Job.objects.filter(pk=job.pk, state=JobState.SENT, sent_at=sent_at).update(
            state=JobState.QUEUED, attempts=F("attempts") - 1, last_error=_short(f"投递失败：{type(exc).__name__}"))
        if back:
            log.warning("job %s (%s) not sent, kept queued: %s", job.pk, job.task_name, type(exc).__name__)
            return False
        log.warning("job %s (%s) raised while running eagerly: %s", job.pk, job.task_name, type(exc).__name__)
    return True


# --------------------------------------------------------------------------- task side
def _job_id(request) -> int | None:
    value = getattr(request, HEADER, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(HEADER)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def claim(job_id: int) -> Job | None:
    """``queued``/``sent`` → ``running`` for exactly one caller; None for every other."""
    now = timezone.now()
    if not Job.objects.filter(pk=job_id, state__in=WAITING_JOB_STATES).update(state=JobState.RUNNING, started_at=now):
        return None
    return Job.objects.get(pk=job_id)


def finish(job_id: int, *, error: str = "") -> None:
    Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(
        state=JobState.FAILED if error else JobState.DONE, finished_at=timezone.now(), last_error=_short(error))


def job_task(*, name: str, give_up=None, **options):
    """``@job_task(name="app.tasks.x")`` over a function of keyword arguments: a Celery task
    (``shared_task(name=...)``) that claims its job row when it was sent by ``enqueue``."""

    def decorate(fn):
        def run(self, *args, **kwargs):
            job_id = _job_id(self.request)
            if job_id is None:
                try:
                    return fn(*args, **kwargs)
                except JobFailed as exc:
                    return exc.result
            job = claim(job_id)
            if job is None:
                log.info("job %s (%s) already taken or finished: message ignored", job_id, name)
                return None
            try:
                result = fn(**job.kwargs)  # the row's arguments are the newest (dedupe)
            except JobFailed as exc:
                finish(job_id, error=str(exc) or "failed")
                return exc.result
            except Exception as exc:
                finish(job_id, error=type(exc).__name__)
                raise
            finish(job_id)
            return result

        # not functools.wraps: celery checks the arguments against ``run``'s own signature
        run.__name__, run.__qualname__, run.__doc__, run.__module__ = fn.__name__, fn.__qualname__, fn.__doc__, fn.__module__
        if give_up is not None:
            _GIVE_UP_HOOKS[name] = give_up
        return shared_task(bind=True, name=name, **options)(run)

    return decorate


# ------------------------------------------------------------------------------- sweeper
def _locked(qs):
    return qs.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH]


def sweep(now=None) -> dict:
    """Send again the jobs whose message never left, was lost or whose worker died; give up
    after ``JOBS_MAX_ATTEMPTS``.  Idempotent; returns counts (``resent``, ``gave_up``)."""
    now = now or timezone.now()
    max_attempts = setting("JOBS_MAX_ATTEMPTS")
    late = (
        Job.objects.filter(state=JobState.QUEUED, created_at__lt=now - timedelta(seconds=setting("JOBS_QUEUED_GRACE")))
        | Job.objects.filter(state=JobState.SENT, sent_at__lt=now - timedelta(seconds=setting("JOBS_SENT_TIMEOUT")))
        | Job.objects.filter(state=JobState.RUNNING,
                             started_at__lt=now - timedelta(seconds=setting("JOBS_RUNNING_TIMEOUT")))
    )
    with transaction.atomic():
        ids = list(_locked(late))
        rows = list(Job.objects.filter(pk__in=ids))
        give_up = [job for job in rows if job.attempts >= max_attempts]
        resend = [job for job in rows if job.attempts < max_attempts]
        if give_up:
            Job.objects.filter(pk__in=[job.pk for job in give_up]).update(
                state=JobState.FAILED, finished_at=now,
                last_error=_short(f"已投递 {max_attempts} 次仍未执行，已放弃"))
        if resend:
            Job.objects.filter(pk__in=[job.pk for job in resend]).update(
                state=JobState.SENT, sent_at=now, attempts=F("attempts") + 1)
    sent = sum(1 for job in resend if _publish(job, sent_at=now))
    for job in give_up:
        log.error("job %s (%s) given up after %s attempts", job.pk, job.task_name, job.attempts)
        _give_up(job)
    return {"resent": sent, "gave_up": len(give_up)}


def _give_up(job: Job) -> None:
    hook = _GIVE_UP_HOOKS.get(job.task_name)
    if hook is None:
        _app().loader.import_default_modules()  # the task modules register their hooks
        hook = _GIVE_UP_HOOKS.get(job.task_name)
    if hook is None:
        return
    try:
        with transaction.atomic():
            hook(**job.kwargs)
    except Exception:  # noqa: BLE001 — the job stays failed; the hook's error is logged
        log.exception("give-up hook of job %s (%s) failed", job.pk, job.task_name)


def purge(now=None) -> int:
    """Delete finished jobs (done or failed) older than ``JOBS_KEEP_DAYS``; waiting and running
    ones are never touched.  Returns how many rows went."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=setting("JOBS_KEEP_DAYS"))
    deleted, _ = Job.objects.filter(
        state__in=(JobState.DONE, JobState.FAILED), finished_at__lt=cutoff).delete()
    return deleted


# ------------------------------------------------------------------------------- figures
def oldest_waiting(now=None):
    """Age in seconds of the oldest job not yet started (queued or sent), or None."""
    first = Job.objects.filter(state__in=WAITING_JOB_STATES).order_by("created_at").values_list("created_at", flat=True)
    created = first.first()
    if created is None:
        return None
    return max(0.0, ((now or timezone.now()) - created).total_seconds())


def latest(dedupe: str) -> Job | None:
    """The newest job of a dedupe key (a page shows whether its work is waiting for the broker)."""
    return Job.objects.filter(dedupe_key=dedupe).order_by("-created_at", "-pk").first()


def awaiting_broker(dedupe: str) -> bool:
    """Whether the waiting job of a dedupe key could not be handed to the broker yet."""
    return Job.objects.filter(dedupe_key=dedupe, state=JobState.QUEUED).exclude(last_error="").exists()
