"""党费 (dues): versioned brackets (a rule set a locality may override), each member's
declared base with the monthly amount it gives, the monthly ledger, and the per-member
state the six-months flag reads (党章第九条).

``MemberDuesState`` is derived: kept by the ledger's and the bases' writers
(``organizations.dues.actions``, ``DuesPayment.save``/``delete``) with
``dangjian.derived.upsert_select``, never written elsewhere."""
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from dangjian import trees
from dangjian.derived import narrowed, upsert_select
from dangjian.scoping import GoverningRulesQuerySet, InArea, InOrg, ScopedQuerySet
from organizations.areas.models import Area
from organizations.dues.choices import DuesCategory, PaymentKind
from organizations.grants.choices import MANAGE_ROLES
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg

MONEY = {"max_digits": 10, "decimal_places": 2}


# ----------------------------------------------------------------------- brackets
class DuesRuleSetQuerySet(GoverningRulesQuerySet):
    pass


class DuesRuleSet(models.Model):
    """A versioned set of dues brackets. ``area`` empty = the default set (2008 rules); an
    area may publish its own version, applying to the members of organizations anchored in
    its subtree from ``effective_from`` on."""

    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="dues_rule_sets",
                             verbose_name=_("适用区域"), help_text=_("留空为默认标准"))
    version = models.PositiveIntegerField(_("版本"))
    effective_from = models.DateField(_("生效日期"))
    notes = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("发布人"))
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    objects = DuesRuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("党费标准")
        verbose_name_plural = _("党费标准")
        ordering = ["area_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["area", "version"], name="dues_ruleset_version_per_area"),
            models.UniqueConstraint(fields=["version"], condition=Q(area__isnull=True), name="dues_ruleset_default_version"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class DuesBracket(models.Model):
    rule_set = models.ForeignKey(DuesRuleSet, on_delete=models.CASCADE, related_name="brackets", verbose_name=_("党费标准"))
    category = models.CharField(_("党员类别"), max_length=16, choices=DuesCategory.choices)
    lower = models.DecimalField(_("月收入下限（不含）"), null=True, blank=True, **MONEY)
    upper = models.DecimalField(_("月收入上限（含）"), null=True, blank=True, **MONEY)
    rate = models.DecimalField(_("比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    flat_amount = models.DecimalField(_("定额（元/月）"), null=True, blank=True, **MONEY)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("党费档次")
        verbose_name_plural = _("党费档次")
        ordering = ["rule_set", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(rate__isnull=False, flat_amount__isnull=True) | Q(rate__isnull=True, flat_amount__isnull=False)),
                name="dues_bracket_rate_or_flat",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.as_bracket().describe()}"

    def as_bracket(self):
        from organizations.dues.brackets import Bracket

        return Bracket(self.category, self.lower, self.upper, self.rate, self.flat_amount)


# ---------------------------------------------------------------------------- bases
class MemberDuesQuerySet(ScopedQuerySet):
    """Rows of a member's dues: seen by a managing role over the member's branch (or its
    area), and by the member themselves."""

    scope_paths = (InArea("member__organization__area", MANAGE_ROLES), InOrg("member__organization", MANAGE_ROLES))

    def scope_q(self, scope, user):
        """The rule of ``scope_paths``, read for a city, district, street or community grant
        from the member's own place column (``Member.org_*``: one indexed equality instead of
        a range join through the branch to its area), as the roster does."""
        from organizations.members.places import ORG_FIELDS

        q = Q(member__user_id=user.pk)
        for r in scope.areas_for(MANAGE_ROLES):
            field = ORG_FIELDS.get(r.level)
            q |= Q(**{f"member__{field}": r.pk}) if field else trees.subtree_q(r, "member__organization__area")
        orgs = scope.orgs_for(MANAGE_ROLES)
        if orgs:
            q |= InOrg("member__organization", MANAGE_ROLES).q(self, scope, None)
        return q


class DuesBaseQuerySet(MemberDuesQuerySet):
    pass


class DuesBase(models.Model):
    """A member's declared base for a year, from a month on (a pay change during the year
    applies from its month: a later row of the same year; the latest ``from_month`` on or
    before a month applies to it), with the monthly amount the brackets gave and the rule
    set used."""

    # no index of its own: the unique (member, year, from_month) leads with it
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_bases", verbose_name=_("党员"),
                               db_index=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    from_month = models.PositiveSmallIntegerField(_("起始月份"), default=1)
    starts_on = models.DateField(_("起始月"), editable=False)  # date(year, from_month, 1), for range reads
    category = models.CharField(_("党员类别"), max_length=16, choices=DuesCategory.choices)
    base = models.DecimalField(_("税后月收入（元）"), default=0, **MONEY)
    monthly_amount = models.DecimalField(_("每月应交（元）"), **MONEY)
    rule_set = models.ForeignKey(DuesRuleSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("所用标准"))
    declared_on = models.DateField(_("申报日期"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = DuesBaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("党费基数")
        verbose_name_plural = _("党费基数")
        ordering = ["member", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year", "from_month"], name="dues_base_once_per_month"),
            models.CheckConstraint(condition=Q(from_month__gte=1, from_month__lte=12), name="dues_base_month_valid"),
        ]
        indexes = [models.Index(fields=["member", "starts_on"], name="dues_base_member_start")]

    def __str__(self):
        return f"{self.member} {self.year}年{self.from_month}月起 {self.monthly_amount}元/月"

    def save(self, *args, **kwargs):
        self.starts_on = date(self.year, self.from_month, 1)
        super().save(*args, **kwargs)


# --------------------------------------------------------------------------- ledger
class DuesPaymentQuerySet(MemberDuesQuerySet):
    pass


class DuesPayment(models.Model):
    """One member's dues of one month (``month``: its first day): paid that month, paid in
    advance (one row per month covered, sharing ``paid_on``), paid late (补缴), or exempt
    with a reason.  ``organization`` is the branch the member belonged to when recorded."""

    # no index of their own: the unique (member, month) and the (organization, month) index lead with them
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_payments", verbose_name=_("党员"),
                               db_index=False)
    month = models.DateField(_("所属月份"))
    kind = models.CharField(_("类型"), max_length=8, choices=PaymentKind.choices, default=PaymentKind.PAID)
    amount_due = models.DecimalField(_("应交（元）"), **MONEY)
    amount_paid = models.DecimalField(_("实交（元）"), **MONEY)
    paid_on = models.DateField(_("交纳日期"), null=True, blank=True)
    exempt_reason = models.CharField(_("免交原因"), max_length=200, blank=True)
    organization = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="dues_payments",
                                     verbose_name=_("交纳时所在支部"), db_index=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = DuesPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("党费收缴记录")
        verbose_name_plural = _("党费收缴记录")
        ordering = ["member", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_payment_once_per_month"),
            models.CheckConstraint(condition=~Q(kind=PaymentKind.EXEMPT) | ~Q(exempt_reason=""), name="dues_exempt_has_reason"),
        ]
        indexes = [
            # a branch's (an area's) month or year: totals and the sheet
            models.Index(fields=["organization", "month"], name="dues_payment_org_month",
                         include=["amount_due", "amount_paid"]),
        ]

    def __str__(self):
        return f"{self.member} {self.month:%Y-%m} {self.get_kind_display()} {self.amount_paid}"

    def save(self, *args, **kwargs):
        """One row written (a factory, the admin): the member's state follows.  Bulk writes
        refresh it themselves (``organizations.dues.actions``)."""
        super().save(*args, **kwargs)
        MemberDuesState.objects.refresh(member_ids=[self.member_id])
        DuesOrgMonth.objects.refresh(org_ids=[self.organization_id], months=[self.month])

    def delete(self, *args, **kwargs):
        member_id, org_id, month = self.member_id, self.organization_id, self.month
        result = super().delete(*args, **kwargs)
        MemberDuesState.objects.refresh(member_ids=[member_id])
        DuesOrgMonth.objects.refresh(org_ids=[org_id], months=[month])
        return result


# ---------------------------------------------------------------------- derived state
class MemberDuesStateManager(models.Manager):
    def refresh(self, *, member_ids=None) -> None:
        """Recompute the members' first month due (their earliest base) and last month
        covered (paid or exempt) from the bases and the ledger, all members when None:
        two upserts (``dangjian.derived.upsert_select``), two clearing UPDATEs and one
        DELETE of the rows left with neither, whatever the number of members."""
        found = narrowed(member_ids, DuesBase.objects.all(), DuesPayment.objects.all(), self.get_queryset())
        if found is None:
            return
        bases, payments, kept = found
        starts = bases.order_by().values("member_id").annotate(start=Min("starts_on")).values_list("member_id", "start")
        upsert_select(self.model, starts, ["member_id", "start_month"], unique=["member_id"])
        covered = payments.order_by().values("member_id").annotate(last=Max("month")).values_list("member_id", "last")
        upsert_select(self.model, covered, ["member_id", "last_covered"], unique=["member_id"])
        kept.exclude(member_id__in=bases.values("member_id")).update(start_month=None)
        kept.exclude(member_id__in=payments.values("member_id")).update(last_covered=None)
        kept.filter(start_month__isnull=True, last_covered__isnull=True).delete()


class MemberDuesState(models.Model):
    """Where a member's dues stand: the first month due (their earliest declared base) and
    the last month covered (paid, paid in advance, paid late or exempt).  The months unpaid
    in a row follow from these two and today (``brackets.unpaid_streak``), so the six-months
    list is an index range read on one row a member, not a scan of the ledger."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, primary_key=True, related_name="dues_state",
                                  verbose_name=_("党员"))
    start_month = models.DateField(_("起交月份"), null=True, blank=True)
    last_covered = models.DateField(_("最近已交（免交）月份"), null=True, blank=True)

    objects = MemberDuesStateManager()

    class Meta:
        verbose_name = _("党员党费状态")
        verbose_name_plural = _("党员党费状态")
        indexes = [
            models.Index(fields=["last_covered"], name="dues_state_last_covered"),
            models.Index(fields=["start_month"], name="dues_state_start", condition=Q(last_covered__isnull=True)),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.start_month} → {self.last_covered}"


# ---------------------------------------------------------------------- derived rollup
class DuesOrgMonthQuerySet(ScopedQuerySet):
    scope_paths = (InArea("org__area", MANAGE_ROLES), InOrg("org", MANAGE_ROLES))


class DuesOrgMonthManager(models.Manager.from_queryset(DuesOrgMonthQuerySet)):
    def refresh(self, *, org_ids=None, months=None) -> None:
        """Recompute the branches' monthly totals from the ledger (all when None): one
        ``INSERT … SELECT … GROUP BY branch, month`` upsert and one DELETE of the totals left
        without a ledger row, whatever the number of rows."""
        payments, kept = DuesPayment.objects.all(), self.get_queryset()
        if org_ids is not None:
            org_ids = sorted({o for o in org_ids if o is not None})
            if not org_ids:
                return
            payments, kept = payments.filter(organization_id__in=org_ids), kept.filter(org_id__in=org_ids)
        if months is not None:
            months = sorted(set(months))
            payments, kept = payments.filter(month__in=months), kept.filter(month__in=months)
        sums = (
            payments.order_by().values("organization_id", "month")
            .annotate(due=Sum("amount_due"), paid=Sum("amount_paid"),
                      paid_months=Count("pk", filter=~Q(kind=PaymentKind.EXEMPT)),
                      exempt_months=Count("pk", filter=Q(kind=PaymentKind.EXEMPT)))
            .values_list("organization_id", "month", "due", "paid", "paid_months", "exempt_months")
        )
        upsert_select(self.model, sums, ["org_id", "month", "due", "paid", "paid_months", "exempt_months"],
                      unique=["org_id", "month"])
        kept.filter(~Exists(DuesPayment.objects.filter(organization_id=OuterRef("org_id"), month=OuterRef("month")))).delete()


class DuesOrgMonth(models.Model):
    """A branch's dues of one month: the sums of its ledger rows (by the branch at the time
    of each payment), kept by the ledger's writers (``organizations.dues.actions``,
    ``DuesPayment.save``/``delete``, the demo), never written elsewhere.  The totals for the
    superior read one row a branch and month instead of grouping a city's ledger."""

    org = models.ForeignKey(PartyOrg, on_delete=models.CASCADE, related_name="dues_months", verbose_name=_("党支部"),
                            db_index=False)
    month = models.DateField(_("月份"))
    due = models.DecimalField(_("应交（元）"), max_digits=14, decimal_places=2)
    paid = models.DecimalField(_("实交（元）"), max_digits=14, decimal_places=2)
    paid_months = models.PositiveIntegerField(_("已交人月"))
    exempt_months = models.PositiveIntegerField(_("免交人月"))

    objects = DuesOrgMonthManager()

    class Meta:
        verbose_name = _("党支部月度党费汇总")
        verbose_name_plural = _("党支部月度党费汇总")
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="dues_org_month_once")]

    def __str__(self):
        return f"{self.org_id} {self.month:%Y-%m}: {self.paid}"
