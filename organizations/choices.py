"""Choices, role groups and rule tables for the organizations app."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.IntegerChoices):
    CITY = 1, _("市")
    DISTRICT = 2, _("区")
    STREET = 3, _("街道")
    COMMUNITY = 4, _("社区")
    COMPOUND = 5, _("小区")
    BUILDING = 6, _("楼栋")
    ENTRANCE = 7, _("单元")


# Levels a tree may start at (a city deployment, or a single district's).
ROOT_LEVELS = (AreaLevel.CITY, AreaLevel.DISTRICT)


class BuildingUse(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅楼")
    COMMERCIAL = "commercial", _("商务楼宇")
    MIXED = "mixed", _("商住混合")


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


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class MemberStatus(models.TextChoices):
    FULL = "full", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


class OrgRole(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy", _("副书记")
    COMMITTEE_MEMBER = "committee", _("委员")
    MEMBER = "member", _("党员")


COMMITTEE_ROLES = (OrgRole.SECRETARY, OrgRole.DEPUTY_SECRETARY, OrgRole.COMMITTEE_MEMBER)


class ResidentUnitKind(models.TextChoices):
    ORGAN = "organ", _("党政机关")
    INSTITUTION = "institution", _("事业单位")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业")
    PRIVATE_ENTERPRISE = "private_enterprise", _("非公企业")
    SOCIAL_ORGANIZATION = "social_org", _("社会组织")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    OTHER = "other", _("其他")


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    DISTRICT = "district", _("区委组织部")
    STREET = "street", _("街道党工委")
    COMMUNITY = "community", _("社区党委/社区工作者")
    GRID = "grid", _("网格员")
    MEMBER = "member", _("党员")
    DEPARTMENT = "department", _("职能部门/驻区单位")


# Who may read the member roster (masked) inside their subtree.
ROSTER_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.GRID})
# Who may open personal data (ID number, phone) in full; every such view is logged.
PERSONAL_DATA_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.STREET, Role.COMMUNITY})
# Who may create and edit areas, organizations, members and units inside their subtree.
MANAGE_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.STREET, Role.COMMUNITY})
# Who may import and export rosters.
IMPORT_ROLES = MANAGE_ROLES


class ImportKind(models.TextChoices):
    AREAS = "areas", _("区域树")
    MEMBERS = "members", _("党员名册")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("导入中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("未通过校验")
    ERROR = "error", _("出错")


FINISHED_IMPORT_STATUSES = (ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.ERROR)


class AccessChannel(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口")
    EXPORT = "export", _("导出")
    ADMIN = "admin", _("后台")
