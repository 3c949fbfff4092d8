"""Service centres (党群服务中心/站) and the localities' floor-area standards (kept as data)."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.scoping import InArea, InOrg, ScopedQuerySet
from network.centres.choices import FACILITY_LABELS, CentreLevel

MONEY = {"max_digits": 12, "decimal_places": 2}


class ServiceCentreQuerySet(ScopedQuerySet):
    """Visible with the place it serves (the area's subtree) or with the organization running it."""

    scope_paths = (InArea("area"), InOrg("runner"))

    def active(self):
        return self.filter(is_active=True)


class ServiceCentre(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=CentreLevel.choices)
    area = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="service_centres", verbose_name=_("服务区域"),
        help_text=_("中心（站）服务的区域：区级中心在区，街道中心在街道，社区站在社区，小区站在小区。"),
    )
    address = models.CharField(_("地址"), max_length=200)
    floor_area = models.DecimalField(
        _("面积（平方米）"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))],
    )
    opening_hours = models.CharField(_("开放时间"), max_length=200, help_text=_("如：周一至周五 8:30-17:30；周六 9:00-12:00"))
    phone = models.CharField(_("服务电话"), max_length=40, blank=True, help_text=_("对外公开的服务电话，不要填写个人手机号。"))
    facilities = models.JSONField(_("功能设施"), default=list, blank=True)
    runner = models.ForeignKey(
        "organizations.PartyOrg", on_delete=models.PROTECT, null=True, blank=True, related_name="service_centres",
        verbose_name=_("运行管理组织"),
    )
    is_active = models.BooleanField(_("在用"), default=True)
    deactivated_on = models.DateField(_("停用日期"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True, help_text=_("仅工作人员可见。"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ServiceCentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("党群服务中心（站）")
        verbose_name_plural = _("党群服务中心（站）")
        indexes = [models.Index(fields=["level", "is_active"], name="centre_level_active")]
        constraints = [
            models.CheckConstraint(condition=models.Q(floor_area__gt=0), name="centre_floor_area_positive"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        unknown = [f for f in (self.facilities or []) if f not in FACILITY_LABELS]
        if not isinstance(self.facilities, list) or unknown:
            raise ValidationError({"facilities": _("功能设施只能从列表中选择。")})

    @property
    def facility_labels(self) -> list[str]:
        return [str(FACILITY_LABELS[f]) for f in self.facilities or () if f in FACILITY_LABELS]


class FloorAreaStandard(models.Model):
    """A locality's minimum floor area for one level of centres (朝阳区: street centres ≥ 1,200 m²;
    丹东市: community stations ≥ 300 m²).  A centre is held to the standard of the nearest
    ancestor of its place that has one for its level."""

    area = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="floor_area_standards", verbose_name=_("适用地方"),
        help_text=_("制定标准的市或区；其下所有区域适用，下级地方另有标准的从其标准。"),
    )
    level = models.CharField(_("中心（站）层级"), max_length=16, choices=CentreLevel.choices)
    min_floor_area = models.DecimalField(
        _("最低面积（平方米）"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))],
    )
    source = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("文件名称或文号。"))

    class Meta:
        verbose_name = _("阵地面积标准")
        verbose_name_plural = _("阵地面积标准")
        constraints = [
            models.UniqueConstraint(fields=["area", "level"], name="floor_standard_one_per_level"),
            models.CheckConstraint(condition=models.Q(min_floor_area__gt=0), name="floor_standard_positive"),
        ]

    def __str__(self):
        return f"{self.area} · {self.get_level_display()} ≥ {self.min_floor_area}㎡"
