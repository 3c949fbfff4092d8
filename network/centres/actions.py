"""Writes of the service centres: register or edit one (its place must be of the centre's
level and in the actor's subtree), deactivate one.  Lock, check, record."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import apply_fields, changed_fields, record
from dangjian.errors import PermissionDeniedError
from dangjian.scoping import get_scope
from network.centres import permissions
from network.centres.choices import AREA_LEVEL_OF, CentreLevel
from network.centres.models import ServiceCentre
from organizations.areas.choices import AreaLevel

FIELDS = ("name", "level", "area", "address", "floor_area", "opening_hours", "phone", "facilities", "runner", "notes")


def _require_manage(actor, area):
    scope = get_scope(actor)
    if not scope.covers_area(area):
        raise Http404
    if not permissions.can_manage_area(actor, area):
        raise PermissionDeniedError(_("您的角色无权管理该区域的党群服务中心（站）。"))


def _check_place(level, area, runner, actor):
    errors = {}
    wanted = AREA_LEVEL_OF.get(level)
    if wanted is None:
        errors["level"] = _("请选择中心（站）的层级。")
    elif area.level != wanted:
        errors["area"] = _("%(centre)s应设在%(level)s，“%(name)s”是%(actual)s。") % {
            "centre": CentreLevel(level).label, "level": AreaLevel(wanted).label,
            "name": area.name, "actual": area.get_level_display(),
        }
    if runner is not None and not get_scope(actor).covers_org(runner):
        errors["runner"] = _("请选择您管辖范围内的党组织。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def centre_save(*, actor, centre=None, **fields) -> ServiceCentre:
    """Register a centre (``centre=None``) or edit one."""
    fields = {k: v for k, v in fields.items() if k in FIELDS}
    if centre is not None:
        centre = ServiceCentre.objects.select_for_update().select_related("area").get(pk=centre.pk)
        _require_manage(actor, centre.area)
    area = fields.get("area", centre.area if centre else None)
    if area is None:
        raise ValidationError({"area": _("请选择中心（站）服务的区域。")})
    _require_manage(actor, area)
    level = fields.get("level", centre.level if centre else None)
    _check_place(level, area, fields.get("runner", centre.runner if centre else None), actor)
    created = centre is None
    centre = centre or ServiceCentre(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    changes = {} if created else changed_fields(centre, fields)
    apply_fields(centre, fields)
    centre.full_clean()
    centre.save()
    record(actor, "service_centre.create" if created else "service_centre.update", centre, changes)
    return centre


@transaction.atomic
def centre_deactivate(*, actor, centre, today=None) -> ServiceCentre:
    """Stop counting a centre (closed, merged, moved): it leaves the coverage figures and the
    public page; its record stays."""
    centre = ServiceCentre.objects.select_for_update().select_related("area").get(pk=centre.pk)
    _require_manage(actor, centre.area)
    if not centre.is_active:
        raise ValidationError(_("该中心（站）已经停用。"))
    centre.is_active = False
    centre.deactivated_on = today or timezone.localdate()
    centre.save(update_fields=["is_active", "deactivated_on", "updated_at"])
    record(actor, "service_centre.deactivate", centre, {"is_active": ["True", "False"]})
    return centre


@transaction.atomic
def centre_reactivate(*, actor, centre) -> ServiceCentre:
    centre = ServiceCentre.objects.select_for_update().select_related("area").get(pk=centre.pk)
    _require_manage(actor, centre.area)
    if centre.is_active:
        raise ValidationError(_("该中心（站）正在使用中。"))
    centre.is_active = True
    centre.deactivated_on = None
    centre.save(update_fields=["is_active", "deactivated_on", "updated_at"])
    record(actor, "service_centre.reactivate", centre, {"is_active": ["False", "True"]})
    return centre
