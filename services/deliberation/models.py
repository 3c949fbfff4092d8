"""Residents' deliberation (居民议事): topics with their options, supports and comments, the
decision rules of each kind of meeting, the meetings (a 议事会 ``assessments.Activity`` each)
with participants and votes per option, and the residents' ratings of the result."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian import trees
from dangjian.crypto import EncryptedCharField, KeyedHashField
from dangjian.models import StatusEvent, status_fields
from dangjian.privacy import mask_phone, mask_public_text
from dangjian.scoping import ScopedQuerySet
from services.deliberation.choices import (
    COMMENT_WORKFLOW,
    PUBLIC_STATUSES,
    TOPIC_WORKFLOW,
    CommentStatus,
    Majority,
    MeetingKind,
    ParticipantKind,
    QuorumKind,
    RaterRole,
    TopicSource,
    TopicStatus,
    VoterBasis,
    WorkKind,
)
from services.resident.choices import Satisfaction


class MeetingRule(models.Model):
    """Who may vote at a kind of meeting, its quorum and the majority a decision needs: data,
    edited in the admin (a district may add its own kinds)."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    kind = models.CharField(_("会议类型"), max_length=24, choices=MeetingKind.choices)
    voters = models.CharField(_("表决人员"), max_length=24, choices=VoterBasis.choices)
    quorum_kind = models.CharField(_("到会要求"), max_length=8, choices=QuorumKind.choices, default=QuorumKind.SHARE)
    quorum_share = models.DecimalField(_("到会比例"), max_digits=4, decimal_places=2, null=True, blank=True,
                                       help_text=_("如 0.50 表示应到表决人员的一半以上到会（含一半）。"))
    quorum_count = models.PositiveSmallIntegerField(_("到会人数"), null=True, blank=True)
    majority = models.CharField(_("通过要求"), max_length=12, choices=Majority.choices, default=Majority.SIMPLE)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("议事规则")
        verbose_name_plural = _("议事规则")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(quorum_kind=QuorumKind.SHARE, quorum_share__gt=0, quorum_share__lte=1)
                           | Q(quorum_kind=QuorumKind.COUNT, quorum_count__gt=0)),
                name="meeting_rule_quorum_given",
            ),
        ]

    def __str__(self):
        return self.name


class TopicQuerySet(ScopedQuerySet):
    def scope_q(self, scope, user):
        """Topics of the communities a roster role of the user covers."""
        from services.deliberation.permissions import READ_ROLES

        return trees.ranges_q(scope.areas_for(READ_ROLES), "community")

    def within(self, area):
        return self.filter(trees.subtree_q(area, "community"))

    def public(self):
        return self.filter(status__in=PUBLIC_STATUSES)


def topic_photo_path(instance, filename):
    return f"deliberation/{instance.community_id}/{filename}"


class Topic(models.Model):
    """A matter a resident (or a cadre for them) proposes; once accepted, a topic (议题)
    followed on its public page by ``code``."""

    code = models.CharField(_("查询码"), max_length=16, unique=True)
    community = models.ForeignKey("organizations.Area", on_delete=models.PROTECT, related_name="deliberation_topics",
                                  verbose_name=_("社区"))
    building = models.ForeignKey("organizations.Area", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="building_deliberation_topics", verbose_name=_("楼栋"))
    title = models.CharField(_("事项"), max_length=100)
    text = models.TextField(_("具体情况"), max_length=2000)
    photo = models.FileField(_("照片"), upload_to=topic_photo_path, blank=True)
    proposer_name = EncryptedCharField(_("提议人姓名"), max_plain_length=50, blank=True)
    proposer_phone = EncryptedCharField(_("提议人电话"), max_plain_length=20, blank=True)
    proposer_phone_hash = KeyedHashField(source="proposer_phone", db_index=True)
    source = models.CharField(_("来源"), max_length=16, choices=TopicSource.choices, default=TopicSource.RESIDENT)
    diary = models.ForeignKey("grids.DiaryEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("来源民情日记"))
    source_activity = models.ForeignKey("assessments.Activity", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("提出事项的会议"))
    status = models.CharField(_("状态"), max_length=16, choices=TopicStatus.choices, default=TopicStatus.PROPOSED)
    # screening
    question = models.CharField(_("议题"), max_length=200, blank=True)
    facts = models.TextField(_("了解到的情况"), max_length=3000, blank=True)
    decline_reason = models.CharField(_("不予立项的原因"), max_length=200, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged",
                                    verbose_name=_("合并到"))
    accepted_at = models.DateTimeField(_("立项时间"), null=True, blank=True)
    # 民事民决
    decided_option = models.ForeignKey("TopicOption", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("表决通过的方案"))
    decision_reasons = models.TextField(_("决定及理由"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    # 民事民办: one linked record, its owner and deadline
    work_kind = models.CharField(_("落实方式"), max_length=16, choices=WorkKind.choices, blank=True)
    work_request = models.ForeignKey("services.ServiceRequest", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("居民诉求"))
    work_whistle = models.ForeignKey("services.Whistle", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("吹哨事项"))
    work_item = models.ForeignKey("assessments.ChecklistItem", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("清单事项"))
    work_owner = models.CharField(_("责任人"), max_length=50, blank=True)
    work_due = models.DateField(_("完成时限"), null=True, blank=True)
    work_started_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    done_note = models.TextField(_("办理结果"), max_length=1000, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rated_at = models.DateTimeField(_("首次评价时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("录入人"))
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = TopicQuerySet.as_manager()
    workflow = TOPIC_WORKFLOW

    class Meta:
        verbose_name = _("居民议事")
        verbose_name_plural = _("居民议事")
        indexes = [
            models.Index(fields=["community", "status"], name="topic_community_status"),
            models.Index(fields=["status", "created_at"], name="topic_status_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(work_request__isnull=True) | Q(work_whistle__isnull=True))
                & (Q(work_request__isnull=True) | Q(work_item__isnull=True))
                & (Q(work_whistle__isnull=True) | Q(work_item__isnull=True)),
                name="topic_one_work_link",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def is_public(self):
        return self.status in PUBLIC_STATUSES

    @property
    def public_title(self):
        return mask_public_text(self.question or self.title)

    @property
    def public_text(self):
        return mask_public_text(self.text)

    @property
    def public_facts(self):
        return mask_public_text(self.facts)

    @property
    def public_decline_reason(self):
        return mask_public_text(self.decline_reason)

    @property
    def public_decision_reasons(self):
        return mask_public_text(self.decision_reasons)

    @property
    def public_done_note(self):
        return mask_public_text(self.done_note)

    @property
    def proposer_phone_masked(self):
        return mask_phone(self.proposer_phone)

    def make_event(self, *, actor, from_status, to_status, note=""):
        return TopicEvent.of(topic=self, actor=actor, from_status=from_status, to_status=to_status, note=note)


class TopicEvent(StatusEvent):
    subject = "topic"

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="events", verbose_name=_("议题"))
    from_status, to_status = status_fields(TopicStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = _("议事进展")
        verbose_name_plural = _("议事进展")
        indexes = [models.Index(fields=["topic", "at"], name="topic_event_topic_at")]


class TopicOption(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="options", verbose_name=_("议题"))
    label = models.CharField(_("方案"), max_length=200)
    position = models.PositiveSmallIntegerField(_("序号"), default=1)

    class Meta:
        verbose_name = _("议题方案")
        verbose_name_plural = _("议题方案")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "position"], name="topic_option_position_once")]

    def __str__(self):
        return self.label


class TopicSupport(models.Model):
    """A resident's support (附议) of a topic: one per phone per topic, by the phone's keyed
    hash (the phone itself encrypted, for the rating's last four digits)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="supports", verbose_name=_("议题"))
    phone = EncryptedCharField(_("手机号"), max_plain_length=20)
    phone_hash = KeyedHashField(source="phone")
    created_at = models.DateTimeField(_("附议时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("居民附议")
        verbose_name_plural = _("居民附议")
        constraints = [models.UniqueConstraint(fields=["topic", "phone_hash"], name="topic_support_once_per_phone")]

    def __str__(self):
        return f"{self.topic_id} 附议"


class TopicComment(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="comments", verbose_name=_("议题"))
    text = models.TextField(_("意见"), max_length=500)
    phone = EncryptedCharField(_("手机号"), max_plain_length=20)
    phone_hash = KeyedHashField(source="phone", db_index=True)
    status = models.CharField(_("状态"), max_length=8, choices=CommentStatus.choices, default=CommentStatus.PENDING)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("审核人"))
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    workflow = COMMENT_WORKFLOW

    class Meta:
        verbose_name = _("居民意见")
        verbose_name_plural = _("居民意见")
        indexes = [models.Index(fields=["topic", "status"], name="topic_comment_status")]

    def __str__(self):
        return self.text[:30]

    @property
    def public_text(self):
        return mask_public_text(self.text)


class Meeting(models.Model):
    """The deliberation meeting (议事会) of a topic: an organizational-life activity of the
    community's organization (minutes there), with its rule, participants and votes."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("议题"))
    activity = models.OneToOneField("assessments.Activity", on_delete=models.PROTECT, related_name="deliberation",
                                    verbose_name=_("议事会"))
    rule = models.ForeignKey(MeetingRule, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("议事规则"))
    eligible = models.PositiveIntegerField(_("应到表决人数"), default=0)
    present = models.PositiveIntegerField(_("实到表决人数"), default=0)
    voted_at = models.DateTimeField(_("表决时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("议事会")
        verbose_name_plural = _("议事会")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return str(self.activity.topic) if self.activity_id else str(self.pk)


class MeetingParticipant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants", verbose_name=_("议事会"))
    kind = models.CharField(_("身份"), max_length=20, choices=ParticipantKind.choices)
    member = models.ForeignKey("organizations.Member", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("党员"))
    unit = models.ForeignKey("organizations.ResidentUnit", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("驻区单位"))
    name = models.CharField(_("姓名或单位"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("参会人员")
        verbose_name_plural = _("参会人员")
        ordering = ["kind", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"


class MeetingVote(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes", verbose_name=_("议事会"))
    option = models.ForeignKey(TopicOption, on_delete=models.CASCADE, related_name="votes", verbose_name=_("方案"))
    count = models.PositiveIntegerField(_("赞成票数"), default=0)

    class Meta:
        verbose_name = _("表决票数")
        verbose_name_plural = _("表决票数")
        constraints = [models.UniqueConstraint(fields=["meeting", "option"], name="meeting_vote_once_per_option")]

    def __str__(self):
        return f"{self.option_id}: {self.count}"


class TopicRating(models.Model):
    """A rating of a settled topic by its proposer or a supporter (one per phone)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("议题"))
    rater = models.CharField(_("评价人"), max_length=12, choices=RaterRole.choices)
    phone_hash = models.CharField(_("手机号摘要"), max_length=64, editable=False)
    rating = models.CharField(_("评价"), max_length=16, choices=Satisfaction.choices)
    comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("议事评价")
        verbose_name_plural = _("议事评价")
        constraints = [models.UniqueConstraint(fields=["topic", "phone_hash"], name="topic_rating_once_per_phone")]

    def __str__(self):
        return f"{self.get_rater_display()} {self.get_rating_display()}"
