"""发展党员: versioned rule sets (the steps, their order, intervals, deadlines and clauses) a
locality may override, one development case per person (applicant → full member) and the
steps recorded on it, with capped evidence files (named on the step row)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.crypto import EncryptedCharField, KeyedHashField
from dangjian.privacy import mask_id_number, mask_phone
from dangjian.scoping import GoverningRulesQuerySet, InArea, InOrg, ScopedQuerySet
from organizations.areas.models import Area
from organizations.development import schedule
from organizations.development.choices import IntervalUnit, Stage, StepKind
from organizations.members.choices import ROSTER_ROLES, Gender
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg


# ------------------------------------------------------------------------- rule sets
class DevelopmentRuleSetQuerySet(GoverningRulesQuerySet):
    pass


class DevelopmentRuleSet(models.Model):
    """A version of the rules of 发展党员.  ``area`` empty = the default (2014 细则); an area's
    own version governs the organizations anchored in its subtree from ``effective_from``."""

    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="development_rule_sets",
        verbose_name=_("适用区域"), help_text=_("留空为默认规则"),
    )
    version = models.PositiveIntegerField(_("版本"))
    effective_from = models.DateField(_("生效日期"))
    min_age = models.PositiveSmallIntegerField(_("申请入党最低年龄"), default=18)
    notes = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("发布人"),
    )
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    objects = DevelopmentRuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("发展党员规则")
        verbose_name_plural = _("发展党员规则")
        ordering = ["area_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["area", "version"], name="devrules_unique_version_per_area"),
            models.UniqueConstraint(fields=["version"], condition=Q(area__isnull=True),
                                    name="devrules_unique_default_version"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class StepRule(models.Model):
    rule_set = models.ForeignKey(DevelopmentRuleSet, on_delete=models.CASCADE, related_name="steps",
                                 verbose_name=_("规则集"))
    code = models.SlugField(_("环节代码"), max_length=40)
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices)
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("环节名称"), max_length=60)
    kind = models.CharField(_("环节类别"), max_length=16, choices=StepKind.choices, default=StepKind.PLAIN)
    counts_from = models.SlugField(_("起算环节"), max_length=40, blank=True)
    min_interval = models.PositiveSmallIntegerField(_("最短间隔"), default=0)
    min_unit = models.CharField(_("间隔单位"), max_length=16, choices=IntervalUnit.choices, default=IntervalUnit.DAYS)
    deadline = models.PositiveSmallIntegerField(_("办理时限"), default=0, help_text=_("0 为不限"))
    deadline_unit = models.CharField(_("时限单位"), max_length=16, choices=IntervalUnit.choices,
                                     default=IntervalUnit.DAYS)
    repeat_months = models.PositiveSmallIntegerField(_("每隔几个月一次"), default=0, help_text=_("0 为只办一次"))
    after_probation = models.BooleanField(_("随预备期延长顺延"), default=False)
    enters_stage = models.CharField(_("办理后进入阶段"), max_length=16, choices=Stage.choices, blank=True)
    min_people = models.PositiveSmallIntegerField(_("最少人数"), default=0)
    max_people = models.PositiveSmallIntegerField(_("最多人数"), default=0)
    min_hours = models.PositiveSmallIntegerField(_("最少学时"), default=0)
    clause = models.CharField(_("依据条款"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("发展党员环节规则")
        verbose_name_plural = _("发展党员环节规则")
        ordering = ["rule_set", "order"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "code"], name="steprule_unique_code_in_set")]

    def __str__(self):
        return f"{self.order}. {self.name}"

    def as_rule(self) -> schedule.Rule:
        return schedule.Rule(
            code=self.code, name=self.name, order=self.order, stage=self.stage, kind=self.kind,
            counts_from=self.counts_from, min_interval=self.min_interval, min_unit=self.min_unit,
            deadline=self.deadline, deadline_unit=self.deadline_unit, repeat_months=self.repeat_months,
            after_probation=self.after_probation, enters_stage=self.enters_stage, min_people=self.min_people,
            max_people=self.max_people, min_hours=self.min_hours, clause=self.clause,
        )


# ----------------------------------------------------------------------------- cases
class DevelopmentCaseQuerySet(ScopedQuerySet):
    """Scoped as the roster is, through the case's organization; a member sees their own."""

    scope_paths = (InOrg("organization", ROSTER_ROLES), InArea("organization__area", ROSTER_ROLES))

    def scope_q(self, scope, user):
        return super().scope_q(scope, user) | Q(member__user_id=user.pk)


class DevelopmentCase(models.Model):
    """One person's way from the application letter to full membership.  ``next_*`` and
    ``due_*`` are derived (``organizations.development.schedule`` evaluated by the actions
    whenever a step is recorded), so the lists filter "due this month" and "overdue" on
    indexed columns instead of evaluating every case's calendar."""

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    phone = EncryptedCharField(_("手机号"), max_plain_length=20)
    phone_hash = KeyedHashField(source="phone", db_index=True)
    id_number = EncryptedCharField(_("身份证号"), max_plain_length=18)
    id_number_hash = KeyedHashField(source="id_number", db_index=True)
    organization = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="development_cases",
                                     verbose_name=_("所在党支部"))
    stage = models.CharField(_("当前阶段"), max_length=16, choices=Stage.choices, default=Stage.APPLICANT)
    rule_set = models.ForeignKey(DevelopmentRuleSet, on_delete=models.PROTECT, related_name="cases",
                                 verbose_name=_("适用规则版本"))
    member = models.OneToOneField(Member, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="development_case", verbose_name=_("党员记录"))
    applied_on = models.DateField(_("递交申请日期"))
    probation_extension_months = models.PositiveSmallIntegerField(_("延长预备期（月）"), default=0)
    next_step = models.CharField(_("下一环节"), max_length=40, blank=True)
    next_allowed_on = models.DateField(_("下一环节最早办理日期"), null=True, blank=True)
    due_step = models.CharField(_("最近到期环节"), max_length=40, blank=True)
    due_on = models.DateField(_("最近到期日"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DevelopmentCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("发展党员档案")
        verbose_name_plural = _("发展党员档案")
        ordering = ["-applied_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "stage"], name="devcase_org_stage"),
            models.Index(fields=["due_on"], name="devcase_due_on"),
        ]

    def __str__(self):
        return self.name

    @property
    def phone_masked(self):
        return mask_phone(self.phone)

    @property
    def id_number_masked(self):
        return mask_id_number(self.id_number)


class DevelopmentStep(models.Model):
    case = models.ForeignKey(DevelopmentCase, on_delete=models.CASCADE, related_name="steps", verbose_name=_("档案"))
    code = models.SlugField(_("环节代码"), max_length=40)
    rule_set = models.ForeignKey(DevelopmentRuleSet, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("规则版本"))
    on = models.DateField(_("办理日期"))
    people = models.ManyToManyField(Member, blank=True, related_name="development_roles",
                                    verbose_name=_("相关人员（培养联系人、入党介绍人）"))
    note = models.TextField(_("情况记录"), blank=True, max_length=2000)
    hours = models.PositiveSmallIntegerField(_("培训学时"), null=True, blank=True)
    notice_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    activity = models.ForeignKey("assessments.Activity", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="development_votes", verbose_name=_("支部党员大会"))
    votes_expected = models.PositiveSmallIntegerField(_("有表决权的正式党员"), null=True, blank=True)
    votes_present = models.PositiveSmallIntegerField(_("到会正式党员"), null=True, blank=True)
    votes_yes = models.PositiveSmallIntegerField(_("赞成"), null=True, blank=True)
    votes_no = models.PositiveSmallIntegerField(_("反对"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("弃权"), null=True, blank=True)
    votes_written = models.PositiveSmallIntegerField(_("其中书面意见"), null=True, blank=True)
    # the step's evidence files (at most ``actions.EVIDENCE_MAX_FILES``), kept on the row so a
    # timeline reads no further table: [{"path": stored name, "name": original name, "size": bytes}]
    evidence = models.JSONField(_("佐证材料"), default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发展党员环节记录")
        verbose_name_plural = _("发展党员环节记录")
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["case", "code"], name="devstep_case_code")]

    def __str__(self):
        return f"{self.case_id} {self.code} {self.on}"
