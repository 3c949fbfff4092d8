"""Choices of 民主评议党员 (the yearly democratic appraisal of party members): the round's
status and its use cases, and the four grades."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.workflow import Workflow


class AppraisalStatus(models.TextChoices):
    DRAFT = "draft", _("评议中")
    CONFIRMED = "confirmed", _("支部已确认")
    APPROVED = "approved", _("上级已审核")


class AppraisalAction(models.TextChoices):
    CONFIRM = "confirm", _("支部确认结果")
    APPROVE = "approve", _("上级审核通过")
    REOPEN = "reopen", _("退回重新评议")


# confirm: the branch confirms the grades (the result counts from here); approve: the
# superior organization approves them (optional); reopen: the superior sends a confirmed
# round back with a reason (or the branch takes it back before approval).
APPRAISAL_ACTIONS = {
    AppraisalAction.CONFIRM: (frozenset({AppraisalStatus.DRAFT}), AppraisalStatus.CONFIRMED),
    AppraisalAction.APPROVE: (frozenset({AppraisalStatus.CONFIRMED}), AppraisalStatus.APPROVED),
    AppraisalAction.REOPEN: (frozenset({AppraisalStatus.CONFIRMED}), AppraisalStatus.DRAFT),
}
APPRAISAL_WORKFLOW = Workflow(AppraisalStatus, APPRAISAL_ACTIONS, rules="assessments.appraisal.permissions.APPRAISAL_RULES")
APPRAISAL_TRANSITIONS = APPRAISAL_WORKFLOW.table

#: the statuses whose grades are results (the member's record, the figures)
RESULT_STATUSES = frozenset({AppraisalStatus.CONFIRMED, AppraisalStatus.APPROVED})


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    QUALIFIED = "qualified", _("合格")
    BASIC = "basic", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")


#: 合格 and above: refused to an in-service member who did not report to their community
QUALIFIED_OR_ABOVE = frozenset({Grade.EXCELLENT, Grade.QUALIFIED})
#: grades that need a written note (the facts behind them)
NOTE_REQUIRED = frozenset({Grade.BASIC, Grade.UNQUALIFIED})
