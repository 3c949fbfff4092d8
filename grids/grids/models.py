"""Grids (网格), their four-level teams, and the people's diary (民情日记)."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from dangjian import trees
from dangjian.scoping import InArea, ScopedQuerySet
from organizations.areas.models import Area
from organizations.orgs.models import PartyOrg


class GridQuerySet(ScopedQuerySet):
    scope_paths = (InArea("community"),)

    def scope_q(self, scope, user):
        # The community is in the user's subtree, or one of the places the grid covers is
        # (a grid worker is granted the grid's compounds/buildings, not the community).
        covered = GridArea.objects.filter(grid=OuterRef("pk")).filter(trees.ranges_q(scope.area_ranges, "area"))
        return super().scope_q(scope, user) | Q(Exists(covered))

    def within(self, area):
        return self.filter(trees.subtree_q(area, "community"))


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
