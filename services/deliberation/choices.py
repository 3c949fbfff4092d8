"""Choices and the workflows of residents' deliberation (居民议事): a matter proposed by a
resident (民事民提), screened by the community into a topic (议题), deliberated at a meeting
(民事民议), decided by the meeting's vote (民事民决), turned into work with an owner and a
deadline (民事民办), and rated by the residents who proposed or supported it (民事民评)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.workflow import Workflow


class TopicStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    ACCEPTED = "accepted", _("已立为议题")
    MERGED = "merged", _("已合并")
    DECLINED = "declined", _("未立项")
    DELIBERATING = "deliberating", _("议事中")
    DECIDED = "decided", _("已表决")
    IN_PROGRESS = "in_progress", _("办理中")
    DONE = "done", _("已办结")
    RATED = "rated", _("已评价")


class TopicAction(models.TextChoices):
    ACCEPT = "accept", _("立为议题")
    MERGE = "merge", _("合并到已有议题")
    DECLINE = "decline", _("不予立项")
    DELIBERATE = "deliberate", _("召开议事会")
    DECIDE = "decide", _("形成决定")
    START_WORK = "start_work", _("交办落实")
    COMPLETE = "complete", _("确认办结")
    RATE = "rate", _("评价")


TOPIC_ACTIONS = {
    TopicAction.ACCEPT: (frozenset({TopicStatus.PROPOSED}), TopicStatus.ACCEPTED),
    TopicAction.MERGE: (frozenset({TopicStatus.PROPOSED}), TopicStatus.MERGED),
    TopicAction.DECLINE: (frozenset({TopicStatus.PROPOSED}), TopicStatus.DECLINED),
    TopicAction.DELIBERATE: (frozenset({TopicStatus.ACCEPTED}), TopicStatus.DELIBERATING),
    TopicAction.DECIDE: (frozenset({TopicStatus.DELIBERATING}), TopicStatus.DECIDED),
    TopicAction.START_WORK: (frozenset({TopicStatus.DECIDED}), TopicStatus.IN_PROGRESS),
    TopicAction.COMPLETE: (frozenset({TopicStatus.IN_PROGRESS}), TopicStatus.DONE),
    TopicAction.RATE: (frozenset({TopicStatus.DONE}), TopicStatus.RATED),
}
TOPIC_WORKFLOW = Workflow(TopicStatus, TOPIC_ACTIONS, rules="services.deliberation.permissions.TOPIC_RULES")
TOPIC_TRANSITIONS = TOPIC_WORKFLOW.table

TOPIC_REFUSALS = {
    (TopicAction.ACCEPT, TopicStatus.ACCEPTED): _("该事项已经立为议题。"),
    (TopicAction.ACCEPT, TopicStatus.DECLINED): _("该事项已不予立项。"),
    (TopicAction.ACCEPT, TopicStatus.MERGED): _("该事项已合并到其他议题。"),
    (TopicAction.DELIBERATE, TopicStatus.PROPOSED): _("事项须先经社区审核立为议题，才能召开议事会。"),
    (TopicAction.DELIBERATE, TopicStatus.DELIBERATING): _("该议题已经召开议事会，请登记表决结果。"),
    (TopicAction.DECIDE, TopicStatus.ACCEPTED): _("须先召开议事会并登记表决，才能形成决定。"),
    (TopicAction.DECIDE, TopicStatus.DECIDED): _("该议题已经形成决定。"),
    (TopicAction.START_WORK, TopicStatus.DELIBERATING): _("议题尚未形成决定，不能交办。"),
    (TopicAction.START_WORK, TopicStatus.IN_PROGRESS): _("该决定已经交办落实。"),
    (TopicAction.COMPLETE, TopicStatus.DONE): _("该议题已经办结。"),
    (TopicAction.RATE, TopicStatus.IN_PROGRESS): _("议题办结后才能评价。"),
    (TopicAction.RATE, TopicStatus.DECIDED): _("议题办结后才能评价。"),
}

# The stages in their order (the public page's progress); the five steps they belong to.
TOPIC_PATH = (
    TopicStatus.PROPOSED, TopicStatus.ACCEPTED, TopicStatus.DELIBERATING, TopicStatus.DECIDED,
    TopicStatus.IN_PROGRESS, TopicStatus.DONE, TopicStatus.RATED,
)
# Open to residents' supports and comments (a topic the community accepted, before the decision).
OPEN_STATUSES = (TopicStatus.ACCEPTED, TopicStatus.DELIBERATING)
# Public: a topic page shows the matter once the community accepted it.
PUBLIC_STATUSES = (
    TopicStatus.ACCEPTED, TopicStatus.DELIBERATING, TopicStatus.DECIDED, TopicStatus.IN_PROGRESS,
    TopicStatus.DONE, TopicStatus.RATED,
)
DECIDED_STATUSES = (TopicStatus.DECIDED, TopicStatus.IN_PROGRESS, TopicStatus.DONE, TopicStatus.RATED)
SETTLED_STATUSES = (TopicStatus.DONE, TopicStatus.RATED)
# Rated: supporters may still rate a topic the proposer rated first.
RATABLE_STATUSES = (TopicStatus.DONE, TopicStatus.RATED)


class TopicSource(models.TextChoices):
    RESIDENT = "resident", _("居民手机提交")
    DIARY = "diary", _("民情日记")
    MEETING = "meeting", _("会议提出")
    STAFF = "staff", _("工作人员代录")


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    SHOWN = "shown", _("已公开")
    HIDDEN = "hidden", _("不公开")


class CommentAction(models.TextChoices):
    SHOW = "show", _("公开")
    HIDE = "hide", _("不公开")


COMMENT_ACTIONS = {
    CommentAction.SHOW: (frozenset({CommentStatus.PENDING, CommentStatus.HIDDEN}), CommentStatus.SHOWN),
    CommentAction.HIDE: (frozenset({CommentStatus.PENDING, CommentStatus.SHOWN}), CommentStatus.HIDDEN),
}
COMMENT_WORKFLOW = Workflow(CommentStatus, COMMENT_ACTIONS, rules="services.deliberation.permissions.COMMENT_RULES")
COMMENT_TRANSITIONS = COMMENT_WORKFLOW.table


# ------------------------------------------------------------------- decision rules (data)
class MeetingKind(models.TextChoices):
    RESIDENTS_COUNCIL = "residents_council", _("居民议事会")
    GRID_COUNCIL = "grid_council", _("网格议事会")
    OWNERS_ASSEMBLY = "owners_assembly", _("业主大会")
    CONSULTATION = "consultation", _("会商议事团")


class VoterBasis(models.TextChoices):
    """Who may vote at a meeting of a rule."""

    REPRESENTATIVES = "representatives", _("居民代表")
    MEMBERS = "members", _("党员")
    OWNERS = "owners", _("业主及业主代表")
    ALL = "all", _("全体参会人员")


class QuorumKind(models.TextChoices):
    SHARE = "share", _("应到人数的比例")
    COUNT = "count", _("固定人数")


class Majority(models.TextChoices):
    SIMPLE = "simple", _("过半数")
    TWO_THIRDS = "two_thirds", _("三分之二以上")


class ParticipantKind(models.TextChoices):
    REPRESENTATIVE = "representative", _("居民代表")
    MEMBER = "member", _("党员")
    PROPERTY = "property", _("物业服务企业")
    OWNERS_COMMITTEE = "owners_committee", _("业主委员会")
    UNIT = "unit", _("驻区单位")
    GRID = "grid", _("网格长/楼门长")
    SOCIAL_WORKER = "social_worker", _("社会工作者")
    OTHER = "other", _("其他")


# Which participants a rule's voters are.
VOTER_KINDS = {
    VoterBasis.REPRESENTATIVES: frozenset({ParticipantKind.REPRESENTATIVE}),
    VoterBasis.MEMBERS: frozenset({ParticipantKind.MEMBER}),
    VoterBasis.OWNERS: frozenset({ParticipantKind.REPRESENTATIVE, ParticipantKind.OWNERS_COMMITTEE}),
    VoterBasis.ALL: frozenset(ParticipantKind.values),
}


# ------------------------------------------------------------------------ 民事民办
class WorkKind(models.TextChoices):
    REQUEST = "request", _("居民诉求（派单办理）")
    WHISTLE = "whistle", _("吹哨报到（部门办理）")
    CHECKLIST = "checklist", _("四张清单事项")
    # reserved for the service projects of ``network.projects`` (built separately): no form
    # offers it until that feature links here
    PROJECT = "project", _("服务项目（预留）")


OFFERED_WORK_KINDS = (WorkKind.REQUEST, WorkKind.WHISTLE, WorkKind.CHECKLIST)


class RaterRole(models.TextChoices):
    PROPOSER = "proposer", _("提议人")
    SUPPORTER = "supporter", _("附议居民")
