from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.workflow import Workflow


class DiaryKind(models.TextChoices):
    VISIT = "visit", _("走访")
    PROBLEM = "problem", _("问题")


class DiaryCategory(models.TextChoices):
    HOME_VISIT = "home_visit", _("入户走访")
    DISPUTE = "dispute", _("矛盾纠纷")
    ENVIRONMENT = "environment", _("环境卫生")
    FACILITY = "facility", _("设施维修")
    SAFETY = "safety", _("安全隐患")
    HARDSHIP = "hardship", _("困难帮扶")
    POLICY = "policy", _("政策咨询")
    PROPERTY = "property", _("物业管理")
    OTHER = "other", _("其他")


class DiaryStatus(models.TextChoices):
    RECORDED = "recorded", _("已记录")
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已解决")
    CONVERTED = "converted", _("已转办")


class ConversionTarget(models.TextChoices):
    """What a diary problem can become (a resident request or a whistle, made by services.requests and services.whistles)."""

    REQUEST = "request", _("居民诉求")
    WHISTLE = "whistle", _("吹哨报到")


class DiaryAction(models.TextChoices):
    """The use cases that change a diary entry's status (a visit is only recorded)."""

    RESOLVE = "resolve", _("登记解决")
    CONVERT = "convert", _("转办")


DIARY_ACTIONS = {
    DiaryAction.RESOLVE: (frozenset({DiaryStatus.OPEN}), DiaryStatus.RESOLVED),
    DiaryAction.CONVERT: (frozenset({DiaryStatus.OPEN}), DiaryStatus.CONVERTED),
}
# Allowed diary status changes: from → to (derived from the actions).
DIARY_WORKFLOW = Workflow(DiaryStatus, DIARY_ACTIONS, rules="grids.diary.permissions.DIARY_RULES")
DIARY_TRANSITIONS = DIARY_WORKFLOW.table
