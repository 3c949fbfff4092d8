"""Writes for the organizations app: one function per use case.

Every function takes keyword-only arguments and an explicit ``actor``; checks that the
actor may write at that place in the tree (out of scope is ``NotFound``, like a missing
object); validates the model; serializes tree writes; and records an audit event.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.audit import record
from dangjian.scoping import forget_scope, get_scope
from dangjian.trees import lock_tree_writes
from organizations.choices import MANAGE_ROLES, PERSONAL_DATA_ROLES, AccessChannel
from organizations.models import Area, CentralHousehold, Grant, Member, PartyOrg, PersonalDataAccess, ResidentUnit
from organizations.rules import default_term_years


class PermissionDeniedError(Exception):
    """The actor is in scope but their role does not allow this write."""


def _require_manage_area(actor, area):
    scope = get_scope(actor)
    if not scope.covers_area(area):
        raise Http404
    if not scope.covers_area(area, MANAGE_ROLES):
        raise PermissionDeniedError(_("您的角色无权修改该区域下的数据。"))


def _require_manage_org(actor, org):
    scope = get_scope(actor)
    if not scope.covers_org(org):
        raise Http404
    if not scope.covers_org(org, MANAGE_ROLES):
        raise PermissionDeniedError(_("您的角色无权修改该组织的数据。"))


def _apply(instance, fields: dict):
    for name, value in fields.items():
        setattr(instance, name, value)


def _changed(instance, fields: dict) -> dict:
    out = {}
    for name, value in fields.items():
        old = getattr(instance, name)
        if old != value:
            out[name] = [str(old) if old is not None else None, str(value) if value is not None else None]
    return out


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
    changes = _changed(area, fields)
    _apply(area, fields)
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
    extra.setdefault("term_years", default_term_years(kind, category))
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
    changes = _changed(org, fields)
    _apply(org, fields)
    org.full_clean()
    org.save()
    record(actor, "org.update", org, changes)
    return org


# ----------------------------------------------------------------------------- members
MEMBER_FIELDS = (
    "name", "gender", "birth_date", "joined_on", "full_member_on", "status", "organization", "org_role",
    "residence", "in_service", "employer", "employer_org", "phone", "id_number", "user",
)
PERSONAL_FIELDS = ("phone", "id_number")


def _check_member_places(actor, *, organization, residence):
    _require_manage_org(actor, organization)
    if residence is not None and not get_scope(actor).covers_area(residence):
        # A member may live outside the cadre's subtree (in-service members); the residence
        # must still be a place the actor can see, or the form would leak its existence.
        raise Http404


@transaction.atomic
def member_create(*, actor, organization, name, gender, **fields) -> Member:
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    _check_member_places(actor, organization=organization, residence=fields.get("residence"))
    member = Member(organization=organization, name=name, gender=gender, **fields)
    member.full_clean(validate_unique=False)
    _validate_member_unique(member)
    member.save()
    record(actor, "member.create", member, {"organization": organization.pk})
    return member


@transaction.atomic
def member_update(*, actor, member, **fields) -> Member:
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    if not Member.objects.visible_to(actor).filter(pk=member.pk).exists():
        raise Http404
    _require_manage_org(actor, member.organization)
    if "organization" in fields or "residence" in fields:
        _check_member_places(
            actor, organization=fields.get("organization", member.organization),
            residence=fields.get("residence", member.residence),
        )
    member = Member.objects.select_for_update().get(pk=member.pk)
    changes = _changed(member, fields)
    for name in PERSONAL_FIELDS:  # never write personal data into the audit trail
        if name in changes:
            changes[name] = ["***", "***"]
    _apply(member, fields)
    member.full_clean(validate_unique=False)
    _validate_member_unique(member)
    member.save()
    record(actor, "member.update", member, changes)
    return member


def _validate_member_unique(member):
    from dangjian.crypto import keyed_hash

    if member.id_number:
        clash = Member.objects.filter(id_number_hash=keyed_hash(member.id_number)).exclude(pk=member.pk).exists()
        if clash:
            raise ValidationError({"id_number": _("该身份证号已登记在其他党员名下。")})


def member_reveal_personal_data(*, actor, member, channel=AccessChannel.WEB, ip=None) -> dict:
    """Return the member's personal data in full and log the view; refuse other roles."""
    scope = get_scope(actor)
    if not Member.objects.visible_to(actor).filter(pk=member.pk).exists():
        raise Http404
    own = member.user_id is not None and member.user_id == actor.pk
    allowed = own or scope.covers_org(member.organization, PERSONAL_DATA_ROLES) or (
        member.residence is not None and scope.covers_area(member.residence, PERSONAL_DATA_ROLES)
    )
    if not allowed:
        raise PermissionDeniedError(_("您的角色不能查看完整的个人信息。"))
    PersonalDataAccess.objects.create(
        user=actor, member=member, fields=",".join(PERSONAL_FIELDS), channel=channel, ip=ip
    )
    return {"phone": member.phone, "id_number": member.id_number}


# ------------------------------------------------------------ households, units, grants
@transaction.atomic
def central_household_save(*, actor, member, building, linked_households=0, linked_rooms="", designated_on=None):
    _require_manage_area(actor, building)
    obj, created = CentralHousehold.objects.select_for_update().get_or_create(
        member=member, defaults={"building": building}
    )
    obj.building = building
    obj.linked_households = linked_households
    obj.linked_rooms = linked_rooms
    obj.designated_on = designated_on
    obj.full_clean()
    obj.save()
    record(actor, "central_household.create" if created else "central_household.update", obj, {})
    return obj


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
    changes = {} if created else _changed(unit, {k: v for k, v in fields.items() if k != "contact_phone"})
    _apply(unit, fields)
    unit.full_clean()
    unit.save()
    record(actor, "resident_unit.create" if created else "resident_unit.update", unit, changes)
    return unit


@transaction.atomic
def grant_create(*, actor, user, role, area=None, org=None, note="") -> Grant:
    scope = get_scope(actor)
    from organizations.choices import Role

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
