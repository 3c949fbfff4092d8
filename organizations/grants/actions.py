from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.audit import record
from dangjian.errors import PermissionDeniedError
from dangjian.scoping import forget_scope, get_scope
from organizations.grants.models import Grant


@transaction.atomic
def grant_create(*, actor, user, role, area=None, org=None, note="") -> Grant:
    scope = get_scope(actor)
    from organizations.grants.choices import Role

    if not scope.is_global:
        node_ok = (area is not None and scope.covers_area(area, {Role.ADMIN})) or (
            org is not None and scope.covers_org(org, {Role.ADMIN})
        )
        if not node_ok:
            raise PermissionDeniedError(_("只有管理员可以授权。"))
    grant = Grant(user=user, role=role, area=area, org=org, note=note)
    grant.full_clean()
    grant.save()
    forget_scope(user)
    record(actor, "grant.create", grant, {"role": role})
    return grant
