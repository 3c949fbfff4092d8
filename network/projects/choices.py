"""Choices of 项目化服务: who a project serves, its status workflow (立项 → 实施中 → 结项,
or 撤销), and the audit verbs."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.workflow import Workflow


class ServedGroup(models.TextChoices):
    ELDERLY = "elderly", _("老年人")
    CHILDREN = "children", _("儿童")
    NEEDY = "needy", _("困难群众")
    DISABLED = "disabled", _("残疾人")
    MIGRANT = "migrant", _("流动人口")
    YOUTH = "youth", _("青少年")
    VETERANS = "veterans", _("退役军人")
    ALL = "all", _("全体居民")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("立项")
    RUNNING = "running", _("实施中")
    CLOSED = "closed", _("已结项")
    CANCELLED = "cancelled", _("已撤销")


class ProjectAction(models.TextChoices):
    START = "start", _("开始实施")
    CLOSE = "close", _("结项")
    CANCEL = "cancel", _("撤销")


PROJECT_ACTIONS = {
    ProjectAction.START: (frozenset({ProjectStatus.DRAFT}), ProjectStatus.RUNNING),
    ProjectAction.CLOSE: (frozenset({ProjectStatus.RUNNING}), ProjectStatus.CLOSED),
    ProjectAction.CANCEL: (frozenset({ProjectStatus.DRAFT, ProjectStatus.RUNNING}), ProjectStatus.CANCELLED),
}
PROJECT_WORKFLOW = Workflow(ProjectStatus, PROJECT_ACTIONS, rules="network.projects.permissions.PROJECT_RULES")
PROJECT_TRANSITIONS = PROJECT_WORKFLOW.table
# Records may be linked to (and unlinked from) a project in these statuses.
LINKABLE_STATUSES = (ProjectStatus.DRAFT, ProjectStatus.RUNNING)


class LinkKind(models.TextChoices):
    ACTIVITY = "activity", _("组织生活/活动")
    WISH = "wish", _("微心愿")
    REQUEST = "request", _("居民诉求")


AUDIT_VERBS = {
    "project.create": _("新建服务项目"),
    "project.update": _("修改服务项目"),
    "project.link": _("关联服务记录"),
    "project.unlink": _("取消关联服务记录"),
    "brand.create": _("新建服务品牌"),
    "brand.update": _("修改服务品牌"),
}
