from django.db import models
from django.utils.translation import gettext_lazy as _


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
    """What a diary problem can become (the services issue implements the targets)."""

    REQUEST = "request", _("居民诉求")
    WHISTLE = "whistle", _("吹哨报到")


# Allowed diary status changes: from → to.
DIARY_TRANSITIONS = {
    DiaryStatus.OPEN: {DiaryStatus.RESOLVED, DiaryStatus.CONVERTED},
    DiaryStatus.RECORDED: set(),
    DiaryStatus.RESOLVED: set(),
    DiaryStatus.CONVERTED: set(),
}
