from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.checklists.choices import (
    CHECKLIST_WORKFLOW,
    Appraisal,
    ChecklistStatus,
    ItemKind,
    ItemStatus,
    ProblemSource,
    RecordKind,
)
from dangjian.models import StatusEvent, status_fields
from dangjian.scoping import ScopedQuerySet, Through
from organizations.orgs.models import PartyOrg


# ===================================================================== four lists (四张清单)
class ChecklistQuerySet(ScopedQuerySet):
    scope_paths = (Through("org"),)


class Checklist(models.Model):
    """An organization's four lists for one year: listed at year start (draft → submitted →
    approved by the superior organization), checked mid-year, reported at year end (述职)
    and appraised by the superior."""

    org = models.ForeignKey(PartyOrg, on_delete=models.CASCADE, related_name="checklists", verbose_name=_("党组织"))
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=16, choices=ChecklistStatus.choices, default=ChecklistStatus.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("提交人")
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("审批人")
    )
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    midyear_note = models.TextField(_("年中检查意见"), max_length=2000, blank=True)
    midyear_at = models.DateTimeField(_("年中检查时间"), null=True, blank=True)
    midyear_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("检查人")
    )
    report_text = models.TextField(_("书记述职报告"), max_length=10000, blank=True)
    reported_at = models.DateTimeField(_("述职时间"), null=True, blank=True)
    appraisal = models.CharField(_("评议等次"), max_length=16, choices=Appraisal.choices, blank=True)
    appraisal_note = models.CharField(_("评议意见"), max_length=500, blank=True)
    appraised_at = models.DateTimeField(_("评议时间"), null=True, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("评议人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ChecklistQuerySet.as_manager()
    workflow = CHECKLIST_WORKFLOW

    class Meta:
        verbose_name = _("四张清单")
        verbose_name_plural = _("四张清单")
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="checklist_once_a_year")]
        indexes = [models.Index(fields=["year", "status"], name="checklist_year_status")]

    def __str__(self):
        return f"{self.org} {self.year}年四张清单"

    def make_event(self, *, actor, from_status, to_status, note=""):
        return ChecklistEvent.of(checklist=self, actor=actor, action=to_status, from_status=from_status,
                                 to_status=to_status, note=note)


def evidence_path(instance, filename):
    return f"checklists/{instance.checklist_id}/{filename}"


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items", verbose_name=_("清单"))
    kind = models.CharField(_("清单类别"), max_length=16, choices=ItemKind.choices)
    title = models.CharField(_("事项"), max_length=200)
    detail = models.TextField(_("具体内容"), max_length=2000, blank=True)
    owner = models.CharField(_("责任人"), max_length=50, blank=True)
    due_on = models.DateField(_("完成时限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    source = models.CharField(_("问题来源"), max_length=16, choices=ProblemSource.choices, blank=True)
    problem = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="rectifications",
        verbose_name=_("对应问题"), limit_choices_to={"kind": ItemKind.PROBLEM},
    )
    max_points = models.DecimalField(_("分值"), max_digits=6, decimal_places=1, null=True, blank=True)
    evidence_note = models.TextField(_("整改/完成情况"), max_length=2000, blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_path, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    # Bound to a record source (``assessments.figures.catalogue``): blank = a manual item.
    figure = models.CharField(_("数据来源"), max_length=60, blank=True, help_text=_("指标库中的指标代码；空为手工填报事项。"))
    figure_params = models.JSONField(_("数据来源参数"), default=dict, blank=True)
    target = models.DecimalField(_("目标值"), max_digits=10, decimal_places=1, null=True, blank=True)
    # derived: written by ``checklist_items_refresh`` only
    progress = models.DecimalField(_("当前进度"), max_digits=12, decimal_places=1, null=True, blank=True)
    progress_text = models.CharField(_("进度说明"), max_length=200, blank=True)
    progress_counts = models.JSONField(_("进度依据的计数"), default=dict, blank=True)
    progress_url = models.CharField(_("业务记录链接"), max_length=300, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ["kind", "due_on", "id"]
        indexes = [
            models.Index(fields=["checklist", "kind"], name="item_checklist_kind"),
            models.Index(fields=["status", "due_on"], name="item_status_due"),
            models.Index(fields=["computed_at"], name="item_computed_at"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_bound(self) -> bool:
        """Read from the records: its progress is computed, nobody completes it by hand."""
        return bool(self.figure)

    @property
    def progress_percent(self) -> int | None:
        """How far towards the target, 0–100 (for the bar)."""
        if self.progress is None or not self.target:
            return None
        return max(0, min(100, int(self.progress * 100 / self.target)))

    def make_event(self, *, actor, from_status, to_status, note=""):
        """The list's event of a change of this item: ``item_complete`` when done; when closed
        ``problem_close`` for a problem, ``rectification_close`` for a rectification."""
        if to_status == ItemStatus.DONE:
            action = "item_complete"
        elif to_status == ItemStatus.OPEN:
            action = "item_reopen"
        else:
            action = "problem_close" if self.kind == ItemKind.PROBLEM else "rectification_close"
        return ChecklistEvent.of(checklist_id=self.checklist_id, item=self, actor=actor, action=action,
                                 from_status=from_status, to_status=to_status, note=note)


class ChecklistEvent(StatusEvent):
    """A step of a list or of one of its items (``item``): ``action`` names what was done
    (a status change, or a write that leaves the status as it is, such as 年中检查), and
    the statuses are the list's or the item's."""

    subject = "checklist"

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="events", verbose_name=_("清单"))
    item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.CASCADE, related_name="events", verbose_name=_("事项")
    )
    action = models.CharField(_("操作"), max_length=24)
    from_status, to_status = status_fields(to_blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = _("清单记录")
        verbose_name_plural = _("清单记录")

    def __str__(self):
        return f"{self.checklist_id} {self.action}"


class ItemRecord(models.Model):
    """A record a rectification's 销号 cites as its evidence: an activity of the
    organization's subtree, a resolved whistle, a resolved request.

    A kind + id + label + link row rather than three typed foreign keys: the three kinds
    live in three apps, a cited record stays cited (its label and link, as they were at
    销号) even if the record is changed later, and deleting a record never deletes the
    evidence of a closed rectification; the link opens the record's own page, whose scope
    decides who sees it."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="records", verbose_name=_("事项"))
    kind = models.CharField(_("记录类别"), max_length=16, choices=RecordKind.choices)
    object_id = models.PositiveBigIntegerField(_("记录编号"))
    label = models.CharField(_("记录"), max_length=200)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("引用时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("销号引用的业务记录")
        verbose_name_plural = _("销号引用的业务记录")
        ordering = ["item", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "kind", "object_id"], name="item_record_once")]

    def __str__(self):
        return self.label
