from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.grants.choices import Role


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class MemberStatus(models.TextChoices):
    FULL = "full", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


class ContactState(models.TextChoices):
    """Where a member stands with their organization, besides 正式/预备 (DOMAIN "Transfers")."""

    NORMAL = "normal", _("正常")
    LOST = "lost", _("失联党员")
    MOBILE = "mobile", _("流动党员")
    TRANSFERRED_OUT = "out", _("已转出")


# States a cadre sets and clears by hand; "transferred out" follows an introduction letter only.
MANUAL_STATES = (ContactState.LOST, ContactState.MOBILE)
# Members counted among the current members of a roster (a transferred-out record is kept, not counted).
CURRENT_STATES = (ContactState.NORMAL, ContactState.LOST, ContactState.MOBILE)


class OrgRole(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy", _("副书记")
    COMMITTEE_MEMBER = "committee", _("委员")
    MEMBER = "member", _("党员")


COMMITTEE_ROLES = (OrgRole.SECRETARY, OrgRole.DEPUTY_SECRETARY, OrgRole.COMMITTEE_MEMBER)


# Who may read the member roster (masked) inside their subtree.
ROSTER_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.GRID})
# Who may open personal data (ID number, phone) in full; every such view is logged.
PERSONAL_DATA_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.STREET, Role.COMMUNITY})


class AccessChannel(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口")
    EXPORT = "export", _("导出")
    ADMIN = "admin", _("后台")


class AccessKind(models.TextChoices):
    REVEAL = "reveal", _("查看完整信息")
    LOOKUP = "lookup", _("按手机号或身份证号查找")


# The personal-data fields a member may be found by (exact match on their keyed hash).
LOOKUP_FIELDS = ("phone", "id_number")
