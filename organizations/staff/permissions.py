"""Who may manage which accounts (账号管理), as plain functions of the user.

* ``can_manage_accounts``: an administrator, district or street grant (``ACCOUNT_MANAGER_ROLES``)
  somewhere, or a superuser — the account list's predicate (and its menu entry's).
* A role may be granted at a node only by an account holding, over that node, a managing
  role ranked above it (``ROLE_RANK``: admin > district > street > community > grid >
  member/department): a street grants community, grid, member and department roles inside
  its street, never street or district, never elsewhere.  Superusers grant any role anywhere.
* An account is managed (grants, revocations, passwords, deactivation) only when every grant
  it holds — revoked ones included — is one the actor could grant; never a superuser or a
  staff account (the Django admin's), and nobody manages their own account.

The functions read the request's cached scope (``dangjian.scoping.get_scope``) and run no
query, provided the grants passed in carry ``area`` and ``org`` (with ``org.area``).  The
actions in ``organizations.staff.actions`` check the same rules again on every write.
"""
from django.utils.translation import gettext as _

from dangjian.scoping import get_scope
from organizations.areas.models import Area
from organizations.grants.choices import ACCOUNT_MANAGER_ROLES, ROLE_RANK, Role


def can_manage_accounts(user) -> bool:
    """May open 账号管理: create accounts and grant roles somewhere in their subtree."""
    return bool(getattr(user, "is_authenticated", False)) and get_scope(user).has_role(*ACCOUNT_MANAGER_ROLES)


def _rank_over(scope, node) -> int:
    """The highest rank of a managing role the user holds over ``node`` (0: none)."""
    if isinstance(node, Area):
        ranges = [r for r in scope.areas_for(ACCOUNT_MANAGER_ROLES) if r.contains(node)]
    else:
        ranges = [r for r in scope.orgs_for(ACCOUNT_MANAGER_ROLES) if r.contains(node)]
        if node.area_id is not None:
            ranges += [r for r in scope.areas_for(ACCOUNT_MANAGER_ROLES) if r.contains(node.area)]
    return max((ROLE_RANK[r.role] for r in ranges), default=0)


def _top_rank(scope) -> int:
    return max((ROLE_RANK[role] for role in scope.roles if role in ACCOUNT_MANAGER_ROLES), default=0)


def grantable_roles(user) -> list[str]:
    """The roles the user may grant somewhere (for the role choices), highest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    scope = get_scope(user)
    if scope.is_global:
        return list(Role)
    top = _top_rank(scope)
    return [role for role in Role if ROLE_RANK[role] < top]


def can_grant(user, role, node) -> bool:
    """May grant ``role`` at ``node`` (an ``Area`` or a ``PartyOrg``)."""
    if node is None or role not in ROLE_RANK or not getattr(user, "is_authenticated", False):
        return False
    scope = get_scope(user)
    if scope.is_global:
        return True
    return ROLE_RANK[role] < _rank_over(scope, node)


def grant_node(grant):
    return grant.area if grant.area_id is not None else grant.org


def is_protected(account) -> bool:
    """Superusers and staff accounts are kept in the Django admin only."""
    return bool(account.is_superuser or account.is_staff)


def can_manage_account(user, account, grants) -> bool:
    """May change ``account`` (``grants``: all of its grants, revoked ones included)."""
    return why_not_manageable(user, account, grants) is None


def why_not_manageable(user, account, grants) -> str | None:
    """Why ``user`` may not change ``account``, in Chinese; ``None`` when they may."""
    if not can_manage_accounts(user):
        return _("您的角色无权管理账号。")
    if account.pk == user.pk:
        return _("不能在账号管理中修改自己的账号；修改自己的密码请使用“修改密码”。")
    if is_protected(account):
        return _("系统管理员和后台账号只能在管理后台维护。")
    if not all(can_grant(user, g.role, grant_node(g)) for g in grants):
        return _("该账号持有超出您管理权限的授权（更高的角色或管辖范围外的节点），不能由您管理。")
    return None


def node_visible(user, node) -> bool:
    """The node lies in the user's account-managing subtree (its name may be shown)."""
    scope = get_scope(user)
    if scope.is_global:
        return True
    if isinstance(node, Area):
        return scope.covers_area(node, ACCOUNT_MANAGER_ROLES)
    return scope.covers_org(node, ACCOUNT_MANAGER_ROLES)
