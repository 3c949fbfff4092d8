"""Choices of 经费: the purposes of a yearly allocation and the categories of spending."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class FundPurpose(models.TextChoices):
    ORG_WORK = "org_work", _("党组织工作经费")
    COMMUNITY_SERVICE = "community_service", _("社区服务群众专项经费")
    MEMBER_EDUCATION = "member_education", _("党员教育经费")
    OTHER = "other", _("其他")


class SpendingCategory(models.TextChoices):
    ACTIVITY = "activity", _("活动经费")
    FACILITY = "facility", _("阵地建设")
    EDUCATION = "education", _("学习教育")
    RELIEF = "relief", _("慰问帮扶")
    PROJECT = "project", _("服务项目")
    OTHER = "other", _("其他")


AUDIT_VERBS = {
    "fund.allocate": _("下拨经费"),
    "fund.allocation_update": _("修改经费下拨"),
    "fund.spend": _("登记经费支出"),
    "fund.import": _("导入经费下拨"),
}
