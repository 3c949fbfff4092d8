"""Choices of 组织关系转接 (transfers) and of a member's contact state, and the transfer's
workflow (``dangjian.workflow.Workflow``)."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.workflow import Workflow
from organizations.grants.choices import MANAGE_ROLES
from organizations.members.choices import CURRENT_STATES, MANUAL_STATES, ContactState  # noqa: F401 (the member's states)


class TransferKind(models.TextChoices):
    WITHIN = "within", _("系统内转接")
    OUT = "out", _("转出系统（开具介绍信）")
    IN = "in", _("从系统外转入（凭介绍信）")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    RETURNED = "returned", _("已退回")
    CANCELLED = "cancelled", _("已撤销")


class TransferAction(models.TextChoices):
    ACCEPT = "accept", _("接收")
    RETURN = "return", _("退回")
    CANCEL = "cancel", _("撤销")
    RECEIPT = "receipt", _("登记回执")


OPEN_STATUSES = (TransferStatus.PENDING,)

TRANSFER_ACTIONS = {
    # within the portal: the receiving branch's cadres accept or return
    TransferAction.ACCEPT: (frozenset({TransferStatus.PENDING}), TransferStatus.ACCEPTED),
    TransferAction.RETURN: (frozenset({TransferStatus.PENDING}), TransferStatus.RETURNED),
    # the sender, while nobody has answered
    TransferAction.CANCEL: (frozenset({TransferStatus.PENDING}), TransferStatus.CANCELLED),
    # out of the portal: the sender records the 回执 sent back by the receiving 基层党委
    TransferAction.RECEIPT: (frozenset({TransferStatus.PENDING}), TransferStatus.ACCEPTED),
}
TRANSFER_WORKFLOW = Workflow(TransferStatus, TRANSFER_ACTIONS, rules="organizations.transfers.permissions.TRANSFER_RULES")
TRANSFER_TRANSITIONS = TRANSFER_WORKFLOW.table

# Who works with transfers: the cadres of a branch (its subtree's managing roles).
TRANSFER_ROLES = frozenset(MANAGE_ROLES)


class LetterDirection(models.TextChoices):
    OUT = "out", _("本系统开具")
    IN = "in", _("外来介绍信")
