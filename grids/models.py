"""Grids (网格), their four-level teams, and the people's diary (民情日记)."""
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from dangjian.scoping import get_scope, range_q
from grids.choices import ConversionTarget, DiaryCategory, DiaryKind, DiaryStatus, TeamRole
from organizations.areas.models import Area
from organizations.grants.models import Grant
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg


class GridQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        # The community is in the user's subtree, or one of the places the grid covers is
        # (a grid worker is granted the grid's compounds/buildings, not the community).
        covered = GridArea.objects.filter(grid=OuterRef("pk")).filter(range_q("area", scope.area_ranges))
        return self.filter(range_q("community", scope.area_ranges) | Q(Exists(covered)))

    def within(self, area):
        return self.filter(
            community__tree_id=area.tree_id, community__lft__gte=area.lft, community__lft__lte=area.rght
        )


class Grid(models.Model):
    community = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="grids", verbose_name=_("所属社区")
    )
    code = models.CharField(_("网格编码"), max_length=32, unique=True)
    name = models.CharField(_("网格名称"), max_length=100)
    party_branch = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.SET_NULL, related_name="grids",
        verbose_name=_("网格党支部"), help_text=_("一网格一支部：该网格对应的党支部"),
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["community_id", "code"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="grid_unique_name_in_community")]

    def __str__(self):
        return self.name


class GridArea(models.Model):
    """A compound or building covered by a grid.  A place belongs to at most one grid
    (unique ``area``); the actions also refuse a building whose compound is covered by
    another grid, and the reverse."""

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="coverage", verbose_name=_("网格"))
    area = models.OneToOneField(
        Area, on_delete=models.CASCADE, related_name="grid_cover", verbose_name=_("覆盖区域"),
    )

    class Meta:
        verbose_name = _("网格覆盖")
        verbose_name_plural = _("网格覆盖")

    def __str__(self):
        return f"{self.grid} · {self.area}"


class GridTeamMemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(grid__in=Grid.objects.visible_to(user).values("pk"))

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


class DiaryEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(grid__in=Grid.objects.visible_to(user).values("pk"))


def diary_photo_path(instance, filename):
    return f"diary/{instance.grid_id}/{filename}"


class DiaryEntry(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="diary", verbose_name=_("网格"))
    building = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="diary_entries", verbose_name=_("楼栋")
    )
    household = models.CharField(_("户（门牌）"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=DiaryKind.choices, default=DiaryKind.VISIT)
    category = models.CharField(_("类别"), max_length=16, choices=DiaryCategory.choices)
    text = models.TextField(_("内容"), max_length=4000)
    photo = models.FileField(_("照片"), upload_to=diary_photo_path, blank=True)
    occurred_on = models.DateField(_("日期"))
    status = models.CharField(_("状态"), max_length=16, choices=DiaryStatus.choices, default=DiaryStatus.RECORDED)
    resolution = models.TextField(_("处理结果"), blank=True, max_length=2000)
    # Hook for the services issue: a problem becomes a resident request or a whistle.
    converted_to = models.CharField(_("转办为"), max_length=16, choices=ConversionTarget.choices, blank=True)
    converted_id = models.PositiveBigIntegerField(_("转办记录编号"), null=True, blank=True)
    converted_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="diary_entries",
        verbose_name=_("记录人"),
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = DiaryEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("民情日记")
        verbose_name_plural = _("民情日记")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["grid", "occurred_on"], name="diary_grid_date")]

    def __str__(self):
        return f"{self.occurred_on} {self.get_category_display()}"
