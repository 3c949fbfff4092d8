from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.audit import apply_fields, changed_fields, record
from dangjian.errors import PermissionDeniedError
from dangjian.scoping import get_scope
from dangjian.trees import lock_tree_writes
from organizations.grants.choices import MANAGE_ROLES
from organizations.orgs.models import PartyOrg
from organizations.orgs.permissions import _require_manage_org
from organizations.roles.selectors import term_years_for

# ---------------------------------------------------------------- party organizations
ORG_FIELDS = (
    "name", "code", "kind", "category", "formation", "joint_units", "parent", "area",
    "founded_on", "term_started_on", "term_years", "secretary", "secretary_also_chairs",
)


def _check_org_places(actor, *, parent, area):
    scope = get_scope(actor)
    if parent is None and not scope.is_global:
        # A top-level organization of a locality (区委) is the administrator's to create,
        # unless the actor manages the area it is anchored to (a unit organization).
        if area is None or not scope.covers_area(area, MANAGE_ROLES):
            raise PermissionDeniedError(_("您无权在此创建顶级党组织。"))
    if parent is not None:
        _require_manage_org(actor, parent)
    if area is not None and not scope.covers_area(area):
        raise Http404


@transaction.atomic
def org_create(*, actor, parent, area, name, code, kind, category, **extra) -> PartyOrg:
    _check_org_places(actor, parent=parent, area=area)
    unknown = set(extra) - set(ORG_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    lock_tree_writes(PartyOrg)
    if parent is not None:
        parent = PartyOrg.objects.select_for_update().get(pk=parent.pk)
    extra.setdefault("term_years", term_years_for(kind, category))  # the TermRule rows (任期规则)
    org = PartyOrg(parent=parent, area=area, name=name, code=code, kind=kind, category=category, **extra)
    org.full_clean()
    org.save()
    record(actor, "org.create", org, {"parent": parent.pk if parent else None})
    return org


@transaction.atomic
def org_update(*, actor, org, **fields) -> PartyOrg:
    _require_manage_org(actor, org)
    unknown = set(fields) - set(ORG_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    if "parent" in fields and fields["parent"] != org.parent or "area" in fields and fields["area"] != org.area:
        _check_org_places(actor, parent=fields.get("parent", org.parent), area=fields.get("area", org.area))
    lock_tree_writes(PartyOrg)
    org = PartyOrg.objects.select_for_update().get(pk=org.pk)
    changes = changed_fields(org, fields)
    apply_fields(org, fields)
    org.full_clean()
    org.save()
    record(actor, "org.update", org, changes)
    return org
