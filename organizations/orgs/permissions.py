from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.errors import PermissionDeniedError
from dangjian.scoping import get_scope
from organizations.grants.choices import MANAGE_ROLES


def _require_manage_org(actor, org):
    scope = get_scope(actor)
    if not scope.covers_org(org):
        raise Http404
    if not scope.covers_org(org, MANAGE_ROLES):
        raise PermissionDeniedError(_("您的角色无权修改该组织的数据。"))


def can_manage_org(user, org) -> bool:
    return org is not None and get_scope(user).covers_org(org, MANAGE_ROLES)
