"""Designations: 示范党支部, 示范社区, 示范党群服务中心, 星级党支部 (1–5 stars) and other
示范点, each of exactly one thing — a party organization, an area or a service centre —
with its dates.  ``place`` is the area the designated thing lies in (the organization's
anchor, the area itself, the centre's place), written by the actions: the scope and the
per-area counts read it."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.scoping import InArea, InOrg, ScopedQuerySet
from network.designations.choices import DesignationKind, DesignationState


def current_q(today=None, prefix: str = "") -> Q:
    """Granted on or before ``today``, not past its ``valid_until`` and not revoked."""
    today = today or timezone.localdate()
    p = f"{prefix}__" if prefix else ""
    return (
        Q(**{f"{p}granted_on__lte": today}, **{f"{p}revoked_on__isnull": True})
        & (Q(**{f"{p}valid_until__isnull": True}) | Q(**{f"{p}valid_until__gte": today}))
    )


class DesignationQuerySet(ScopedQuerySet):
    scope_paths = (InArea("place"), InOrg("org"))

    def current(self, today=None):
        return self.filter(current_q(today))


class Designation(models.Model):
    kind = models.CharField(_("类别"), max_length=16, choices=DesignationKind.choices)
    title = models.CharField(_("名称"), max_length=100, blank=True, help_text=_("如：红色物业示范点；可不填。"))
    stars = models.PositiveSmallIntegerField(_("星级"), null=True, blank=True, help_text=_("星级党支部：1–5 星。"))
    org = models.ForeignKey(
        "organizations.PartyOrg", on_delete=models.PROTECT, null=True, blank=True, related_name="designations",
        verbose_name=_("党组织"),
    )
    area = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="designations",
        verbose_name=_("区域"),
    )
    centre = models.ForeignKey(
        "network.ServiceCentre", on_delete=models.PROTECT, null=True, blank=True, related_name="designations",
        verbose_name=_("党群服务中心（站）"),
    )
    place = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"),
    )
    granted_by = models.CharField(_("授予单位"), max_length=100, blank=True, help_text=_("如：中共丹东市委组织部。"))
    granting_area = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("授予地方"),
    )
    granted_on = models.DateField(_("授予日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("长期有效的可不填。"))
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("撤销人"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = DesignationQuerySet.as_manager()

    class Meta:
        verbose_name = _("示范点与星级")
        verbose_name_plural = _("示范点与星级")
        indexes = [models.Index(fields=["kind", "granted_on"], name="designation_kind_granted")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(org__isnull=False, area__isnull=True, centre__isnull=True)
                    | Q(org__isnull=True, area__isnull=False, centre__isnull=True)
                    | Q(org__isnull=True, area__isnull=True, centre__isnull=False)
                ),
                name="designation_exactly_one_subject",
            ),
            models.CheckConstraint(
                condition=(Q(kind=DesignationKind.STAR_BRANCH, stars__gte=1, stars__lte=5)
                           | (~Q(kind=DesignationKind.STAR_BRANCH) & Q(stars__isnull=True))),
                name="designation_stars_for_star_branches",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("granted_on")),
                name="designation_valid_after_granted",
            ),
        ]

    def __str__(self):
        return f"{self.label} · {self.subject}"

    @property
    def subject(self):
        return self.org or self.area or self.centre

    @property
    def label(self) -> str:
        if self.kind == DesignationKind.STAR_BRANCH and self.stars:
            return f"{self.stars}星级党支部"
        return self.title or self.get_kind_display()

    def state(self, today=None) -> str:
        today = today or timezone.localdate()
        if self.revoked_on is not None:
            return DesignationState.REVOKED
        if self.granted_on > today:
            return DesignationState.PENDING
        if self.valid_until is not None and self.valid_until < today:
            return DesignationState.EXPIRED
        return DesignationState.CURRENT

    @property
    def state_label(self) -> str:
        return str(DesignationState(self.state()).label)
