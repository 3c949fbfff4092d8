"""Positions held (职务: 交叉任职、一肩挑), term rules (任期规则) and leaders linked to communities
(领导联系社区) with their visits."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.scoping import InArea, ScopedQuerySet
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.roles.choices import Body, LinkKind, Post


class TermRule(models.Model):
    """How many years a committee's term lasts, by organization kind and/or category (blank:
    any).  The most specific rule wins: kind and category, then category, then kind, then
    the rule for any organization."""

    kind = models.CharField(_("组织类别"), max_length=24, choices=OrgKind.choices, blank=True)
    category = models.CharField(_("组织类型"), max_length=24, choices=OrgCategory.choices, blank=True)
    years = models.PositiveSmallIntegerField(
        _("任期（年）"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    note = models.CharField(_("依据"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("任期规则")
        verbose_name_plural = _("任期规则")
        constraints = [models.UniqueConstraint(fields=["kind", "category"], name="term_rule_unique")]

    def __str__(self):
        kind = self.get_kind_display() if self.kind else _("任意类别")
        category = self.get_category_display() if self.category else _("任意类型")
        return f"{kind} · {category}: {self.years}"


class PositionQuerySet(ScopedQuerySet):
    scope_paths = (InArea("community"),)

    def current(self, on):
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on), started_on__lte=on)


class Position(models.Model):
    """A post a person holds in a body of a community: its party committee (the organization),
    the residents' / owners' committee, the 村务监督委员会 or the 社区工作站 (a community or
    compound), or a property company (a resident unit).  ``community`` is the community the
    body belongs to, set by the action from the body."""

    member = models.ForeignKey(
        "organizations.Member", on_delete=models.PROTECT, related_name="positions", verbose_name=_("人员")
    )
    body = models.CharField(_("班子"), max_length=24, choices=Body.choices)
    org = models.ForeignKey(
        "organizations.PartyOrg", null=True, blank=True, on_delete=models.PROTECT, related_name="positions",
        verbose_name=_("党组织"),
    )
    place = models.ForeignKey(
        "organizations.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("社区或小区"),
    )
    unit = models.ForeignKey(
        "organizations.ResidentUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="positions",
        verbose_name=_("物业服务企业"),
    )
    community = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="positions", verbose_name=_("所在社区"),
        editable=False,
    )
    post = models.CharField(_("职务"), max_length=24, choices=Post.choices)
    started_on = models.DateField(_("任职起始"))
    ended_on = models.DateField(_("任职截止"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        indexes = [
            models.Index(fields=["community", "body"], name="position_community_body"),
            models.Index(fields=["member", "community"], name="position_member_community"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="position_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.get_body_display()}{self.get_post_display()}"

    @property
    def body_name(self) -> str:
        if self.org_id:
            return self.org.name
        if self.unit_id:
            return self.unit.name
        place = self.place.name if self.place_id else ""
        return f"{place}{self.get_body_display()}"


class LeaderLinkQuerySet(ScopedQuerySet):
    scope_paths = (InArea("community"),)

    def active(self, on):
        return self.filter(starts_on__lte=on, ends_on__gte=on)


class LeaderLink(models.Model):
    """A leader (an account, or a name and post) linked to a community for a year: 领导联系社区
    (``required_days`` a year, e.g. 14) or a department head (``visits_per_month``, 1–2).

    ``days_logged`` and ``covered_until`` are derived from the visits by their writers
    (``actions.visit_record``): the required days are due pro rata over ``starts_on`` …
    ``ends_on``, and the days logged cover the period up to ``covered_until``; the leader is
    behind when that date has passed."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="leader_links",
        verbose_name=_("领导账号"),
    )
    leader_name = models.CharField(_("姓名"), max_length=50)
    leader_post = models.CharField(_("职务"), max_length=80, help_text=_("如：区委常委、组织部长；区民政局局长"))
    community = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="leader_links", verbose_name=_("联系社区")
    )
    kind = models.CharField(_("联系方式"), max_length=16, choices=LinkKind.choices)
    required_days = models.DecimalField(
        _("每年驻点天数"), max_digits=5, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("366"))],
    )
    visits_per_month = models.PositiveSmallIntegerField(
        _("每月走访次数"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    starts_on = models.DateField(_("联系起始"))
    ends_on = models.DateField(_("联系截止"))
    days_logged = models.DecimalField(_("已驻点天数"), max_digits=6, decimal_places=1, default=Decimal("0"),
                                      editable=False)
    covered_until = models.DateField(_("已完成进度至"), editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = LeaderLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("领导联系社区")
        verbose_name_plural = _("领导联系社区")
        indexes = [models.Index(fields=["community", "year"], name="leader_link_community_year")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="leader_link_period"),
        ]

    def __str__(self):
        return f"{self.leader_name}（{self.leader_post}）· {self.community}"


class LeaderVisit(models.Model):
    link = models.ForeignKey(LeaderLink, on_delete=models.CASCADE, related_name="visits", verbose_name=_("联系"))
    date = models.DateField(_("日期"))
    days = models.DecimalField(
        _("天数"), max_digits=4, decimal_places=1, default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("31"))],
        help_text=_("以半天为单位：0.5、1、1.5……"),
    )
    note = models.CharField(_("内容"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联系走访")
        verbose_name_plural = _("联系走访")
        indexes = [models.Index(fields=["link", "date"], name="leader_visit_link_date")]

    def __str__(self):
        return f"{self.link.leader_name} {self.date}"
