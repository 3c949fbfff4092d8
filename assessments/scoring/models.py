from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.scoring.choices import IndicatorSource, PeriodKind, RunState, StarMethod, SubjectKind
from dangjian.scoping import InArea, InOrg, ScopedQuerySet
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory
from organizations.orgs.models import PartyOrg


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


class ScoreQuerySet(ScopedQuerySet):
    scope_paths = (InArea("area"), InOrg("org"))


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
