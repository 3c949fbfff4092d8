"""民主评议党员: a branch's yearly appraisal round and its members' grades."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.appraisal.choices import APPRAISAL_WORKFLOW, RESULT_STATUSES, AppraisalStatus, Grade
from assessments.life.models import Activity
from dangjian.models import StatusEvent, status_fields
from dangjian.scoping import InArea, InOrg, ScopedQuerySet
from organizations.grants.choices import MANAGE_ROLES
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg

#: who sees rounds: the managing roles over the branch (or its area); members see their own grades
ROUND_SCOPE = (InOrg("org", MANAGE_ROLES), InArea("org__area", MANAGE_ROLES))


class AppraisalQuerySet(ScopedQuerySet):
    scope_paths = ROUND_SCOPE


class Appraisal(models.Model):
    """One branch's 民主评议党员 of one year, held at a 组织生活会 or 民主评议党员 meeting
    (``activity``): graded by the branch (评议中), confirmed by it (支部已确认 — the result
    counts from here), optionally approved by the superior organization (上级已审核)."""

    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="appraisals", verbose_name=_("党支部"))
    year = models.PositiveSmallIntegerField(_("年度"))
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="appraisals",
        verbose_name=_("评议会议"), help_text=_("召开组织生活会或民主评议党员会议的记录"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=AppraisalStatus.choices, default=AppraisalStatus.DRAFT)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("确认人")
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("审核人")
    )
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = AppraisalQuerySet.as_manager()
    workflow = APPRAISAL_WORKFLOW

    class Meta:
        verbose_name = _("民主评议党员")
        verbose_name_plural = _("民主评议党员")
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="appraisal_once_a_year")]
        indexes = [models.Index(fields=["year", "status"], name="appraisal_year_status")]

    def __str__(self):
        return f"{self.org} {self.year}年民主评议党员"

    @property
    def is_result(self) -> bool:
        return self.status in RESULT_STATUSES

    def make_event(self, *, actor, from_status, to_status, note=""):
        return AppraisalEvent.of(appraisal=self, actor=actor, action=to_status, from_status=from_status,
                                 to_status=to_status, note=note)


class AppraisalGradeQuerySet(ScopedQuerySet):
    scope_paths = tuple(type(p)(f"appraisal__{p.path}", p.roles) for p in ROUND_SCOPE)

    def scope_q(self, scope, user):
        # a member sees their own grades once the branch has confirmed them
        return super().scope_q(scope, user) | Q(member__user_id=user.pk, appraisal__status__in=list(RESULT_STATUSES))


class AppraisalGrade(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="grades", verbose_name=_("评议"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="appraisal_grades", verbose_name=_("党员"))
    grade = models.CharField(_("评议等次"), max_length=16, choices=Grade.choices)
    note = models.CharField(_("评议说明"), max_length=300, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("评定人")
    )
    graded_at = models.DateTimeField(_("评定时间"), auto_now=True)

    objects = AppraisalGradeQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员评议等次")
        verbose_name_plural = _("党员评议等次")
        constraints = [models.UniqueConstraint(fields=["appraisal", "member"], name="appraisal_grade_once")]
        indexes = [models.Index(fields=["member", "appraisal"], name="appraisal_grade_member")]

    def __str__(self):
        return f"{self.member_id} {self.get_grade_display()}"


class AppraisalEvent(StatusEvent):
    """A step of a round: created, grades saved, confirmed, approved, reopened."""

    subject = "appraisal"

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="events", verbose_name=_("评议"))
    action = models.CharField(_("操作"), max_length=24)
    from_status, to_status = status_fields(AppraisalStatus.choices, to_blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = _("评议记录")
        verbose_name_plural = _("评议记录")
