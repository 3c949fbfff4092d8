"""Writes for the organizations app: one function per use case.

Every function takes keyword-only arguments and an explicit ``actor``; checks that the
actor may write at that place in the tree (out of scope is ``NotFound``, like a missing
object); validates the model; serializes tree writes; and records an audit event.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.audit import apply_fields, changed_fields, record
from dangjian.errors import PermissionDeniedError
from dangjian.scoping import get_scope
from dangjian.trees import lock_tree_writes
from organizations.areas.models import Area
from organizations.areas.permissions import _require_manage_area

# ---------------------------------------------------------------------------- areas
AREA_FIELDS = ("name", "code", "level", "parent", "address", "households", "building_use")


@transaction.atomic
def area_create(*, actor, parent, name, code, level, address="", households=0, building_use="") -> Area:
    if parent is None:
        if not get_scope(actor).is_global:
            raise PermissionDeniedError(_("只有系统管理员可以创建顶级区域。"))
    else:
        _require_manage_area(actor, parent)
    lock_tree_writes(Area)
    if parent is not None:
        parent = Area.objects.select_for_update().get(pk=parent.pk)
    area = Area(
        parent=parent, name=name, code=code, level=level, address=address,
        households=households or 0, building_use=building_use or "",
    )
    area.full_clean()
    area.save()
    record(actor, "area.create", area, {"parent": parent.pk if parent else None})
    return area


@transaction.atomic
def area_update(*, actor, area, **fields) -> Area:
    _require_manage_area(actor, area)
    unknown = set(fields) - set(AREA_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    new_parent = fields.get("parent", area.parent)
    if "parent" in fields and new_parent != area.parent:
        if new_parent is None:
            if not get_scope(actor).is_global:
                raise PermissionDeniedError(_("只有系统管理员可以创建顶级区域。"))
        else:
            _require_manage_area(actor, new_parent)
    lock_tree_writes(Area)
    area = Area.objects.select_for_update().get(pk=area.pk)
    changes = changed_fields(area, fields)
    apply_fields(area, fields)
    area.full_clean()
    area.save()
    record(actor, "area.update", area, changes)
    return area


@transaction.atomic
def area_delete(*, actor, area) -> None:
    _require_manage_area(actor, area)
    lock_tree_writes(Area)
    if area.get_children().exists():
        raise ValidationError(_("该区域下还有下级区域，不能删除。"))
    if area.residents.exists() or area.party_orgs.exists():
        raise ValidationError(_("该区域仍有党员居住或党组织依托，不能删除。"))
    if area.resident_units.exists() or area.central_households.exists():
        raise ValidationError(_("该区域仍有驻区单位或党员中心户登记，不能删除。"))
    record(actor, "area.delete", area, {})
    area.delete()
