from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.workflow import Workflow, transitions_from


# ===================================================================== four lists (四张清单)
class ChecklistStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已审批")
    RETURNED = "returned", _("已退回")


class ChecklistAction(models.TextChoices):
    SUBMIT = "submit", _("提交审批")
    APPROVE = "approve", _("审批通过")
    RETURN = "return", _("退回修改")


CHECKLIST_ACTIONS = {
    ChecklistAction.SUBMIT: (frozenset({ChecklistStatus.DRAFT, ChecklistStatus.RETURNED}), ChecklistStatus.SUBMITTED),
    ChecklistAction.APPROVE: (frozenset({ChecklistStatus.SUBMITTED}), ChecklistStatus.APPROVED),
    ChecklistAction.RETURN: (frozenset({ChecklistStatus.SUBMITTED}), ChecklistStatus.RETURNED),
}
# status → statuses it may change to (derived from the actions)
CHECKLIST_WORKFLOW = Workflow(ChecklistStatus, CHECKLIST_ACTIONS, rules="assessments.checklists.permissions.CHECKLIST_RULES")
CHECKLIST_TRANSITIONS = CHECKLIST_WORKFLOW.table


class ItemKind(models.TextChoices):
    RESPONSIBILITY = "responsibility", _("责任清单")
    PROBLEM = "problem", _("问题清单")
    RECTIFICATION = "rectification", _("整改清单")
    ASSESSMENT = "assessment", _("考核清单")


class ProblemSource(models.TextChoices):
    MONTHLY = "monthly", _("月调度")
    HALF_YEAR = "half_year", _("半年督查")
    OBSERVATION = "observation", _("观摩评议")
    OTHER = "other", _("其他")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    DONE = "done", _("已完成")
    CLOSED = "closed", _("已销号")


class ItemAction(models.TextChoices):
    COMPLETE = "complete", _("完成")
    CLOSE = "close", _("销号")
    REOPEN = "reopen", _("重新打开")


# complete: a responsibility or assessment item is done; close: a rectification is closed
# (销号), and its problem once every rectification of it is closed; reopen: a bound item
# (one that reads the records) whose progress fell below its target again — only the
# records' refresh (``checklist_items_refresh``) takes it, never a person, never for a
# manual item.
ITEM_ACTIONS = {
    ItemAction.COMPLETE: (frozenset({ItemStatus.OPEN}), ItemStatus.DONE),
    ItemAction.CLOSE: (frozenset({ItemStatus.OPEN}), ItemStatus.CLOSED),
    ItemAction.REOPEN: (frozenset({ItemStatus.DONE}), ItemStatus.OPEN),
}
BOUND_ONLY_ACTIONS = frozenset({ItemAction.REOPEN})
ITEM_TRANSITIONS = transitions_from(ITEM_ACTIONS, ItemStatus)


class Appraisal(models.TextChoices):
    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("差")


class RecordKind(models.TextChoices):
    """Records a rectification's 销号 may cite as its evidence."""

    ACTIVITY = "activity", _("组织生活")
    WHISTLE = "whistle", _("吹哨报到")
    REQUEST = "request", _("居民诉求")


# Responsibility and assessment items: planned at year start, fixed once the list is approved.
PLANNED_KINDS = frozenset({ItemKind.RESPONSIBILITY, ItemKind.ASSESSMENT})

# What an event row's ``action`` means, for the history on the page and in the API.
EVENT_LABELS = {
    "create": _("创建清单"),
    ChecklistStatus.SUBMITTED.value: _("提交审批"),
    ChecklistStatus.APPROVED.value: _("审批通过"),
    ChecklistStatus.RETURNED.value: _("退回修改"),
    "midyear_check": _("年中检查"),
    "report": _("书记述职"),
    "appraise": _("年终评议"),
    "item_add": _("新增事项"),
    "item_update": _("修改事项"),
    "item_delete": _("删除事项"),
    "item_progress": _("填报进展"),
    "item_complete": _("完成事项"),
    "item_reopen": _("重新打开事项"),
    "rectification_close": _("整改销号"),
    "problem_close": _("问题销号"),
}
