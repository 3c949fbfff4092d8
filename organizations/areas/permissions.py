from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.errors import PermissionDeniedError
from dangjian.scoping import get_scope
from organizations.grants.choices import MANAGE_ROLES


def _require_manage_area(actor, area):
    scope = get_scope(actor)
    if not scope.covers_area(area):
        raise Http404
    if not scope.covers_area(area, MANAGE_ROLES):
        raise PermissionDeniedError(_("您的角色无权修改该区域下的数据。"))


def can_manage_area(user, area) -> bool:
    """May create areas under ``area`` and edit it (a manage role granted over it)."""
    return area is not None and get_scope(user).covers_area(area, MANAGE_ROLES)


