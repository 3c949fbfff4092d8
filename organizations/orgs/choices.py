from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    WORKING_COMMITTEE = "working_committee", _("党工委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    GROUP = "group", _("党小组")


# Depth order of kinds: a child organization is never of a "higher" kind than its parent.
ORG_KIND_RANK = {
    OrgKind.COMMITTEE: 1,
    OrgKind.WORKING_COMMITTEE: 1,
    OrgKind.GENERAL_BRANCH: 2,
    OrgKind.BRANCH: 3,
    OrgKind.GROUP: 4,
}


class OrgCategory(models.TextChoices):
    REGIONAL = "regional", _("区域")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    COMPOUND = "compound", _("小区")
    GRID = "grid", _("网格")
    BUILDING_GROUP = "building_group", _("楼道(楼栋)")
    OFFICE_BUILDING = "office_building", _("楼宇")
    ORGAN = "organ", _("机关")
    INSTITUTION = "institution", _("事业单位")
    ENTERPRISE = "enterprise", _("企业")
    NEW_ECONOMY = "new_economy", _("两新")
    TEMPORARY = "temporary", _("临时")
    JOINT = "joint", _("联合")
    PROPERTY = "property", _("物业")
    OWNERS_COMMITTEE = "owners_committee", _("业委会")
    MARKET = "market", _("集贸市场")


class FormationMode(models.TextChoices):
    SINGLE = "single", _("单独组建")
    JOINT = "joint", _("联合组建")
    ATTACHED = "attached", _("挂靠组建")
