"""Models of the regional network (区域化党建): joint committees (街道大工委, 社区大党委,
联席会) with their member units' seats (兼职委员), their meetings (each an
``assessments.life.Activity`` of type 联席会议), the problems raised there and tracked to
settlement (a problem may become a whistle), each unit's yearly commitments (三个一), and the
pairings of organ branches with compound branches (结对共建)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.models import StatusEvent
from dangjian.scoping import InArea, ScopedQuerySet, Through
from network.committees.choices import (
    PROBLEM_WORKFLOW,
    CommitmentKind,
    CommitteeKind,
    ProblemStatus,
    SeatRole,
)
from organizations.grants.choices import MANAGE_ROLES


class JointCommitteeQuerySet(ScopedQuerySet):
    """Committees of the areas the user manages (the cadres of the area and above it)."""

    scope_paths = (InArea("area", MANAGE_ROLES),)


class JointCommittee(models.Model):
    kind = models.CharField(_("类型"), max_length=16, choices=CommitteeKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="joint_committees", verbose_name=_("所在区域"),
    )
    convener = models.ForeignKey(
        "organizations.PartyOrg", on_delete=models.PROTECT, related_name="convened_committees",
        verbose_name=_("牵头党组织"), help_text=_("召集会议的党组织（街道党工委、社区党委等）"),
    )
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    active = models.BooleanField(_("运行中"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JointCommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域化党建联席组织")
        verbose_name_plural = _("区域化党建联席组织")
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="committee_unique_name_in_area")]
        indexes = [models.Index(fields=["area", "kind"], name="committee_area_kind")]

    def __str__(self):
        return self.name


class CommitteeSeatQuerySet(ScopedQuerySet):
    scope_paths = (Through("committee"),)

    def current(self):
        return self.filter(until__isnull=True)


class CommitteeSeat(models.Model):
    """A member unit's (or a department's) seat on a committee, and the person holding it
    for the unit (兼职委员: name and post in their unit)."""

    committee = models.ForeignKey(JointCommittee, on_delete=models.CASCADE, related_name="seats", verbose_name=_("联席组织"))
    unit = models.ForeignKey(
        "organizations.ResidentUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="committee_seats",
        verbose_name=_("驻区单位"),
    )
    department = models.ForeignKey(
        "services.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="committee_seats",
        verbose_name=_("职能部门"),
    )
    person_name = models.CharField(_("兼职委员"), max_length=50, blank=True)
    person_post = models.CharField(_("单位职务"), max_length=50, blank=True)
    role = models.CharField(_("在联席组织中的职务"), max_length=16, choices=SeatRole.choices, default=SeatRole.MEMBER)
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("终止日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CommitteeSeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("成员单位席位")
        verbose_name_plural = _("成员单位席位")
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(department__isnull=True))
                | (Q(unit__isnull=True) & Q(department__isnull=False)),
                name="seat_one_party",
            ),
            models.UniqueConstraint(fields=["committee", "unit"], condition=Q(until__isnull=True, unit__isnull=False),
                                    name="seat_one_current_per_unit"),
            models.UniqueConstraint(fields=["committee", "department"],
                                    condition=Q(until__isnull=True, department__isnull=False),
                                    name="seat_one_current_per_department"),
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                                   name="seat_until_after_since"),
        ]

    def __str__(self):
        return f"{self.committee_id} · {self.party}"

    @property
    def party(self):
        return self.unit or self.department

    @property
    def is_current(self) -> bool:
        return self.until is None


class CommitteeMeetingQuerySet(ScopedQuerySet):
    scope_paths = (Through("committee"),)


class CommitteeMeeting(models.Model):
    """A meeting (联席会议) of a committee: the activity filed for its convening organization,
    and the seats that attended."""

    committee = models.ForeignKey(JointCommittee, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("联席组织"))
    activity = models.OneToOneField(
        "assessments.Activity", on_delete=models.PROTECT, related_name="committee_meeting", verbose_name=_("活动记录"),
    )
    attending = models.ManyToManyField(CommitteeSeat, blank=True, related_name="meetings", verbose_name=_("出席单位"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CommitteeMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("联席会议")
        verbose_name_plural = _("联席会议")

    def __str__(self):
        return f"{self.committee_id} · {self.activity_id}"


class CommitteeProblemQuerySet(ScopedQuerySet):
    scope_paths = (Through("committee"),)


class CommitteeProblem(models.Model):
    """A problem raised at a meeting, tracked to settlement: settled by the committee itself,
    whistled (``whistle``: settled when the whistle is closed), or declined."""

    committee = models.ForeignKey(JointCommittee, on_delete=models.PROTECT, related_name="problems", verbose_name=_("联席组织"))
    meeting = models.ForeignKey(CommitteeMeeting, on_delete=models.PROTECT, related_name="problems", verbose_name=_("提出会议"))
    title = models.CharField(_("问题"), max_length=100)
    description = models.TextField(_("情况说明"), max_length=2000, blank=True)
    raised_by = models.ForeignKey(
        CommitteeSeat, null=True, blank=True, on_delete=models.SET_NULL, related_name="raised_problems",
        verbose_name=_("提出单位"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    whistle = models.ForeignKey(
        "services.Whistle", null=True, blank=True, on_delete=models.PROTECT, related_name="committee_problems",
        verbose_name=_("吹哨事项"),
    )
    settlement = models.TextField(_("解决情况"), max_length=2000, blank=True)
    settled_by = models.ForeignKey(
        CommitteeSeat, null=True, blank=True, on_delete=models.SET_NULL, related_name="settled_problems",
        verbose_name=_("承诺解决的单位"),
    )
    decline_reason = models.CharField(_("不予解决的原因"), max_length=500, blank=True)
    settled_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CommitteeProblemQuerySet.as_manager()
    workflow = PROBLEM_WORKFLOW

    class Meta:
        verbose_name = _("联席会议问题")
        verbose_name_plural = _("联席会议问题")
        indexes = [models.Index(fields=["committee", "status"], name="problem_committee_status")]

    def __str__(self):
        return self.title

    def make_event(self, *, actor, from_status, to_status, note=""):
        return CommitteeProblemEvent.of(problem=self, actor=actor, from_status=from_status, to_status=to_status,
                                        note=note)


class CommitteeProblemEvent(StatusEvent):
    subject = "problem"

    problem = models.ForeignKey(CommitteeProblem, on_delete=models.CASCADE, related_name="events", verbose_name=_("问题"))

    class Meta(StatusEvent.Meta):
        verbose_name = _("问题进展")
        verbose_name_plural = _("问题进展")


class UnitCommitmentQuerySet(ScopedQuerySet):
    scope_paths = (Through("committee"),)


class UnitCommitment(models.Model):
    """One of a member unit's three yearly commitments (三个一): a suggestion, some funds, a
    good deed, and its fulfilment."""

    committee = models.ForeignKey(JointCommittee, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("联席组织"))
    seat = models.ForeignKey(CommitteeSeat, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("成员单位"))
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类别"), max_length=16, choices=CommitmentKind.choices)
    content = models.CharField(_("内容"), max_length=300)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    due = models.DateField(_("完成期限"), null=True, blank=True)
    fulfilled_on = models.DateField(_("兑现日期"), null=True, blank=True)
    fulfilment = models.CharField(_("兑现情况"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = UnitCommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("成员单位承诺")
        verbose_name_plural = _("成员单位承诺")
        constraints = [
            models.UniqueConstraint(fields=["seat", "year", "kind"], name="commitment_one_kind_a_year"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="commitment_amount_positive"),
        ]
        indexes = [models.Index(fields=["committee", "year"], name="commitment_committee_year")]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()}：{self.content}"


class BranchPairingQuerySet(ScopedQuerySet):
    """Pairings of the compound branches (or the organ branches) in the user's subtree."""

    scope_paths = (
        InArea("compound_branch__area", MANAGE_ROLES), InArea("organ_branch__area", MANAGE_ROLES),
    )

    def current(self):
        return self.filter(until__isnull=True)


class BranchPairing(models.Model):
    """结对共建: an organ's branch (机关党支部) paired with a compound branch (小区党支部)."""

    organ_branch = models.ForeignKey(
        "organizations.PartyOrg", on_delete=models.PROTECT, related_name="organ_pairings", verbose_name=_("机关党支部"),
    )
    compound_branch = models.ForeignKey(
        "organizations.PartyOrg", on_delete=models.PROTECT, related_name="compound_pairings", verbose_name=_("小区党支部"),
    )
    since = models.DateField(_("结对日期"))
    until = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("共建内容"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = BranchPairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对共建")
        verbose_name_plural = _("结对共建")
        constraints = [
            models.UniqueConstraint(fields=["compound_branch"], condition=Q(until__isnull=True),
                                    name="pairing_one_current_per_compound"),
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                                   name="pairing_until_after_since"),
        ]

    def __str__(self):
        return f"{self.organ_branch_id} ⇄ {self.compound_branch_id}"
