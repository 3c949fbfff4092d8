from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.scoping import InArea, InOrg, ScopedQuerySet, Through
from organizations.members.models import Member
from services.checkins.choices import AgreementStatus


# ----------------------------------------------------------------------- 双报到 (reporting in)
class CoBuildAgreementQuerySet(ScopedQuerySet):
    """Agreements of the communities in the user's areas and of the organizations in their
    organization grants."""

    scope_paths = (InArea("community"), InOrg("org"), InArea("org__area"))


class CoBuildAgreement(models.Model):
    """An organization's report to its location community (共建): a pairing with compound
    branches there, under an agreement text, between two dates."""

    org = models.ForeignKey(
        "organizations.PartyOrg", on_delete=models.PROTECT, related_name="cobuild_agreements",
        verbose_name=_("报到党组织"),
    )
    community = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="cobuild_agreements", verbose_name=_("报到社区")
    )
    branches = models.ManyToManyField(
        "organizations.PartyOrg", blank=True, related_name="cobuild_partners", verbose_name=_("结对小区党支部")
    )
    title = models.CharField(_("协议名称"), max_length=100)
    text = models.TextField(_("共建内容"), max_length=5000)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(_("状态"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = CoBuildAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("共建协议")
        verbose_name_plural = _("共建协议")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="agreement_dates_ordered"),
        ]

    def __str__(self):
        return self.title


class MemberReportQuerySet(ScopedQuerySet):
    """Reports to the communities in the user's areas, and the reports of the members they
    may see (the employer side)."""

    scope_paths = (InArea("community"), Through("member"))


class MemberReport(models.Model):
    """An in-service member's report to their residence community (在职党员到社区报到),
    valid for a period (half a year by default) after which they report again."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="community_reports", verbose_name=_("党员"))
    community = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="member_reports", verbose_name=_("报到社区")
    )
    reported_on = models.DateField(_("报到日期"))
    valid_until = models.DateField(_("有效期至"))
    skills = models.CharField(_("特长与服务意向"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = MemberReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("在职党员报到")
        verbose_name_plural = _("在职党员报到")
        constraints = [
            models.UniqueConstraint(fields=["member", "reported_on"], name="member_report_once_a_day"),
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("reported_on")), name="report_valid_after"),
        ]
        indexes = [models.Index(fields=["community", "valid_until"], name="report_community_valid")]

    def __str__(self):
        return f"{self.member} → {self.community} {self.reported_on}"
