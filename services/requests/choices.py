from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.workflow import Workflow


# ===================================================================== requests (点单)
class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待派单")
    DISPATCHED = "dispatched", _("已派单")
    ACCEPTED = "accepted", _("已接单")
    RESOLVED = "resolved", _("已办结")
    RATED = "rated", _("已评价")
    CANCELLED = "cancelled", _("已取消")


class RequestAction(models.TextChoices):
    SUBMIT = "submit", _("点单")
    DISPATCH = "dispatch", _("派单")
    DECLINE = "decline", _("退单")
    ACCEPT = "accept", _("接单")
    RESOLVE = "resolve", _("办结")
    RATE = "rate", _("评单")
    CANCEL = "cancel", _("取消")


# dispatch: the community assigns (or re-assigns before acceptance); decline: the assignee
# hands it back to the community before accepting.
REQUEST_ACTIONS = {
    RequestAction.DISPATCH: (frozenset({RequestStatus.SUBMITTED, RequestStatus.DISPATCHED}), RequestStatus.DISPATCHED),
    RequestAction.DECLINE: (frozenset({RequestStatus.DISPATCHED}), RequestStatus.SUBMITTED),
    RequestAction.ACCEPT: (frozenset({RequestStatus.DISPATCHED}), RequestStatus.ACCEPTED),
    RequestAction.RESOLVE: (frozenset({RequestStatus.ACCEPTED}), RequestStatus.RESOLVED),
    RequestAction.RATE: (frozenset({RequestStatus.RESOLVED}), RequestStatus.RATED),
    RequestAction.CANCEL: (
        frozenset({RequestStatus.SUBMITTED, RequestStatus.DISPATCHED, RequestStatus.ACCEPTED}), RequestStatus.CANCELLED,
    ),
}


REQUEST_WORKFLOW = Workflow(RequestStatus, REQUEST_ACTIONS, rules="services.requests.permissions.REQUEST_RULES")
REQUEST_TRANSITIONS = REQUEST_WORKFLOW.table
REQUEST_OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.DISPATCHED, RequestStatus.ACCEPTED)
REQUEST_DONE_STATUSES = (RequestStatus.RESOLVED, RequestStatus.RATED)
REQUEST_PATH = (
    RequestStatus.SUBMITTED, RequestStatus.DISPATCHED, RequestStatus.ACCEPTED, RequestStatus.RESOLVED, RequestStatus.RATED,
)


class AssigneeKind(models.TextChoices):
    MEMBER = "member", _("党员")
    GRID_WORKER = "grid_worker", _("网格员")
    TEAM = "team", _("志愿服务队")


class RequestSource(models.TextChoices):
    WEB = "web", _("居民手机点单")
    OPEN311 = "open311", _("Open311 接口")
    DIARY = "diary", _("民情日记转办")
    STAFF = "staff", _("工作人员代录")


# Service hours credited to a member who resolved a request they accepted.
REQUEST_SERVICE_HOURS = Decimal("1.0")
