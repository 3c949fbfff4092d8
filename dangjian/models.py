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
