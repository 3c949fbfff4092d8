"""Choices of the regional network (区域化党建): the kinds of joint committees, the roles of
their seats, the three yearly commitments of a member unit, and the problems' workflow."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.workflow import Workflow
from organizations.areas.choices import AreaLevel


class CommitteeKind(models.TextChoices):
    STREET = "street", _("街道大工委")
    COMMUNITY = "community", _("社区大党委")
    JOINT = "joint", _("联席会")


# The area levels a committee of each kind sits on.
KIND_LEVELS = {
    CommitteeKind.STREET: (AreaLevel.STREET,),
    CommitteeKind.COMMUNITY: (AreaLevel.COMMUNITY,),
    CommitteeKind.JOINT: (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY),
}
COMMITTEE_LEVELS = (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)


class SeatRole(models.TextChoices):
    DEPUTY_SECRETARY = "deputy", _("兼职副书记")
    MEMBER = "member", _("兼职委员")
    UNIT = "unit", _("成员")


# The roles whose holders are 兼职委员 in the figures (a plain member unit is not).
PART_TIME_ROLES = (SeatRole.DEPUTY_SECRETARY, SeatRole.MEMBER)


class CommitmentKind(models.TextChoices):
    SUGGESTION = "suggestion", _("一条建议")
    FUNDS = "funds", _("一笔资金")
    DEED = "deed", _("一件实事")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("待解决")
    WHISTLED = "whistled", _("已吹哨")
    SETTLED = "settled", _("已解决")
    DECLINED = "declined", _("不予解决")


class ProblemAction(models.TextChoices):
    SETTLE = "settle", _("登记解决")
    WHISTLE = "whistle", _("吹哨")
    DECLINE = "decline", _("不予解决")


# A whistled problem is settled when its whistle is (selectors.settled_q); while its whistle
# is live nothing else may be done with it; once the whistle is cancelled the committee may
# whistle again, settle it itself or decline it (permissions.PROBLEM_RULES, actions check).
PROBLEM_ACTIONS = {
    ProblemAction.SETTLE: (frozenset({ProblemStatus.OPEN, ProblemStatus.WHISTLED}), ProblemStatus.SETTLED),
    ProblemAction.WHISTLE: (frozenset({ProblemStatus.OPEN, ProblemStatus.WHISTLED}), ProblemStatus.WHISTLED),
    ProblemAction.DECLINE: (frozenset({ProblemStatus.OPEN, ProblemStatus.WHISTLED}), ProblemStatus.DECLINED),
}
PROBLEM_WORKFLOW = Workflow(ProblemStatus, PROBLEM_ACTIONS, rules="network.committees.permissions.PROBLEM_RULES")
PROBLEM_TRANSITIONS = PROBLEM_WORKFLOW.table


class ProblemShown(models.TextChoices):
    """What a problem's page and lists show: its own status, except that a whistled problem
    reads its whistle (closed → 已解决, cancelled → 吹哨已撤销)."""

    OPEN = "open", _("待解决")
    WHISTLED = "whistled", _("已吹哨，办理中")
    SETTLED = "settled", _("已解决")
    DECLINED = "declined", _("不予解决")
    WITHDRAWN = "withdrawn", _("吹哨已撤销")
