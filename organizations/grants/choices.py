from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    DISTRICT = "district", _("区委组织部")
    STREET = "street", _("街道党工委")
    COMMUNITY = "community", _("社区党委/社区工作者")
    GRID = "grid", _("网格员")
    MEMBER = "member", _("党员")
    DEPARTMENT = "department", _("职能部门/驻区单位")
# Who may create and edit areas, organizations, members and units inside their subtree.
MANAGE_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.STREET, Role.COMMUNITY})
# Who must sign in with a second factor (TOTP); the others may enrol one.
SECOND_FACTOR_ROLES = frozenset({Role.ADMIN, Role.DISTRICT})
# 账号管理: who may create accounts and grant roles inside their subtree, and the order of the
# roles — an account may grant only roles ranked below the role it holds over the node.
ACCOUNT_MANAGER_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.STREET})
ROLE_RANK = {
    Role.ADMIN: 6, Role.DISTRICT: 5, Role.STREET: 4, Role.COMMUNITY: 3, Role.GRID: 2, Role.MEMBER: 1,
    Role.DEPARTMENT: 1,
}
