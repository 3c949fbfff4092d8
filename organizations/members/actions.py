from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian import ratelimit
from dangjian.audit import apply_fields, changed_fields, record
from dangjian.crypto import keyed_hash, normalise
from dangjian.errors import PermissionDeniedError
from dangjian.privacy import is_valid_id_number, is_valid_mobile
from dangjian.scoping import get_scope
from organizations.areas.permissions import _require_manage_area
from organizations.members import permissions, selectors
from organizations.members.choices import LOOKUP_FIELDS, PERSONAL_DATA_ROLES, AccessChannel, AccessKind
from organizations.members.models import CentralHousehold, Member, PersonalDataAccess
from organizations.members.signals import member_moved
from organizations.orgs.permissions import _require_manage_org

# ----------------------------------------------------------------------------- members
MEMBER_FIELDS = (
    "name", "gender", "birth_date", "joined_on", "full_member_on", "status", "organization", "org_role",
    "residence", "in_service", "employer", "employer_org", "phone", "id_number", "user",
    "ethnicity", "education", "occupation",
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
    _validate_member_unique(member, actor)
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
    from_org_id = member.organization_id
    changes = changed_fields(member, fields)
    for name in PERSONAL_FIELDS:  # never write personal data into the audit trail
        if name in changes:
            changes[name] = ["***", "***"]
    apply_fields(member, fields)
    member.full_clean(validate_unique=False)
    _validate_member_unique(member, actor)
    member.save()
    record(actor, "member.update", member, changes)
    if member.organization_id != from_org_id:
        member_moved.send(sender=Member, member=member, from_org_id=from_org_id, to_org_id=member.organization_id,
                          actor=actor)
    return member


def duplicate_id_number_message(holder) -> str:
    """Why an ID number cannot be registered again.  ``holder`` is ``(pk, name)`` of the member
    holding it when the actor may see that member (``selectors.id_number_holders``), else
    ``None``: then the member belongs to another organization and comes by a transfer — and the
    message names no organization, area or member, the same words whichever subtree it is."""
    if holder is None:
        return _("该身份证号已登记在其他党员名下（该党员属于其他党组织），不能重复登记；如需转入，请通过组织关系转接办理")
    pk, name = holder
    return _("该身份证号已登记在本辖区党员“%(name)s”（编号 %(pk)d）名下，请直接修改该党员的信息") % {"name": name, "pk": pk}


def _validate_member_unique(member, actor):
    if member.id_number:
        digest = keyed_hash(member.id_number)
        holders = selectors.id_number_holders(actor, [digest], exclude_pk=member.pk)
        if digest in holders:
            raise ValidationError({"id_number": duplicate_id_number_message(holders[digest]) + "。"})


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


# ------------------------------------------------------------ look-up by phone or ID number
LOOKUP_LIMIT = "MEMBER_LOOKUP_USER_LIMIT"


class LookupThrottled(Exception):
    """Over ``MEMBER_LOOKUP_USER_LIMIT``: answer 429 with ``Retry-After: retry_after``."""

    def __init__(self):
        limit, window = ratelimit.limit_for(LOOKUP_LIMIT)
        super().__init__(
            _("查找过于频繁，请稍后再试（每位用户 %(minutes)d 分钟内最多查找 %(limit)d 次）。")
            % {"minutes": max(1, window // 60), "limit": limit}
        )
        self.retry_after = ratelimit.retry_after(LOOKUP_LIMIT)


def _lookup_value(field, value) -> str:
    """The normalised number, or a field error that never repeats what was typed."""
    if field not in LOOKUP_FIELDS:
        raise ValidationError(_("请提供完整的11位手机号或18位身份证号（只能提供一项）。"))
    value = normalise(value or "")
    if field == "phone" and not is_valid_mobile(value):
        raise ValidationError({"phone": _("请输入完整的11位手机号码。")})
    if field == "id_number" and not is_valid_id_number(value):
        raise ValidationError({"id_number": _("请输入完整的18位身份证号（校验位须正确）。")})
    return value


def member_lookup(*, actor, field, value, channel=AccessChannel.API, ip=None) -> list[Member]:
    """The members whose ``field`` (``phone`` or ``id_number``) is ``value``, among those whose
    personal data ``actor`` may open in full (``selectors.members_revealable_to``).

    Every attempt counts against ``MEMBER_LOOKUP_USER_LIMIT`` per user (``LookupThrottled``
    over it).  A role that may not see full data is refused (``PermissionDeniedError``) and the
    attempt is logged as refused; a look-up is logged with the field and how many matched (the
    member when exactly one did).  The value itself is never stored, logged or repeated."""
    if not ratelimit.hit_named(LOOKUP_LIMIT, str(actor.pk)):
        raise LookupThrottled
    searched = field if field in LOOKUP_FIELDS else ",".join(LOOKUP_FIELDS)
    if not permissions.can_look_up_personal_data(actor):
        PersonalDataAccess.objects.create(
            user=actor, kind=AccessKind.LOOKUP, fields=searched, refused=True, channel=channel, ip=ip
        )
        raise PermissionDeniedError(_("您的角色不能按手机号或身份证号查找党员（完整个人信息仅限系统管理员、区委组织部、街道、社区角色）。"))
    digest = keyed_hash(_lookup_value(field, value))
    found = list(
        selectors.members_revealable_to(actor).filter(**{f"{field}_hash": digest})
        .select_related("organization", "residence").order_by("pk")
    )
    PersonalDataAccess.objects.create(
        user=actor, member=found[0] if len(found) == 1 else None, kind=AccessKind.LOOKUP, fields=field,
        matched=len(found), channel=channel, ip=ip,
    )
    return found


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
