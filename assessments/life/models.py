"""Organizational life (组织生活): activity types, versioned rule sets a district can
override, activities with attendance, and their attachments; the four lists (四张清单);
rubrics, scoring runs, scores with their line-by-line explanation; dashboard rollups."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from assessments.life.choices import AttendanceStatus, DeliberationStep, Frequency, QuorumBasis, SignInVia
from dangjian.derived import narrowed, upsert_select
from dangjian.scoping import GoverningRulesQuerySet, ScopedQuerySet, Through
from organizations.areas.models import Area
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg


class ActivityType(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    quorum_basis = models.CharField(
        _("到会人数要求"), max_length=16, choices=QuorumBasis.choices, blank=True, default="",
        help_text=_("须有超过半数的应到人员到会方能开会"),
    )
    counts_service = models.BooleanField(_("计入志愿服务时长"), default=False)
    default_service_hours = models.DecimalField(_("默认服务时长（小时）"), max_digits=4, decimal_places=1, default=0)
    has_steps = models.BooleanField(_("分五步议事"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("活动类型")
        verbose_name_plural = _("活动类型")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class RuleSetQuerySet(GoverningRulesQuerySet):
    pass


class RuleSet(models.Model):
    """A versioned set of organizational-life rules.  ``area`` empty = the default set
    (支部工作条例); a district (or any area) may publish its own version, which applies to
    the organizations anchored in its subtree from ``effective_from`` on."""

    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="rule_sets", verbose_name=_("适用区域"),
        help_text=_("留空为全市默认规则"),
    )
    version = models.PositiveIntegerField(_("版本"))
    effective_from = models.DateField(_("生效日期"))
    notes = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("发布人")
    )
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织生活规则")
        verbose_name_plural = _("组织生活规则")
        ordering = ["area_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["area", "version"], name="ruleset_unique_version_per_area"),
            models.UniqueConstraint(
                fields=["version"], condition=Q(area__isnull=True), name="ruleset_unique_default_version"
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class ActivityRule(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules", verbose_name=_("规则集"))
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="rules", verbose_name=_("活动类型")
    )
    frequency = models.CharField(_("频次"), max_length=16, choices=Frequency.choices)
    min_count = models.PositiveSmallIntegerField(_("每期至少次数"), default=1)
    org_kinds = models.JSONField(
        _("适用组织类别"), default=list, blank=True, help_text=_("如 [\"branch\"]；留空则不作要求")
    )
    org_categories = models.JSONField(
        _("适用组织类型"), default=list, blank=True, help_text=_("如 [\"compound\"]；留空则不限类型")
    )

    class Meta:
        verbose_name = _("组织生活规则项")
        verbose_name_plural = _("组织生活规则项")
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "activity_type"], name="rule_unique_type_in_set"),
        ]

    def __str__(self):
        return f"{self.activity_type} · {self.get_frequency_display()}"


class ActivityQuerySet(ScopedQuerySet):
    scope_paths = (Through("org"),)


def new_signin_token() -> str:
    return secrets.token_urlsafe(18)


class Activity(models.Model):
    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="activities", verbose_name=_("党组织"))
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="activities", verbose_name=_("活动类型")
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    topic = models.CharField(_("主题"), max_length=200)
    minutes = models.TextField(_("会议记录"), blank=True, max_length=20000)
    decisions = models.TextField(_("决定事项"), blank=True, max_length=5000)
    step = models.CharField(_("议事环节"), max_length=16, choices=DeliberationStep.choices, blank=True)
    service_hours = models.DecimalField(_("服务时长（小时/人）"), max_digits=4, decimal_places=1, default=0)
    signin_token = models.CharField(_("签到码"), max_length=32, unique=True, default=new_signin_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("填报人")
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织生活")
        verbose_name_plural = _("组织生活")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["org", "activity_type", "starts_at"], name="activity_org_type_start"),
            models.Index(fields=["starts_at"], name="activity_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="activity_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.org} · {self.activity_type} · {self.topic}"


class Attendance(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("活动"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("党员"))
    status = models.CharField(_("出席情况"), max_length=16, choices=AttendanceStatus.choices)
    reason = models.CharField(_("缺席/请假原因"), max_length=200, blank=True)
    via = models.CharField(_("登记方式"), max_length=8, choices=SignInVia.choices, default=SignInVia.ROSTER)
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("出席记录")
        verbose_name_plural = _("出席记录")
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="attendance_once_per_member")]
        indexes = [models.Index(fields=["member", "status"], name="attendance_member_status")]

    def __str__(self):
        return f"{self.member} · {self.get_status_display()}"


class MemberLastPresentManager(models.Manager):
    def refresh(self, *, member_ids=None) -> None:
        """Recompute the members' last attendance from their attendance rows (all members when
        None): one upsert of ``MAX(starts_at)`` of the activities they were present at
        (``dangjian.derived.upsert_select``) and one DELETE of the rows left without one."""
        found = narrowed(member_ids, Attendance.objects.filter(status=AttendanceStatus.PRESENT), self.get_queryset())
        if found is None:
            return
        present, kept = found
        latest = present.order_by().values("member_id").annotate(at=Max("activity__starts_at")).values_list("member_id", "at")
        upsert_select(self.model, latest, ["member_id", "at"], unique=["member_id"])
        kept.exclude(member_id__in=present.values("member_id")).delete()


class MemberLastPresent(models.Model):
    """When a member last attended (was present at) an activity: the latest start among their
    attendance rows marked present, kept by ``assessments.life.actions`` whenever attendance
    or an activity's time changes.  The six-month inactivity list (党章第九条) is an anti-join
    on one row a member instead of on every attendance row of a city."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, primary_key=True, related_name="last_attendance",
                                  verbose_name=_("党员"))
    at = models.DateTimeField(_("最近一次参加组织生活"))

    objects = MemberLastPresentManager()

    class Meta:
        verbose_name = _("党员最近参加组织生活")
        verbose_name_plural = _("党员最近参加组织生活")
        # the members whose last attendance was an activity that changed (its start)
        indexes = [models.Index(fields=["at"], name="member_last_present_at")]

    def __str__(self):
        return f"{self.member_id}: {self.at:%Y-%m-%d}"


class OrgVerdict(models.Model):
    """An organization's organizational-life verdict on a day: assessed (some periodic rule
    asks something of it), compliant (nothing overdue in the rolling window) and what is
    overdue — the calendar of ``assessments.life.selectors`` evaluated once and kept, so an
    area's compliance page reads one row an organization instead of evaluating thousands of
    calendars.  Written by ``assessments.life.actions.org_verdicts_refresh``: for the
    organization when one of its activities is filed or changed, for a subtree when a rule
    set is published (its rows are dropped and recomputed when next read), for everyone
    nightly (the day moves periods from due to overdue), and for a stale subtree when read."""

    org = models.OneToOneField(PartyOrg, on_delete=models.CASCADE, primary_key=True, related_name="life_verdict",
                               verbose_name=_("党组织"))
    as_of = models.DateField(_("评估日期"))
    assessed = models.BooleanField(_("应评估"))
    compliant = models.BooleanField(_("合规"))
    overdue = models.JSONField(_("逾期未开展"), default=list, blank=True)  # [[activity type, period], …], capped
    overdue_count = models.PositiveIntegerField(_("逾期项数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("组织生活合规结论")
        verbose_name_plural = _("组织生活合规结论")
        indexes = [models.Index(fields=["as_of"], name="org_verdict_as_of")]

    def __str__(self):
        return f"{self.org_id} {self.as_of}: {'✓' if self.compliant else '✗'}"


def attachment_path(instance, filename):
    return f"activities/{instance.activity_id}/{filename}"


class ActivityAttachment(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("活动"))
    file = models.FileField(_("文件"), upload_to=attachment_path)
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动附件")
        verbose_name_plural = _("活动附件")

    def __str__(self):
        return self.original_name
