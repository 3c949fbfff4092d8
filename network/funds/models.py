"""经费: yearly allocations to a party organization or a community (by purpose), and the
spending recorded against them.  ``FundAllocation.spent`` is the sum of its spendings, kept
by ``network.funds.actions.spending_record`` on the locked allocation row in the same
transaction, so the database itself refuses a balance below zero (``spent <= amount``)."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dangjian.scoping import InArea, InOrg, ScopedQuerySet, Through
from network.funds.choices import FundPurpose, SpendingCategory
from organizations.grants.choices import MANAGE_ROLES

MONEY = {"max_digits": 12, "decimal_places": 2}


class FundAllocationQuerySet(ScopedQuerySet):
    """Allocations whose recipient lies in the user's subtree (the recipient community, or
    the area of the recipient organization: ``place``), and those of organizations they manage."""

    scope_paths = (InArea("place", MANAGE_ROLES), InOrg("org", MANAGE_ROLES))


class FundAllocation(models.Model):
    """One year's funds of one purpose for one recipient: a party organization or a
    community (exactly one).  ``place`` is the recipient's area (the community itself, or the
    organization's area), set by the action, for scoping and per-area totals."""

    year = models.PositiveSmallIntegerField(_("年度"))
    purpose = models.CharField(_("经费用途"), max_length=24, choices=FundPurpose.choices)
    org = models.ForeignKey("organizations.PartyOrg", null=True, blank=True, on_delete=models.PROTECT,
                            related_name="fund_allocations", verbose_name=_("受拨党组织"))
    area = models.ForeignKey("organizations.Area", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="fund_allocations", verbose_name=_("受拨社区"))
    place = models.ForeignKey("organizations.Area", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("所在区域"), editable=False)
    amount = models.DecimalField(_("下拨金额（元）"), **MONEY)
    spent = models.DecimalField(_("已支出（元）"), default=0, editable=False, **MONEY)
    source = models.CharField(_("经费来源"), max_length=120, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("下拨人"))
    created_at = models.DateTimeField(_("下拨时间"), auto_now_add=True)

    objects = FundAllocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("经费下拨")
        verbose_name_plural = _("经费下拨")
        ordering = ["-year", "purpose", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(org__isnull=False) & Q(area__isnull=True)) | (Q(org__isnull=True) & Q(area__isnull=False)),
                name="fund_allocation_one_recipient",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_allocation_amount_positive"),
            models.CheckConstraint(condition=Q(spent__gte=0) & Q(spent__lte=F("amount")),
                                   name="fund_allocation_never_below_zero"),
            models.UniqueConstraint(fields=["year", "purpose", "org"], condition=Q(org__isnull=False),
                                    name="fund_allocation_once_per_org"),
            models.UniqueConstraint(fields=["year", "purpose", "area"], condition=Q(area__isnull=False),
                                    name="fund_allocation_once_per_area"),
        ]
        indexes = [models.Index(fields=["year", "place"], name="fund_allocation_year_place",
                                include=["amount", "spent"])]

    def __str__(self):
        return f"{self.year}年 {self.recipient} {self.get_purpose_display()}"

    @property
    def recipient(self):
        return self.org if self.org_id else self.area

    @property
    def balance(self):
        return self.amount - self.spent


class FundSpendingQuerySet(ScopedQuerySet):
    scope_paths = (Through("allocation"),)


def evidence_path(instance, filename):
    return f"funds/{instance.allocation_id}/{filename}"


class FundSpending(models.Model):
    """Money spent from an allocation (optionally for a service project), with its evidence."""

    allocation = models.ForeignKey(FundAllocation, on_delete=models.PROTECT, related_name="spendings",
                                   verbose_name=_("经费"))
    spent_on = models.DateField(_("支出日期"))
    category = models.CharField(_("支出类别"), max_length=16, choices=SpendingCategory.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    description = models.CharField(_("支出说明"), max_length=300)
    evidence = models.FileField(_("票据/凭证"), upload_to=evidence_path, blank=True, max_length=200)
    project = models.ForeignKey("network.ServiceProject", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="spendings", verbose_name=_("服务项目"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = FundSpendingQuerySet.as_manager()

    class Meta:
        verbose_name = _("经费支出")
        verbose_name_plural = _("经费支出")
        ordering = ["-spent_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fund_spending_amount_positive")]
        indexes = [models.Index(fields=["allocation", "spent_on"], name="fund_spending_alloc_date")]

    def __str__(self):
        return f"{self.spent_on} {self.get_category_display()} {self.amount}"


