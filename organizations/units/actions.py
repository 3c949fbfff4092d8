from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.audit import apply_fields, changed_fields, record
from organizations.areas.permissions import _require_manage_area
from organizations.units.models import ResidentUnit


@transaction.atomic
def resident_unit_save(*, actor, unit=None, **fields) -> ResidentUnit:
    community = fields.get("community", unit.community if unit else None)
    if community is None:
        raise ValidationError({"community": _("请选择驻区单位所在的社区。")})
    if unit is not None:
        _require_manage_area(actor, unit.community)
    _require_manage_area(actor, community)
    created = unit is None
    unit = unit or ResidentUnit()
    changes = {} if created else changed_fields(unit, {k: v for k, v in fields.items() if k != "contact_phone"})
    apply_fields(unit, fields)
    unit.full_clean()
    unit.save()
    record(actor, "resident_unit.create" if created else "resident_unit.update", unit, changes)
    return unit
