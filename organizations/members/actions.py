from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.audit import apply_fields, changed_fields, record
from dangjian.errors import PermissionDeniedError
from dangjian.scoping import get_scope
from organizations.areas.permissions import _require_manage_area
from organizations.members.choices import PERSONAL_DATA_ROLES, AccessChannel
from organizations.members.models import CentralHousehold, Member, PersonalDataAccess
from organizations.orgs.permissions import _require_manage_org

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
    changes = changed_fields(member, fields)
    for name in PERSONAL_FIELDS:  # never write personal data into the audit trail
        if name in changes:
            changes[name] = ["***", "***"]
    apply_fields(member, fields)
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
