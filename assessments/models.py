"""Organizational life (组织生活): activity types, versioned rule sets a district can
override, activities with attendance, and their attachments; the four lists (四张清单);
rubrics, scoring runs, scores with their line-by-line explanation; dashboard rollups."""
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.choices import (
    Appraisal,
    AttendanceStatus,
    ChecklistStatus,
    DeliberationStep,
    Frequency,
    IndicatorSource,
    ItemKind,
    ItemStatus,
    PeriodKind,
    ProblemSource,
    QuorumBasis,
    RunState,
    SignInVia,
    StarMethod,
    SubjectKind,
)
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.members.models import Member
from organizations.orgs.choices import OrgCategory
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


class RuleSetQuerySet(models.QuerySet):
    def visible_to(self, user):
        from dangjian.scoping import get_scope, range_q

        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        # Everyone sees the default set.  An override is seen by users above it (its area
        # lies in their subtree) and by users inside it (its area is an ancestor-or-self of
        # their grant), since it governs their organizations.
        governing = Q(pk__in=[])
        for r in scope.area_ranges:
            governing |= Q(area__tree_id=r.tree_id, area__lft__lte=r.lft, area__rght__gte=r.rght)
        return self.filter(Q(area__isnull=True) | range_q("area", scope.area_ranges) | governing)


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


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(org__in=PartyOrg.objects.visible_to(user).values("pk"))


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


# ===================================================================== four lists (四张清单)
class ChecklistQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(org__in=PartyOrg.objects.visible_to(user).values("pk"))


class Checklist(models.Model):
    """An organization's four lists for one year: listed at year start (draft → submitted →
    approved by the superior organization), checked mid-year, reported at year end (述职)
    and appraised by the superior."""

    org = models.ForeignKey(PartyOrg, on_delete=models.CASCADE, related_name="checklists", verbose_name=_("党组织"))
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=16, choices=ChecklistStatus.choices, default=ChecklistStatus.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("提交人")
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("审批人")
    )
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    midyear_note = models.TextField(_("年中检查意见"), max_length=2000, blank=True)
    midyear_at = models.DateTimeField(_("年中检查时间"), null=True, blank=True)
    midyear_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("检查人")
    )
    report_text = models.TextField(_("书记述职报告"), max_length=10000, blank=True)
    reported_at = models.DateTimeField(_("述职时间"), null=True, blank=True)
    appraisal = models.CharField(_("评议等次"), max_length=16, choices=Appraisal.choices, blank=True)
    appraisal_note = models.CharField(_("评议意见"), max_length=500, blank=True)
    appraised_at = models.DateTimeField(_("评议时间"), null=True, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("评议人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        verbose_name = _("四张清单")
        verbose_name_plural = _("四张清单")
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="checklist_once_a_year")]
        indexes = [models.Index(fields=["year", "status"], name="checklist_year_status")]

    def __str__(self):
        return f"{self.org} {self.year}年四张清单"

    def make_event(self, *, actor, from_status, to_status, note=""):
        return ChecklistEvent(
            checklist=self, actor=actor if getattr(actor, "pk", None) else None, action=to_status,
            from_status=from_status, to_status=to_status, note=(note or "")[:500],
        )


def evidence_path(instance, filename):
    return f"checklists/{instance.checklist_id}/{filename}"


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items", verbose_name=_("清单"))
    kind = models.CharField(_("清单类别"), max_length=16, choices=ItemKind.choices)
    title = models.CharField(_("事项"), max_length=200)
    detail = models.TextField(_("具体内容"), max_length=2000, blank=True)
    owner = models.CharField(_("责任人"), max_length=50, blank=True)
    due_on = models.DateField(_("完成时限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    source = models.CharField(_("问题来源"), max_length=16, choices=ProblemSource.choices, blank=True)
    problem = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="rectifications",
        verbose_name=_("对应问题"), limit_choices_to={"kind": ItemKind.PROBLEM},
    )
    max_points = models.DecimalField(_("分值"), max_digits=6, decimal_places=1, null=True, blank=True)
    evidence_note = models.TextField(_("整改/完成情况"), max_length=2000, blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_path, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ["kind", "due_on", "id"]
        indexes = [
            models.Index(fields=["checklist", "kind"], name="item_checklist_kind"),
            models.Index(fields=["status", "due_on"], name="item_status_due"),
        ]

    def __str__(self):
        return self.title


class ChecklistEvent(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="events", verbose_name=_("清单"))
    item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.CASCADE, related_name="events", verbose_name=_("事项")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("操作人")
    )
    action = models.CharField(_("操作"), max_length=24)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("清单记录")
        verbose_name_plural = _("清单记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.checklist_id} {self.action}"


# ===================================================================== rubrics and scoring
class Rubric(models.Model):
    """A versioned assessment rubric for one level of subjects: areas of one level (五好
    社区, 六化 小区, a street's 千分制 appraisal) or organizations of one category (四好/星级
    小区党支部).  Its indicators' maximum points are the weights; stars come from
    thresholds or quotas."""

    code = models.SlugField(_("代码"), max_length=40)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), max_length=2000, blank=True)
    subject_kind = models.CharField(_("考核对象"), max_length=8, choices=SubjectKind.choices)
    area_level = models.PositiveSmallIntegerField(_("区域层级"), choices=AreaLevel.choices, null=True, blank=True)
    org_category = models.CharField(_("组织类型"), max_length=24, choices=OrgCategory.choices, blank=True)
    effective_from = models.DateField(_("生效日期"))
    is_active = models.BooleanField(_("启用"), default=True)
    period_kinds = models.CharField(
        _("考核周期"), max_length=40, default="month,quarter,year", help_text=_("逗号分隔：month、quarter、year")
    )
    star_method = models.CharField(_("评星方式"), max_length=16, choices=StarMethod.choices, default=StarMethod.THRESHOLD)
    star_thresholds = models.JSONField(
        _("星级分数线"), default=list, blank=True, help_text=_("2★ 至 5★ 的最低得分率（%），如 [60, 70, 80, 90]")
    )
    star_quotas = models.JSONField(
        _("星级比例"), default=list, blank=True, help_text=_("5★ 至 1★ 的比例（%），如 [10, 20, 30, 30, 10]")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核细则")
        verbose_name_plural = _("考核细则")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="rubric_code_version"),
            models.CheckConstraint(
                condition=(Q(subject_kind="area") & Q(area_level__isnull=False))
                | (Q(subject_kind="org") & ~Q(org_category="")),
                name="rubric_subject_defined",
            ),
        ]
        ordering = ["code", "-version"]

    def __str__(self):
        return f"{self.name}（第{self.version}版）"


class Indicator(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("考核细则"))
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("指标"), max_length=100)
    group = models.CharField(_("维度"), max_length=50, blank=True, help_text=_("如：支部班子好、组织生活好"))
    source = models.CharField(_("数据来源"), max_length=32, choices=IndicatorSource.choices)
    max_points = models.DecimalField(_("满分"), max_digits=7, decimal_places=2)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    guidance = models.CharField(_("评分标准"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="indicator_code_in_rubric")]

    def __str__(self):
        return self.name


class ScoringRun(models.Model):
    """One scoring of one rubric version for one period.  The unique key makes a second
    start of the same period resume (or redo) this run rather than add another."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="runs", verbose_name=_("考核细则"))
    period_kind = models.CharField(_("周期类型"), max_length=8, choices=PeriodKind.choices)
    period_key = models.CharField(_("周期"), max_length=10, help_text=_("如 2026、2026-Q3、2026-11"))
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    state = models.CharField(_("状态"), max_length=16, choices=RunState.choices, default=RunState.PENDING)
    total_steps = models.PositiveIntegerField(_("总步数"), default=0)
    done_steps = models.PositiveIntegerField(_("已完成步数"), default=0)
    subjects = models.PositiveIntegerField(_("考核对象数"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("发起人")
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评分批次")
        verbose_name_plural = _("评分批次")
        constraints = [models.UniqueConstraint(fields=["rubric", "period_key"], name="run_once_per_period")]
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.rubric} {self.period_key}"


class ScoreQuerySet(models.QuerySet):
    def visible_to(self, user):
        from dangjian.scoping import get_scope, range_q

        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        return self.filter(range_q("area", scope.area_ranges) | range_q("org", scope.org_ranges))


class Score(models.Model):
    """One subject's score under one rubric version for one period.  ``subject_id`` is the
    area's or the organization's id (by the rubric's subject kind) and with the rubric and
    period forms the upsert key; ``area`` is the area (an organization's anchor) used for
    scoping and drill-down."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="scores", verbose_name=_("考核细则"))
    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="scores", verbose_name=_("评分批次"))
    period_key = models.CharField(_("周期"), max_length=10)
    subject_id = models.PositiveBigIntegerField(_("考核对象编号"))
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="scores", verbose_name=_("区域"))
    org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.CASCADE, related_name="scores", verbose_name=_("党组织")
    )
    parent_area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("上级区域"),
        help_text=_("排名的同级范围"),
    )
    total = models.DecimalField(_("得分"), max_digits=8, decimal_places=2)
    max_total = models.DecimalField(_("满分"), max_digits=8, decimal_places=2)
    stars = models.PositiveSmallIntegerField(_("星级"), default=0)
    rank = models.PositiveIntegerField(_("同级排名"), default=0)
    rank_of = models.PositiveIntegerField(_("同级总数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        constraints = [
            models.UniqueConstraint(fields=["rubric", "period_key", "subject_id"], name="score_once_per_subject"),
        ]
        indexes = [
            models.Index(fields=["rubric", "period_key", "parent_area"], name="score_siblings"),
            models.Index(fields=["area", "period_key"], name="score_area_period"),
        ]

    def __str__(self):
        return f"{self.org or self.area} {self.period_key}: {self.total}"


class ScoreLine(models.Model):
    """One indicator's points in a score, with the records that produced them."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="lines", verbose_name=_("得分"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("指标"))
    value = models.DecimalField(_("指标值"), max_digits=12, decimal_places=4, null=True, blank=True)
    points = models.DecimalField(_("得分"), max_digits=8, decimal_places=2)
    max_points = models.DecimalField(_("满分"), max_digits=8, decimal_places=2)
    explanation = models.CharField(_("计分说明"), max_length=500)
    evidence = models.JSONField(_("依据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("得分明细")
        verbose_name_plural = _("得分明细")
        constraints = [models.UniqueConstraint(fields=["score", "indicator"], name="score_line_once")]

    def __str__(self):
        return f"{self.indicator_id}: {self.points}"


class ManualScore(models.Model):
    """A reviewer's points for a manual indicator, one subject, one period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="manual_scores", verbose_name=_("指标"))
    period_key = models.CharField(_("周期"), max_length=10)
    subject_id = models.PositiveBigIntegerField(_("考核对象编号"))
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+", verbose_name=_("区域"))
    points = models.DecimalField(_("得分"), max_digits=8, decimal_places=2)
    note = models.CharField(_("评分说明"), max_length=500)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("评审人")
    )
    reviewed_at = models.DateTimeField(_("评分时间"), default=timezone.now)

    class Meta:
        verbose_name = _("人工评分")
        verbose_name_plural = _("人工评分")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_key", "subject_id"], name="manual_score_once"),
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.period_key}: {self.points}"


class AreaRollup(models.Model):
    """Dashboard figures of one area's subtree for one period, refreshed by Celery
    (``assessments.rollups``) and after each scoring run.  ``figures`` holds the numbers
    the dashboard charts read; ``computed_at`` is shown on the page."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="rollups", verbose_name=_("区域"))
    period_key = models.CharField(_("周期"), max_length=10)
    figures = models.JSONField(_("指标数据"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("看板汇总")
        verbose_name_plural = _("看板汇总")
        constraints = [models.UniqueConstraint(fields=["area", "period_key"], name="rollup_once_per_period")]

    def __str__(self):
        return f"{self.area_id} {self.period_key}"
