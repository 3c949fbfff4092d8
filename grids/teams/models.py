from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.scoping import ScopedQuerySet, Through
from grids.grids.models import Grid
from grids.teams.choices import TeamRole
from organizations.grants.models import Grant
from organizations.members.models import Member


class GridTeamMemberQuerySet(ScopedQuerySet):
    scope_paths = (Through("grid"),)

    def current(self, on=None):
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(Q(started_on__isnull=True) | Q(started_on__lte=on), Q(ended_on__isnull=True) | Q(ended_on__gte=on))


class GridTeamMember(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="team", verbose_name=_("网格"))
    role = models.CharField(_("团队角色"), max_length=16, choices=TeamRole.choices)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="grid_roles", verbose_name=_("党员")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="grid_roles",
        verbose_name=_("账号"),
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True, help_text=_("非党员的志愿者等填写姓名"))
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    grants = models.ManyToManyField(
        Grant, blank=True, related_name="grid_assignments", verbose_name=_("随之授予的权限"),
        help_text=_("网格员账号随任职获得的网格范围授权，任职结束时一并收回"),
    )

    objects = GridTeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格团队成员")
        verbose_name_plural = _("网格团队成员")
        ordering = ["grid_id", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False) | Q(user__isnull=False) | ~Q(display_name=""),
                name="team_member_is_someone",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(started_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="team_member_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.grid} · {self.get_role_display()} · {self.person_name}"

    @property
    def person_name(self):
        if self.member_id:
            return self.member.name
        if self.display_name:
            return self.display_name
        return self.user.get_full_name() or self.user.get_username() if self.user_id else ""
