from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.crypto import EncryptedCharField
from dangjian.scoping import InArea, InOrg, ScopedQuerySet
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.orgs.models import PartyOrg
from organizations.units.choices import ResidentUnitKind


class ResidentUnitQuerySet(ScopedQuerySet):
    scope_paths = (InArea("community"), InOrg("party_org"))


class ResidentUnit(models.Model):
    name = models.CharField(_("单位名称"), max_length=120)
    kind = models.CharField(_("单位性质"), max_length=24, choices=ResidentUnitKind.choices)
    community = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="resident_units", verbose_name=_("所在社区")
    )
    party_org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.SET_NULL, related_name="resident_units",
        verbose_name=_("单位党组织"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_plain_length=20)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ResidentUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("驻区单位")
        verbose_name_plural = _("驻区单位")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="unit_unique_in_community")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.community_id and self.community.level != AreaLevel.COMMUNITY:
            raise ValidationError({"community": _("驻区单位必须登记在社区。")})
