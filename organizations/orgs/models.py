from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from dangjian import trees
from dangjian.scoping import InArea, InOrg, ScopedQuerySet
from organizations.areas.models import Area
from organizations.orgs.choices import FormationMode, OrgCategory, OrgKind


# ------------------------------------------------------------------ party organizations
class PartyOrgQuerySet(ScopedQuerySet, TreeQuerySet):
    scope_paths = (InOrg(), InArea("area"))  # the organization's subtree, or its anchor area's

    def within(self, org):
        return self.filter(trees.subtree_q(org))

    def anchored_within(self, area):
        return self.filter(trees.subtree_q(area, "area"))


class PartyOrgManager(TreeManager.from_queryset(PartyOrgQuerySet)):
    pass


class PartyOrg(MPTTModel):
    name = models.CharField(_("组织名称"), max_length=120)
    code = models.CharField(_("组织编码"), max_length=32, unique=True)
    kind = models.CharField(_("组织类别"), max_length=24, choices=OrgKind.choices)
    category = models.CharField(_("组织类型"), max_length=24, choices=OrgCategory.choices)
    formation = models.CharField(
        _("组建方式"), max_length=16, choices=FormationMode.choices, default=FormationMode.SINGLE
    )
    joint_units = models.PositiveSmallIntegerField(
        _("联合组建单位数"), default=1, help_text=_("联合组建时参与的单位数，一般不超过5个")
    )
    parent = TreeForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级组织")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="party_orgs", verbose_name=_("所在区域"),
        help_text=_("组织所依托的区域节点（社区、小区、楼栋等）"),
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    term_started_on = models.DateField(_("本届任期开始"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(_("任期（年）"), default=3)
    secretary = models.ForeignKey(
        "Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="secretary_of",
        verbose_name=_("书记"),
    )
    secretary_also_chairs = models.BooleanField(
        _("书记交叉任职"), default=False, help_text=_("书记兼任居委会主任或业委会主任（一肩挑）")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PartyOrgManager()

    class MPTTMeta:
        level_attr = "depth"

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_among_siblings"),
        ]
        indexes = [
            models.Index(fields=["tree_id", "lft"], name="org_tree_lft"),
            models.Index(fields=["kind", "category"], name="org_kind_category"),
            # the coverage figures' "a 党小组 / a 小区党支部 is anchored here" sets, read from an index alone
            models.Index(fields=["area"], condition=Q(kind="group"), name="org_group_area"),
            models.Index(fields=["area"], condition=Q(kind="branch", category="compound"), name="org_compound_branch_area"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        before = getattr(self, "_anchor_before", None)
        super().save(*args, **kwargs)
        if before is not None and before != self.area_id:
            from organizations.members import places

            Member = apps.get_model("organizations", "Member")
            places.sync_members(Member.objects.filter(organization=self))
        self._anchor_before = self.area_id

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._anchor_before = instance.__dict__.get("area_id")
        return instance

    def clean(self):
        super().clean()
        from organizations.orgs.rules import org_structure_errors

        errors = org_structure_errors(self)
        if errors:
            raise ValidationError(errors)

    @property
    def term_ends_on(self):
        if not self.term_started_on:
            return None
        start = self.term_started_on
        try:
            return start.replace(year=start.year + self.term_years)
        except ValueError:  # 29 February
            return start.replace(year=start.year + self.term_years, day=28)
