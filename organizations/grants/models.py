from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.scoping import InArea, InOrg, ScopedQuerySet
from organizations.areas.models import Area
from organizations.grants.choices import ACCOUNT_MANAGER_ROLES, Role
from organizations.orgs.models import PartyOrg


# -------------------------------------------------------------------- grants and logs
class GrantQuerySet(ScopedQuerySet):
    """A grant is visible to whoever manages accounts over its node (账号管理): an
    administrator, district or street grant covering the area, the organization, or the
    organization's area."""

    scope_paths = (
        InArea("area", ACCOUNT_MANAGER_ROLES), InArea("org__area", ACCOUNT_MANAGER_ROLES),
        InOrg("org", ACCOUNT_MANAGER_ROLES),
    )


class Grant(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.CASCADE, related_name="grants", verbose_name=_("区域")
    )
    org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.CASCADE, related_name="grants", verbose_name=_("党组织")
    )
    is_active = models.BooleanField(_("有效"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False) | Q(org__isnull=False), name="grant_has_a_node"
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="grant_user_active")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.area or self.org}"
