"""Territory tree, party-organization tree, members, central households, resident units,
grants (who sees which subtree), and the personal-data access log."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from dangjian import trees
from dangjian.scoping import InArea, ScopedQuerySet
from dangjian.trees import NOTHING
from organizations.areas.choices import ROOT_LEVELS, AreaLevel, BuildingUse


# --------------------------------------------------------------------------- territory
class AreaQuerySet(ScopedQuerySet, TreeQuerySet):
    scope_paths = (InArea(),)

    def scope_q(self, scope, user):
        return super().scope_q(scope, user) | self._org_anchor_q(scope)

    def _org_anchor_q(self, scope):
        # An organization grant lets its holder see the areas its organizations are anchored to.
        if not scope.org_ranges:
            return NOTHING
        PartyOrg = apps.get_model("organizations", "PartyOrg")
        return Q(pk__in=PartyOrg.objects.filter(trees.ranges_q(scope.org_ranges)).values("area_id"))

    def within(self, area):
        """The node and its whole subtree."""
        return self.filter(trees.subtree_q(area))


class AreaManager(TreeManager.from_queryset(AreaQuerySet)):
    pass


class Area(MPTTModel):
    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(
        _("编码"), max_length=32, unique=True, help_text=_("行政区划代码或自定义编码，全局唯一")
    )
    level = models.PositiveSmallIntegerField(_("层级"), choices=AreaLevel.choices)
    parent = TreeForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级区域")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    households = models.PositiveIntegerField(_("户数"), default=0, help_text=_("楼栋/单元的住户数"))
    building_use = models.CharField(
        _("楼栋用途"), max_length=16, choices=BuildingUse.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = AreaManager()

    class MPTTMeta:
        level_attr = "depth"

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_among_siblings"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="area_unique_root_name"
            ),
        ]
        indexes = [
            models.Index(fields=["tree_id", "lft"], name="area_tree_lft"),
            models.Index(fields=["level"], name="area_level"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        before = getattr(self, "_place_key", None)
        super().save(*args, **kwargs)
        if before is not None and before != (self.parent_id, self.level):
            # moved or re-levelled: the chains of everyone living or belonging under it change
            from organizations.members import places

            self.refresh_from_db(fields=list(trees.range_fields()))
            inside = trees.subtree_q(self)
            Member = apps.get_model("organizations", "Member")
            places.sync_members(Member.objects.filter(
                Q(residence__in=Area.objects.filter(inside)) | Q(organization__area__in=Area.objects.filter(inside))
            ))
        self._place_key = (self.parent_id, self.level)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._place_key = (instance.__dict__.get("parent_id"), instance.__dict__.get("level"))
        return instance

    def clean(self):
        super().clean()
        errors = {}
        if self.parent_id:
            parent = self.parent
            if self.level is not None and self.level <= parent.level:
                errors["level"] = _("“%(child)s”必须比上级区域“%(parent)s”（%(plevel)s）层级更低。") % {
                    "child": self.get_level_display(),
                    "parent": parent.name,
                    "plevel": parent.get_level_display(),
                }
            if self.pk and parent.pk == self.pk:
                errors["parent"] = _("区域不能以自己为上级。")
            elif self.pk and not self._state.adding:
                if trees.contains(self, parent):
                    errors["parent"] = _("不能把区域移动到它自己的下级之下。")
            if self.level == AreaLevel.ENTRANCE and parent.level != AreaLevel.BUILDING:
                errors["level"] = _("单元只能建在楼栋之下。")
        elif self.level is not None and self.level not in ROOT_LEVELS:
            errors["parent"] = _("只有市或区可以作为顶级区域，请选择上级区域。")
        if self.building_use and self.level not in (AreaLevel.BUILDING, AreaLevel.ENTRANCE):
            errors["building_use"] = _("只有楼栋可以设置用途。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_building(self):
        return self.level == AreaLevel.BUILDING
