from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.workflow import Workflow


# ==================================================================== whistles (吹哨)
class WhistleStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    AWAITING = "awaiting", _("待确认")
    CLOSED = "closed", _("已办结")
    CANCELLED = "cancelled", _("已撤销")


class WhistleAction(models.TextChoices):
    """The changes of a whistle's own status: ``cancel`` by the whistling side; the others
    follow its targets (``services.whistles.actions``)."""

    AWAIT = "await", _("转待确认")
    REOPEN = "reopen", _("恢复办理")
    CLOSE = "close", _("办结")
    CANCEL = "cancel", _("撤销")


WHISTLE_ACTIONS = {
    WhistleAction.AWAIT: (frozenset({WhistleStatus.OPEN}), WhistleStatus.AWAITING),
    WhistleAction.REOPEN: (frozenset({WhistleStatus.AWAITING}), WhistleStatus.OPEN),
    WhistleAction.CLOSE: (frozenset({WhistleStatus.OPEN, WhistleStatus.AWAITING}), WhistleStatus.CLOSED),
    WhistleAction.CANCEL: (frozenset({WhistleStatus.OPEN, WhistleStatus.AWAITING}), WhistleStatus.CANCELLED),
}
WHISTLE_WORKFLOW = Workflow(WhistleStatus, WHISTLE_ACTIONS, rules="services.whistles.permissions.WHISTLE_RULES")
WHISTLE_TRANSITIONS = WHISTLE_WORKFLOW.table
LIVE_STATUSES = (WhistleStatus.OPEN, WhistleStatus.AWAITING)


class WhistleSource(models.TextChoices):
    NEW = "new", _("直接吹哨")
    REQUEST = "request", _("居民诉求")
    DIARY = "diary", _("民情日记")
    COMMITTEE = "committee", _("联席会议")


class TargetStatus(models.TextChoices):
    NOTIFIED = "notified", _("待报到")
    REPORTED = "reported", _("已报到")
    RESOLVED = "resolved", _("已办理")
    CONFIRMED = "confirmed", _("已确认")
    REOPENED = "reopened", _("已退回重办")


class TargetAction(models.TextChoices):
    REPORT = "report", _("报到")
    RESOLVE = "resolve", _("办理完毕")
    CONFIRM = "confirm", _("确认办结")
    REOPEN = "reopen", _("退回重办")


TARGET_ACTIONS = {
    TargetAction.REPORT: (frozenset({TargetStatus.NOTIFIED}), TargetStatus.REPORTED),
    TargetAction.RESOLVE: (frozenset({TargetStatus.REPORTED, TargetStatus.REOPENED}), TargetStatus.RESOLVED),
    TargetAction.CONFIRM: (frozenset({TargetStatus.RESOLVED}), TargetStatus.CONFIRMED),
    TargetAction.REOPEN: (frozenset({TargetStatus.RESOLVED}), TargetStatus.REOPENED),
}
TARGET_WORKFLOW = Workflow(TargetStatus, TARGET_ACTIONS, rules="services.whistles.permissions.TARGET_RULES")
TARGET_TRANSITIONS = TARGET_WORKFLOW.table
# Targets still to be answered by their department or unit.
TODO_STATUSES = (TargetStatus.NOTIFIED, TargetStatus.REPORTED, TargetStatus.REOPENED)


class EscalationStage(models.IntegerChoices):
    NONE = 0, _("未升级")
    REPORT_OVERDUE = 1, _("逾期未报到，已升级")
    RESOLVE_OVERDUE = 2, _("逾期未办结，已升级")


