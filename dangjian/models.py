"""Cross-app records: the audit trail of every write made through an action, and the base of
every workflow object's status history (``StatusEvent``)."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("操作人")
    )
    verb = models.CharField(_("操作"), max_length=64)
    target_type = models.CharField(_("对象类型"), max_length=64)
    target_id = models.CharField(_("对象编号"), max_length=64)
    target_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.target_repr}"


STATUS_MAX = 16
EVENT_NOTE_MAX = 500


def status_fields(choices=None, *, to_blank=False):
    """``(from_status, to_status)`` of a ``StatusEvent`` whose statuses have ``choices``
    (a concrete event model writes ``from_status, to_status = status_fields(WishStatus.choices)``)."""
    extra = {"choices": choices} if choices is not None else {}
    return (
        models.CharField(_("原状态"), max_length=STATUS_MAX, blank=True, **extra),
        models.CharField(_("新状态"), max_length=STATUS_MAX, blank=to_blank, **extra),
    )


class StatusEvent(models.Model):
    """One step in the history of a workflow object (``dangjian.workflow.transition`` writes
    one per status change): who, from which status to which, a note, and when.

    A concrete event model adds the foreign key to its object (named by ``subject``), its
    statuses' choices (``status_fields``) and its ``Meta(StatusEvent.Meta)`` (verbose names,
    indexes)."""

    #: name of the foreign key to the object whose history this is
    subject = ""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("操作人"),
    )
    from_status, to_status = status_fields()
    note = models.CharField(_("说明"), max_length=EVENT_NOTE_MAX, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return f"{getattr(self, f'{self.subject}_id')}: {self.from_status or '—'} → {self.to_status}"

    @classmethod
    def of(cls, *, actor, from_status, to_status, note="", **fields):
        """An unsaved event; an anonymous ``actor`` (a resident, the system) is recorded as none
        and the note is cut to the column's length."""
        return cls(
            actor=actor if getattr(actor, "pk", None) else None, from_status=from_status, to_status=to_status,
            note=(note or "")[:EVENT_NOTE_MAX], **fields,
        )


class JobState(models.TextChoices):
    QUEUED = "queued", _("待投递")
    SENT = "sent", _("已投递")
    RUNNING = "running", _("执行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


#: a job not yet started: the outbox's sweeper (re-)sends these, /healthz measures their age
WAITING_JOB_STATES = (JobState.QUEUED, JobState.SENT)
JOB_ERROR_MAX = 200


class Job(models.Model):
    """One background job, written in the caller's transaction before its message is sent
    (``dangjian.jobs``): the row is the truth, the broker's message only a wake-up call.
    ``dedupe_key`` folds a second request for the same work into the waiting job."""

    task_name = models.CharField(_("任务"), max_length=200)
    kwargs = models.JSONField(_("参数"), default=dict, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=8, choices=JobState.choices, default=JobState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("投递次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=JOB_ERROR_MAX, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("投递时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="job_state_created")]
        constraints = [
            # at most one waiting job per dedupe key (a partial unique index: PostgreSQL and SQLite)
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=models.Q(state__in=["queued", "sent"]) & ~models.Q(dedupe_key=""),
                name="job_waiting_dedupe_once",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.task_name} ({self.state})"


class WorkerHeartbeat(models.Model):
    """The last sign of life of each Celery worker (its name): written when it is ready and by
    a beat job every half minute, read by /healthz."""

    worker = models.CharField(_("任务进程"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("最近心跳"))

    class Meta:
        verbose_name = _("任务进程心跳")
        verbose_name_plural = _("任务进程心跳")
        ordering = ["-seen_at"]

    def __str__(self):
        return f"{self.worker} {self.seen_at:%Y-%m-%d %H:%M:%S}"
