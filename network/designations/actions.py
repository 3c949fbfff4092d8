"""Writes of designations: grant one (exactly one designated thing, of the kind's sort, in
the actor's subtree) and revoke one.  Lock, check, record."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import record
from dangjian.errors import PermissionDeniedError
from dangjian.scoping import get_scope
from network.designations import permissions
from network.designations.choices import AREA_KINDS, CENTRE_KINDS, ORG_KINDS, DesignationKind
from network.designations.models import Designation, current_q
from organizations.areas.choices import AreaLevel
from organizations.orgs.choices import OrgKind

BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH)


def _require_grant(actor, place):
    if not get_scope(actor).covers_area(place):
        raise Http404
    if not permissions.can_grant_at(actor, place):
        raise PermissionDeniedError(_("您的角色无权在该区域命名示范点或评定星级。"))


def _subject_errors(kind, org, area, centre) -> dict:
    chosen = [x for x in (org, area, centre) if x is not None]
    if len(chosen) != 1:
        return {"__all__": _("请在党组织、区域、党群服务中心（站）中选择且只选择一个被命名的对象。")}
    if kind in ORG_KINDS and (org is None or org.kind not in BRANCH_KINDS):
        return {"org": _("%(kind)s须选择一个党支部或党总支。") % {"kind": DesignationKind(kind).label}}
    if kind in AREA_KINDS and (area is None or area.level != AreaLevel.COMMUNITY):
        return {"area": _("示范社区须选择一个社区。")}
    if kind in CENTRE_KINDS and centre is None:
        return {"centre": _("示范党群服务中心须选择一个党群服务中心（站）。")}
    if org is not None and org.area_id is None:
        return {"org": _("该党组织没有所在区域，请先在党组织信息中补充。")}
    return {}


@transaction.atomic
def designation_grant(*, actor, kind, org=None, area=None, centre=None, stars=None, title="", granted_by="",
                      granting_area=None, granted_on=None, valid_until=None) -> Designation:
    errors = _subject_errors(kind, org, area, centre)
    if kind == DesignationKind.STAR_BRANCH and stars not in (1, 2, 3, 4, 5):
        errors["stars"] = _("星级党支部请选择 1–5 星。")
    if kind != DesignationKind.STAR_BRANCH and stars:
        errors["stars"] = _("只有星级党支部评定星级。")
    if granted_on is None:
        errors["granted_on"] = _("请填写授予日期。")
    elif valid_until is not None and valid_until < granted_on:
        errors["valid_until"] = _("有效期不能早于授予日期。")
    if errors:
        raise ValidationError(errors)
    place = org.area if org is not None else area if area is not None else centre.area
    _require_grant(actor, place)
    subject = {"org": org, "area": area, "centre": centre}
    today = timezone.localdate()
    same = Designation.objects.select_for_update().filter(
        current_q(today), kind=kind, **{k: v for k, v in subject.items() if v is not None}
    )
    previous = list(same)
    if previous and kind != DesignationKind.STAR_BRANCH:
        raise ValidationError(_("该对象已有有效的“%(kind)s”命名，无需重复登记。") % {"kind": DesignationKind(kind).label})
    for old in previous:  # a new star rating ends the current one
        old.revoked_on, old.revoked_by = today, actor
        old.revoke_reason = _("重新评定为%(n)d星") % {"n": stars}
        old.save(update_fields=["revoked_on", "revoked_by", "revoke_reason"])
        record(actor, "designation.revoke", old, {"reason": [None, old.revoke_reason]})
    designation = Designation(
        kind=kind, title=title or "", stars=stars if kind == DesignationKind.STAR_BRANCH else None,
        place=place, granted_by=granted_by or "", granting_area=granting_area, granted_on=granted_on,
        valid_until=valid_until, created_by=actor if getattr(actor, "is_authenticated", False) else None, **subject,
    )
    designation.full_clean()
    designation.save()
    record(actor, "designation.grant", designation, {"kind": [None, kind]})
    return designation


@transaction.atomic
def designation_revoke(*, actor, designation, reason, today=None) -> Designation:
    designation = Designation.objects.select_for_update().select_related("place").get(pk=designation.pk)
    _require_grant(actor, designation.place)
    if designation.revoked_on is not None:
        raise ValidationError(_("该命名已经撤销。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因。")})
    designation.revoked_on = today or timezone.localdate()
    designation.revoked_by = actor
    designation.revoke_reason = reason[:200]
    designation.save(update_fields=["revoked_on", "revoked_by", "revoke_reason"])
    record(actor, "designation.revoke", designation, {"reason": [None, designation.revoke_reason]})
    return designation
