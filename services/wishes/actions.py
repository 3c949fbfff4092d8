"""Writes for the services app.

Service-hours ledger ("fill once")
    Other apps' actions record a member's service through ``service_record_upsert`` and
    ``service_records_for_activity`` inside their own transaction, after they have checked
    the actor's rights — the functions take no actor and check nothing themselves.  A record
    is keyed by its source (``source``, ``source_id``, ``member``), so recording again is
    harmless and a changed source updates its rows instead of adding new ones.

State machines: ``dangjian.workflow.transition``
    Every status change of a workflow object (wishes here; requests, whistles, diary
    entries and checklists too) goes through ``transition``: inside one transaction it
    takes the row with ``select_for_update()``, re-checks the current status against the transition table,
    runs the caller's extra check on the locked row, writes the change and one event row
    (``obj.make_event(...)``).  A refused change raises ``TransitionError`` — a
    ``ValidationError`` with a Chinese message — which the UI shows as a flash message and
    the API answers with 409 (``dangjian.errors``).

Micro-wishes (微心愿)
    ``wish_submit`` (public, no actor) → ``wish_publish`` / ``wish_reject`` (community
    cadres) → ``wish_claim`` (a member for themself, or a cadre on behalf of an
    organization they manage) → ``wish_release`` / ``wish_fulfil`` (the claimant only) →
    ``wish_rate`` (public: the tracking code plus the last four digits of the phone the
    wish was submitted with, so a shared status link is not enough to rate); and
    ``wish_cancel`` (cadres) until fulfilment.  ``wish_reveal_requester_phone``: the
    reviewing staff and the claimant of an open wish see the requester's full phone, each
    attempt logged (``PersonalDataAccess``).  Fulfilling a wish a member claimed credits
    ``WISH_SERVICE_HOURS`` to that member's ledger.  Each change writes a ``WishEvent``
    and an audit event.  Out of scope answers ``Http404``; in scope but not allowed
    ``PermissionDeniedError``; bad input ``ValidationError`` per field.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.audit import record
from dangjian.errors import PermissionDeniedError
from dangjian.scoping import get_scope
from dangjian.validation import check_text as _check_text
from dangjian.validation import text_or_error
from dangjian.workflow import action_refusal, action_transition
from organizations.areas.choices import AreaLevel
from services.ledger.actions import service_record_upsert
from services.ledger.models import ServiceSource
from services.resident import permissions as resident_permissions
from services.resident.actions import (
    ADDRESS_MAX,
    COMMENT_MAX,
    NAME_MAX,
    NOT_VISIBLE,
    NOTE_MAX,
    REASON_MAX,
    by_code,
    check_contact,
    check_place,
    check_rating,
    requester_phone_reveal,
    save_with_code,
)
from services.resident.choices import Satisfaction
from services.wishes import permissions
from services.wishes.choices import (
    CLOSED_STATUSES,
    WISH_ACTIONS,
    WISH_REFUSALS,
    WISH_SERVICE_HOURS,
    WISH_TRANSITIONS,
    WishAction,
    WishKind,
    WishStatus,
)
from services.wishes.models import Wish

WISH_TEXT_MAX = 1000


def _wish_transition(verb, wish, **kwargs) -> Wish:
    refusal = action_refusal(verb, known=WISH_REFUSALS, statuses=WishStatus, verbs=WishAction,
                             otherwise=gettext_lazy("该心愿当前为“%(now)s”，不能%(verb)s。"))
    return action_transition(Wish, verb, wish, actions=WISH_ACTIONS, table=WISH_TRANSITIONS, refusal=refusal,
                             audit="wish", **kwargs)


def _visible_wish(actor, wish) -> Wish:
    found = Wish.objects.visible_to(actor).select_related("community").filter(pk=wish.pk).first()
    if found is None:
        raise Http404
    return found


def _require_review(actor, wish) -> Wish:
    wish = _visible_wish(actor, wish)
    if not permissions.can_review(actor, wish):
        raise PermissionDeniedError(_("只有社区工作人员可以审核、取消心愿。"))
    return wish


@transaction.atomic
def wish_submit(*, community, kind, text, name, phone, building=None, address="", photo=None,
                open311=False) -> Wish:
    """A resident's wish from the public form (no actor): validated, stored as 待审核.  Through
    Open311 (``open311=True``) the name, the phone and the address may be empty, as GeoReport v2
    makes them optional."""
    from dangjian.uploads import check_photo

    errors = {}
    check_place(errors, community, building, building_levels=(AreaLevel.BUILDING,))
    if kind not in WishKind.values:
        errors["kind"] = _("请选择心愿类别。")
    text = _check_text(errors, "text", text, WISH_TEXT_MAX, empty_message=_("请写下您的心愿。"))
    name, address, phone = check_contact(errors, name=name, name_max=NAME_MAX, address=address, address_max=ADDRESS_MAX,
                                         phone=phone, building=building, name_required=not open311,
                                         address_required=not open311, phone_required=not open311)
    if errors:
        raise ValidationError(errors)
    if photo:
        photo = check_photo(photo)
    wish = Wish(
        community=community, building=building, address=address, requester_name=name, requester_phone=phone,
        kind=kind, text=text, status=WishStatus.SUBMITTED,
    )
    if photo:
        wish.photo = photo
    save_with_code(wish)
    wish.make_event(actor=None, from_status="", to_status=WishStatus.SUBMITTED).save()
    record(None, "wish.submit", wish, {"community": community.pk, "kind": kind})
    return wish


def wish_publish(*, actor, wish, note="") -> Wish:
    wish = _require_review(actor, wish)
    return _wish_transition(WishAction.PUBLISH, wish, actor=actor, note=note, published_at=timezone.now())


def wish_reject(*, actor, wish, reason) -> Wish:
    wish = _require_review(actor, wish)
    reason = text_or_error("reason", reason, REASON_MAX, empty_message=_("请填写未通过的原因。"))
    return _wish_transition(WishAction.REJECT, wish, actor=actor, note=reason, reject_reason=reason)


def wish_cancel(*, actor, wish, reason) -> Wish:
    wish = _require_review(actor, wish)
    reason = text_or_error("reason", reason, REASON_MAX, empty_message=_("请填写取消的原因。"))
    return _wish_transition(WishAction.CANCEL, wish, actor=actor, note=reason, cancel_reason=reason)


def wish_claim(*, actor, wish, org=None) -> Wish:
    """Claim a published wish: for the actor's own member record, or — with ``org`` — on
    behalf of a party organization the actor manages.  Exactly one claimant wins a race:
    the others find the wish already claimed (``TransitionError``).

    Whether the actor sees the wish's wall is decided on its community, not its status,
    so a late claimant learns that the wish was claimed rather than getting a 404."""
    wish = Wish.objects.select_related("community").filter(pk=wish.pk).first()
    if wish is None:
        raise Http404
    sees = permissions.sees_wall_of(actor, wish.community)
    if org is not None and not sees and get_scope(actor).covers_org(org, permissions.WISH_ORG_CLAIM_ROLES):
        sees = permissions.org_serves(org, wish.community)
    if not sees:
        raise Http404
    changes = {"claimed_by": actor, "claimed_at": timezone.now(), "fulfilled_at": None}
    if org is not None:
        if not get_scope(actor).covers_org(org, permissions.WISH_ORG_CLAIM_ROLES):
            raise PermissionDeniedError(_("您只能代表自己管理的党组织认领心愿。"))
        changes.update(claimed_org=org, claimed_member=None)
        note = _("由党组织“%(name)s”认领") % {"name": org.name}
    else:
        member = resident_permissions.member_of(actor)
        if member is None:
            raise PermissionDeniedError(_("只有登记了党员信息的账号才能以个人名义认领心愿。"))
        changes.update(claimed_member=member, claimed_org=None)
        note = _("由党员认领")
    return _wish_transition(WishAction.CLAIM, wish, actor=actor, note=note, **changes)


def _require_claimant(actor):
    def check(locked):
        locked = Wish.objects.select_related("claimed_member", "claimed_org__area").get(pk=locked.pk)
        if not permissions.is_claimant(actor, locked):
            raise PermissionDeniedError(_("只有认领人（或认领党组织的管理人员）可以进行此操作。"))
    return check


def wish_release(*, actor, wish, note="") -> Wish:
    """Give a claimed wish back to the wall before it is fulfilled."""
    wish = _visible_wish(actor, wish)
    return _wish_transition(
        WishAction.RELEASE, wish, actor=actor, note=(note or "").strip()[:500], check=_require_claimant(actor),
        claimed_member=None, claimed_org=None, claimed_by=None, claimed_at=None,
    )


def wish_fulfil(*, actor, wish, note, photo=None) -> Wish:
    from dangjian.uploads import check_photo

    wish = _visible_wish(actor, wish)
    note = text_or_error("note", note, NOTE_MAX, empty_message=_("请简要说明心愿完成情况。"))
    if photo:
        photo = check_photo(photo)
    changes = {"fulfilled_at": timezone.now(), "fulfil_note": note}
    if photo:
        changes["fulfil_photo"] = photo
    with transaction.atomic():
        obj = _wish_transition(
            WishAction.FULFIL, wish, actor=actor, note=note[:500], check=_require_claimant(actor), **changes,
        )
        if obj.claimed_member_id is not None:
            service_record_upsert(
                source=ServiceSource.WISH, source_id=obj.pk, member_id=obj.claimed_member_id,
                hours=WISH_SERVICE_HOURS, occurred_on=timezone.localdate(obj.fulfilled_at),
                note=_("完成微心愿 %(code)s") % {"code": obj.code},
            )
    return obj


def wish_for_code(code) -> Wish:
    """The wish with this tracking code (any case, spaces ignored), or 404."""
    return by_code(Wish.objects.select_related("community"), code)


def wish_rate(*, code, phone_last4, rating, comment="") -> Wish:
    """The resident rates a fulfilled wish (public): the tracking code plus the last four
    digits of the phone the wish was submitted with."""
    wish = wish_for_code(code)
    errors = {}
    comment = check_rating(errors, wish, rating=rating, ratings=Satisfaction.values, comment=comment, comment_max=COMMENT_MAX,
                           phone_last4=phone_last4, missing=_("请填写提交心愿时所留手机号的后四位。"),
                           mismatch=_("手机号后四位与提交心愿时所留的不一致。"))
    if errors:
        raise ValidationError(errors)
    return _wish_transition(
        WishAction.RATE, wish, actor=None, note=Satisfaction(rating).label,
        rating=rating, rating_comment=comment, rated_at=timezone.now(),
    )


# ------------------------------------------------------------------ calling the resident
def wish_reveal_requester_phone(*, actor, wish, channel, ip=None) -> str:
    """The requester's full phone for the reviewing staff or the claimant of an open wish;
    refused (``PermissionDeniedError``) for other roles and once the wish is closed, 404 out
    of scope — every attempt logged, the number never."""
    def refusal(locked):
        if not Wish.objects.visible_to(actor).filter(pk=locked.pk).exists():
            return NOT_VISIBLE
        if locked.status in CLOSED_STATUSES:
            return _("该心愿当前为“%(status)s”，事项已结束，不能再查看心愿人的联系电话。") % {"status": locked.get_status_display()}
        if not permissions.can_contact_requester(actor, locked):
            return _("只有负责审核该心愿的社区工作人员和认领人可以查看心愿人的联系电话。")
        return None

    queryset = Wish.objects.select_related("community", "claimed_member", "claimed_org__area")
    return requester_phone_reveal(actor=actor, queryset=queryset, pk=wish.pk, refusal=refusal, channel=channel, ip=ip)
