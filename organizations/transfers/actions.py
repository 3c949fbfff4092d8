"""Writes of 组织关系转接 and of a member's contact state: one function per use case.

Within the portal::

    transfer_start (the sender) → transfer_accept | transfer_return (reason) (the receiving
    branch's cadres) | transfer_cancel (the sender, while pending)

Out of the portal: ``transfer_letter_out`` issues the 介绍信 (numbered per issuing
organization and year, valid ``rules.letter_valid_months``), the member's record becomes
"transferred out" (kept, not counted among current members); ``transfer_record_receipt``
closes it when the 回执 comes back, ``transfer_cancel`` gives the member back their normal
state.  Into the portal: ``transfer_register_incoming`` registers the member from the outside
letter through ``members.actions.member_create`` (personal data encrypted as always).

Lock, check, record: every change takes the transfer row with ``select_for_update``,
re-checks its status against ``choices.TRANSFER_ACTIONS``, writes the change with a
``TransferEvent`` and an audit event.  Acceptance then locks the member (always after the
transfer: one lock order), changes the organization (``Member.save`` keeps the place
columns) and sends ``members.signals.member_moved`` in the same transaction.  Out of scope
is ``Http404``; a role that may not ``PermissionDeniedError``; a status that does not allow
the step ``TransitionError`` (409); bad input ``ValidationError`` with field errors.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.audit import record
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.validation import text_or_error
from dangjian.workflow import action_refusal, transition_locked
from organizations.members.models import Member
from organizations.members.signals import member_moved
from organizations.orgs.models import PartyOrg
from organizations.transfers import permissions, rules, selectors
from organizations.transfers.choices import (
    MANUAL_STATES,
    TRANSFER_ACTIONS,
    TRANSFER_TRANSITIONS,
    ContactState,
    LetterDirection,
    TransferAction,
    TransferKind,
    TransferStatus,
)
from organizations.transfers.models import IntroductionLetter, Transfer

__all__ = [
    "PermissionDeniedError", "TransitionError", "transfer_start", "transfer_letter_out", "transfer_accept",
    "transfer_return", "transfer_cancel", "transfer_record_receipt", "transfer_register_incoming",
    "member_state_set", "member_state_clear",
]

REASON_MAX = 300
NOTE_MAX = 500
PLACE_MAX = 120
OUTSIDE_MAX = 200

REFUSALS = {
    (TransferAction.ACCEPT, TransferStatus.ACCEPTED): gettext_lazy("该转接已被接收。"),
    (TransferAction.ACCEPT, TransferStatus.RETURNED): gettext_lazy("该转接已被退回，不能再接收。"),
    (TransferAction.ACCEPT, TransferStatus.CANCELLED): gettext_lazy("转出方已撤销该转接，不能接收。"),
    (TransferAction.RETURN, TransferStatus.ACCEPTED): gettext_lazy("该转接已被接收，不能退回。"),
    (TransferAction.RETURN, TransferStatus.RETURNED): gettext_lazy("该转接已被退回。"),
    (TransferAction.RETURN, TransferStatus.CANCELLED): gettext_lazy("转出方已撤销该转接，不能退回。"),
    (TransferAction.CANCEL, TransferStatus.ACCEPTED): gettext_lazy("转入方已接收，不能撤销。"),
    (TransferAction.CANCEL, TransferStatus.RETURNED): gettext_lazy("该转接已被退回，无需撤销。"),
    (TransferAction.CANCEL, TransferStatus.CANCELLED): gettext_lazy("该转接已撤销。"),
    (TransferAction.RECEIPT, TransferStatus.ACCEPTED): gettext_lazy("回执已登记。"),
    (TransferAction.RECEIPT, TransferStatus.CANCELLED): gettext_lazy("该转接已撤销，不能登记回执。"),
}

EVENT_LABELS = {
    "": gettext_lazy("发起转接"),
    TransferStatus.ACCEPTED.value: gettext_lazy("接收"),
    TransferStatus.RETURNED.value: gettext_lazy("退回"),
    TransferStatus.CANCELLED.value: gettext_lazy("撤销"),
}


# ----------------------------------------------------------------------------- helpers
def _visible_member(actor, member) -> Member:
    found = Member.objects.visible_to(actor).select_related("organization__area").filter(pk=member.pk).first()
    if found is None:
        raise Http404
    return found


def _visible_transfer(actor, transfer) -> Transfer:
    found = (
        Transfer.objects.visible_to(actor).select_related("from_org__area", "to_org__area", "member")
        .filter(pk=getattr(transfer, "pk", transfer)).first()
    )
    if found is None:
        raise Http404
    return found


def _require_sender(actor, member):
    if not permissions.can_start_for(actor, member):
        raise PermissionDeniedError(_("只有该党员所在党组织的管理人员可以办理组织关系转出。"))


def _check_transferable(member):
    if member.contact_state == ContactState.TRANSFERRED_OUT:
        raise TransitionError(_("该党员的组织关系已转出本系统，不能再次转接。"), code="transition")
    if Transfer.objects.pending().filter(member=member).exists():
        raise TransitionError(_("该党员已有一项正在办理的组织关系转接，请等待对方办理或先撤销。"), code="transition")


def _new_transfer(*, actor, member, kind, reason, **fields) -> Transfer:
    transfer = Transfer(member=member, kind=kind, reason=reason, started_by=actor if actor.pk else None, **fields)
    transfer.save()
    transfer.make_event(actor=actor, from_status="", to_status=transfer.status, note=reason).save()
    return transfer


def _locked_member(member_id) -> Member:
    return Member.objects.select_for_update(of=("self",)).get(pk=member_id)


# ----------------------------------------------------------------------- within the portal
@transaction.atomic
def transfer_start(*, actor, member, to_org, reason="") -> Transfer:
    """The sender starts a transfer of ``member`` to ``to_org``, a branch anywhere in the tree."""
    member = _visible_member(actor, member)
    _require_sender(actor, member)
    reason = text_or_error("reason", reason, REASON_MAX, required=False)
    if to_org is None or not selectors.destination_orgs().filter(pk=to_org.pk).exists():
        raise ValidationError({"to_org": _("请选择接收的党支部（党支部或党总支）。")})
    if to_org.pk == member.organization_id:
        raise ValidationError({"to_org": _("接收党组织不能是该党员现在所在的党组织。")})
    member = _locked_member(member.pk)  # one start at a time per member
    _check_transferable(member)
    today = timezone.localdate()
    transfer = _new_transfer(actor=actor, member=member, kind=TransferKind.WITHIN, reason=reason,
                             from_org_id=member.organization_id, to_org=to_org, due_on=rules.due_on(today))
    record(actor, "transfer.start", transfer, {"from_org": member.organization_id, "to_org": to_org.pk})
    return transfer


def _step(verb, transfer, *, actor, note="", check=None, **changes) -> Transfer:
    """Lock the transfer, check the step, write it with its event and audit (in the caller's transaction)."""
    try:
        locked = Transfer.objects.select_for_update(of=("self",)).get(pk=transfer.pk)
    except Transfer.DoesNotExist:
        raise Http404 from None
    starts, to_status = TRANSFER_ACTIONS[verb]
    refusal = action_refusal(verb, known=REFUSALS, statuses=TransferStatus, verbs=TransferAction,
                             otherwise=gettext_lazy("该转接当前为“%(now)s”，不能%(verb)s。"))
    event = transition_locked(locked, to_status, TRANSFER_TRANSITIONS, actor=actor, note=note, allowed_from=starts,
                              refusal=refusal, check=check, **changes)
    record(actor, f"transfer.{verb}", locked, {"from": event.from_status, "to": to_status})
    return locked


def _answered(actor):
    return {"answered_at": timezone.now(), "answered_by": actor if actor.pk else None}


@transaction.atomic
def transfer_accept(*, actor, transfer, note="") -> Transfer:
    """The receiving branch accepts: the member's organization becomes ``to_org`` (the
    transfer keeps both ends) and ``member_moved`` is sent, all in one transaction."""
    transfer = _visible_transfer(actor, transfer)
    if not permissions.can_answer(actor, transfer):
        raise PermissionDeniedError(_("只有接收党组织的管理人员可以接收组织关系。"))
    note = text_or_error("note", note, NOTE_MAX, required=False)
    locked = _step(TransferAction.ACCEPT, transfer, actor=actor, note=note, **_answered(actor))
    member = _locked_member(locked.member_id)
    if member.organization_id != locked.from_org_id:
        raise TransitionError(_("该党员的组织关系在转接期间已变更，不能接收；请转出方撤销后重新发起。"), code="transition")
    from_org_id = member.organization_id
    member.organization_id = locked.to_org_id
    if member.contact_state == ContactState.MOBILE and member.contact_org_id == locked.to_org_id:
        member.contact_state, member.mobile_place, member.contact_org, member.state_since = (
            ContactState.NORMAL, "", None, None)
    member.save(update_fields=["organization", "contact_state", "mobile_place", "contact_org", "state_since",
                               "updated_at"])
    record(actor, "member.move", member, {"organization": [from_org_id, locked.to_org_id], "transfer": locked.pk})
    member_moved.send(sender=Member, member=member, from_org_id=from_org_id, to_org_id=locked.to_org_id, actor=actor)
    return locked


@transaction.atomic
def transfer_return(*, actor, transfer, reason) -> Transfer:
    transfer = _visible_transfer(actor, transfer)
    if not permissions.can_answer(actor, transfer):
        raise PermissionDeniedError(_("只有接收党组织的管理人员可以退回组织关系转接。"))
    reason = text_or_error("reason", reason, REASON_MAX, empty_message=_("请填写退回的原因。"))
    return _step(TransferAction.RETURN, transfer, actor=actor, note=reason, return_reason=reason, **_answered(actor))


@transaction.atomic
def transfer_cancel(*, actor, transfer, note="") -> Transfer:
    """The sender withdraws a pending transfer; a letter's member is current again."""
    transfer = _visible_transfer(actor, transfer)
    if not permissions.can_cancel(actor, transfer):
        raise PermissionDeniedError(_("只有转出党组织的管理人员可以撤销转接。"))
    note = text_or_error("note", note, NOTE_MAX, required=False)
    locked = _step(TransferAction.CANCEL, transfer, actor=actor, note=note, **_answered(actor))
    if locked.kind == TransferKind.OUT:
        member = _locked_member(locked.member_id)
        if member.contact_state == ContactState.TRANSFERRED_OUT:
            member.contact_state, member.state_since = ContactState.NORMAL, None
            member.save(update_fields=["contact_state", "state_since", "updated_at"])
            record(actor, "member.state", member, {"contact_state": [ContactState.TRANSFERRED_OUT, ContactState.NORMAL]})
    return locked


# ---------------------------------------------------------------------- letters, out and in
def _next_serial(issuer, year) -> int:
    """The next letter serial of ``issuer`` in ``year``, under a lock on the issuer's row (the
    unique constraint backs it)."""
    PartyOrg.objects.select_for_update(of=("self",)).filter(pk=issuer.pk).values_list("pk").first()
    top = IntroductionLetter.objects.filter(issuer=issuer, year=year, direction=LetterDirection.OUT).aggregate(
        top=Max("serial"))["top"]
    return (top or 0) + 1


@transaction.atomic
def transfer_letter_out(*, actor, member, destination, reason="", issued_on=None) -> Transfer:
    """The sender issues an introduction letter to an organization outside the portal; the
    member's record becomes "transferred out" until the transfer is cancelled."""
    member = _visible_member(actor, member)
    _require_sender(actor, member)
    destination = text_or_error("destination", destination, OUTSIDE_MAX, empty_message=_("请填写接收党组织的名称。"))
    reason = text_or_error("reason", reason, REASON_MAX, required=False)
    member = _locked_member(member.pk)
    _check_transferable(member)
    issued_on = issued_on or timezone.localdate()
    issuer = PartyOrg.objects.get(pk=member.organization_id)
    transfer = _new_transfer(actor=actor, member=member, kind=TransferKind.OUT, reason=reason, from_org=issuer,
                             outside_org=destination, due_on=rules.letter_valid_until(issued_on))
    serial = _next_serial(issuer, issued_on.year)
    IntroductionLetter.objects.create(
        transfer=transfer, direction=LetterDirection.OUT, issuer=issuer, issuer_name=issuer.name, year=issued_on.year,
        serial=serial, number=rules.letter_number(issuer.code, issued_on.year, serial), destination=destination,
        issued_on=issued_on, valid_until=rules.letter_valid_until(issued_on),
    )
    member.contact_state, member.state_since = ContactState.TRANSFERRED_OUT, issued_on
    member.mobile_place, member.contact_org = "", None
    member.save(update_fields=["contact_state", "state_since", "mobile_place", "contact_org", "updated_at"])
    record(actor, "transfer.letter_out", transfer, {"from_org": issuer.pk, "letter": transfer.letter.number})
    return transfer


@transaction.atomic
def transfer_record_receipt(*, actor, transfer, note="") -> Transfer:
    """The 回执 of a letter came back: the transfer out is done."""
    transfer = _visible_transfer(actor, transfer)
    if not permissions.can_record_receipt(actor, transfer):
        raise PermissionDeniedError(_("只有开具介绍信的党组织可以登记回执。"))
    note = text_or_error("note", note, NOTE_MAX, required=False)
    return _step(TransferAction.RECEIPT, transfer, actor=actor, note=note, **_answered(actor))


INCOMING_MEMBER_FIELDS = ("birth_date", "joined_on", "full_member_on", "status", "phone", "id_number", "residence")


@transaction.atomic
def transfer_register_incoming(*, actor, to_org, letter_number, outside_org, issued_on, name, gender,
                               valid_until=None, reason="", **member_fields) -> Transfer:
    """A member comes from outside the portal with a letter: registered in ``to_org`` through
    the members' create action, the transfer kept as accepted with the outside letter."""
    from organizations.members.actions import member_create

    unknown = set(member_fields) - set(INCOMING_MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    errors = {}
    if not (letter_number or "").strip():
        errors["letter_number"] = _("请填写介绍信编号。")
    if not (outside_org or "").strip():
        errors["outside_org"] = _("请填写开具介绍信的党组织。")
    if issued_on is None:
        errors["issued_on"] = _("请填写介绍信的开具日期。")
    today = timezone.localdate()
    valid_until = valid_until or (rules.letter_valid_until(issued_on) if issued_on else None)
    if issued_on and issued_on > today:
        errors["issued_on"] = _("开具日期不能晚于今天。")
    elif valid_until and valid_until < today:
        errors["valid_until"] = _("该介绍信已过有效期（有效期至%(d)s），请转出方重新开具。") % {"d": valid_until.isoformat()}
    if to_org is None or not selectors.destination_orgs().filter(pk=to_org.pk).exists():
        errors["to_org"] = _("请选择接收的党支部（党支部或党总支）。")
    if errors:
        raise ValidationError(errors)
    if not permissions.can_register_incoming(actor):
        raise PermissionDeniedError(_("只有党组织的管理人员可以登记转入党员。"))
    reason = text_or_error("reason", reason, REASON_MAX, required=False)
    member = member_create(actor=actor, organization=to_org, name=name, gender=gender, **member_fields)
    now = timezone.now()
    transfer = _new_transfer(actor=actor, member=member, kind=TransferKind.IN, reason=reason, to_org=to_org,
                             outside_org=outside_org.strip()[:OUTSIDE_MAX], status=TransferStatus.ACCEPTED,
                             answered_at=now, answered_by=actor)
    IntroductionLetter.objects.create(
        transfer=transfer, direction=LetterDirection.IN, number=letter_number.strip()[:60],
        issuer_name=outside_org.strip()[:OUTSIDE_MAX], year=issued_on.year, issued_on=issued_on,
        valid_until=valid_until, destination=to_org.name,
    )
    record(actor, "transfer.register_incoming", transfer, {"to_org": to_org.pk, "member": member.pk})
    return transfer


# ------------------------------------------------------------------------ contact states
@transaction.atomic
def member_state_set(*, actor, member, state, mobile_place="", contact_org=None, since=None) -> Member:
    """Mark a member 失联 or 流动党员 (with where they are and the contact branch)."""
    member = _visible_member(actor, member)
    if not permissions.can_set_state(actor, member):
        raise PermissionDeniedError(_("只有该党员所在党组织的管理人员可以登记党员状况。"))
    if state not in MANUAL_STATES:
        raise ValidationError({"state": _("只能登记为失联党员或流动党员；转出须开具介绍信。")})
    errors = {}
    if state == ContactState.MOBILE:
        mobile_place = (mobile_place or "").strip()
        if not mobile_place:
            errors["mobile_place"] = _("请填写流动党员的外出地点。")
        elif len(mobile_place) > PLACE_MAX:
            errors["mobile_place"] = _("外出地点最多 %(n)d 个字。") % {"n": PLACE_MAX}
        if contact_org is None or not selectors.destination_orgs().filter(pk=contact_org.pk).exists():
            errors["contact_org"] = _("请选择流动党员的联系党支部。")
    else:
        mobile_place, contact_org = "", None
    since = since or timezone.localdate()
    if since > timezone.localdate():
        errors["since"] = _("开始日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    locked = _locked_member(member.pk)
    if locked.contact_state == ContactState.TRANSFERRED_OUT:
        raise TransitionError(_("该党员的组织关系已转出本系统。"), code="transition")
    before = locked.contact_state
    locked.contact_state, locked.mobile_place, locked.contact_org, locked.state_since = (
        state, mobile_place, contact_org, since)
    locked.save(update_fields=["contact_state", "mobile_place", "contact_org", "state_since", "updated_at"])
    record(actor, "member.state", locked, {"contact_state": [before, state]})
    return locked


@transaction.atomic
def member_state_clear(*, actor, member) -> Member:
    """Back to normal (contact found again, back from elsewhere)."""
    member = _visible_member(actor, member)
    if not permissions.can_set_state(actor, member):
        raise PermissionDeniedError(_("只有该党员所在党组织的管理人员可以登记党员状况。"))
    locked = _locked_member(member.pk)
    if locked.contact_state == ContactState.TRANSFERRED_OUT:
        raise TransitionError(_("该党员的组织关系已转出本系统，须由转出党组织撤销介绍信。"), code="transition")
    if locked.contact_state == ContactState.NORMAL:
        raise TransitionError(_("该党员的状况已是“正常”。"), code="transition")
    before = locked.contact_state
    locked.contact_state, locked.mobile_place, locked.contact_org, locked.state_since = (
        ContactState.NORMAL, "", None, None)
    locked.save(update_fields=["contact_state", "mobile_place", "contact_org", "state_since", "updated_at"])
    record(actor, "member.state", locked, {"contact_state": [before, ContactState.NORMAL]})
    return locked
