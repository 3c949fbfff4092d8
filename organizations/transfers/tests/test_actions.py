"""The transfer use cases: start, accept, return, cancel, overdue, letters out and in, member
states, and ``member_moved`` from the acceptance and from a member edit."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from dangjian.crypto import keyed_hash
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.models import AuditEvent
from organizations.grants.choices import Role
from organizations.members.actions import member_update
from organizations.members.choices import ContactState
from organizations.members.models import Member
from organizations.members.selectors import roster_count, roster_counts
from organizations.members.signals import member_moved
from organizations.tests.factories import build_city, user_with, valid_id_number
from organizations.transfers import actions, rules
from organizations.transfers.choices import TransferKind, TransferStatus
from organizations.transfers.models import IntroductionLetter, Transfer
from organizations.transfers.tests.support import make_world, new_member, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return make_world()


@pytest.fixture
def moves():
    seen = []

    def receiver(sender, member, from_org_id, to_org_id, actor, **kwargs):
        seen.append((member.pk, from_org_id, to_org_id, actor.pk))

    member_moved.connect(receiver, weak=False)
    yield seen
    member_moved.disconnect(receiver)


# ------------------------------------------------------------------------------ start
def test_start_is_pending_with_the_rule_due_date_and_a_history(w):
    t = start(w)
    assert (t.status, t.kind, t.from_org_id, t.to_org_id) == (
        TransferStatus.PENDING, TransferKind.WITHIN, w.city.a.branch.pk, w.city.b.branch.pk)
    assert t.due_on == timezone.localdate() + timedelta(days=30)
    assert [(e.from_status, e.to_status) for e in t.events.all()] == [("", "pending")]
    assert AuditEvent.objects.filter(verb="transfer.start", target_id=str(t.pk)).exists()


def test_start_refuses_a_second_pending_transfer_and_the_own_branch(w):
    start(w)
    with pytest.raises(TransitionError, match="已有一项正在办理"):
        start(w)
    other = w.city.a.members[1]
    with pytest.raises(ValidationError) as exc:
        actions.transfer_start(actor=w.cadre_a, member=other, to_org=w.city.a.branch)
    assert "现在所在的党组织" in str(exc.value)


def test_only_the_senders_cadres_start_and_others_get_404(w):
    with pytest.raises(Http404):  # 乙's cadre does not see 甲's member
        actions.transfer_start(actor=w.cadre_b, member=w.member, to_org=w.city.b.branch)
    grid = user_with(Role.GRID, w.city.a.area)  # sees the roster, manages nothing
    with pytest.raises(PermissionDeniedError, match="管理人员"):
        actions.transfer_start(actor=grid, member=w.member, to_org=w.city.b.branch)


def test_the_destination_may_be_a_branch_outside_the_senders_scope():
    w = make_world()
    elsewhere = build_city()  # another city: 甲's cadre sees nothing of it
    t = actions.transfer_start(actor=w.cadre_a, member=w.member, to_org=elsewhere.b.branch)
    assert t.to_org_id == elsewhere.b.branch.pk
    with pytest.raises(ValidationError, match="党支部"):  # a party group is not a destination
        actions.transfer_start(actor=w.cadre_a, member=w.city.a.members[1], to_org=elsewhere.b.group)


# ------------------------------------------------------------------------------ accept
def test_accept_moves_the_member_keeps_both_ends_and_sends_member_moved(w, moves):
    t = start(w)
    done = actions.transfer_accept(actor=w.cadre_b, transfer=t)
    member = Member.objects.get(pk=w.member.pk)
    assert member.organization_id == w.city.b.branch.pk
    assert member.org_community == w.city.b.area.pk  # Member.save kept the place columns
    assert (done.status, done.from_org_id, done.to_org_id) == ("accepted", w.city.a.branch.pk, w.city.b.branch.pk)
    assert done.answered_by_id == w.cadre_b.pk and done.answered_at is not None
    assert moves == [(member.pk, w.city.a.branch.pk, w.city.b.branch.pk, w.cadre_b.pk)]
    assert [e.to_status for e in done.events.all()] == ["pending", "accepted"]
    # the receiving side sees the member now; the sending side keeps seeing the transfer
    assert Member.objects.visible_to(w.cadre_b).filter(pk=member.pk).exists()
    assert Transfer.objects.visible_to(w.cadre_a).filter(pk=t.pk).exists()


def test_only_the_receiving_cadres_accept_or_return(w):
    t = start(w)
    with pytest.raises(PermissionDeniedError, match="接收党组织的管理人员"):
        actions.transfer_accept(actor=w.cadre_a, transfer=t)
    with pytest.raises(PermissionDeniedError):
        actions.transfer_return(actor=w.cadre_a, transfer=t, reason="不对")
    outsider = user_with(Role.COMMUNITY, build_city().a.area)
    with pytest.raises(Http404):
        actions.transfer_accept(actor=outsider, transfer=t)


def test_return_needs_a_reason_and_then_nothing_else_is_allowed(w):
    t = start(w)
    with pytest.raises(ValidationError, match="退回的原因"):
        actions.transfer_return(actor=w.cadre_b, transfer=t, reason="  ")
    done = actions.transfer_return(actor=w.cadre_b, transfer=t, reason="本支部无此党员居住地")
    assert (done.status, done.return_reason) == ("returned", "本支部无此党员居住地")
    assert Member.objects.get(pk=w.member.pk).organization_id == w.city.a.branch.pk
    with pytest.raises(TransitionError, match="已被退回，不能再接收"):
        actions.transfer_accept(actor=w.cadre_b, transfer=t)
    with pytest.raises(TransitionError, match="已被退回，无需撤销"):
        actions.transfer_cancel(actor=w.cadre_a, transfer=t)
    start(w)  # a returned transfer no longer blocks a new one


def test_cancel_by_the_sender_while_pending_only(w):
    t = start(w)
    with pytest.raises(PermissionDeniedError, match="转出党组织"):
        actions.transfer_cancel(actor=w.cadre_b, transfer=t)
    assert actions.transfer_cancel(actor=w.cadre_a, transfer=t).status == "cancelled"
    with pytest.raises(TransitionError, match="撤销该转接，不能接收"):
        actions.transfer_accept(actor=w.cadre_b, transfer=t)
    t2 = start(w)
    actions.transfer_accept(actor=w.cadre_b, transfer=t2)
    with pytest.raises(TransitionError, match="已接收，不能撤销"):
        actions.transfer_cancel(actor=w.cadre_a, transfer=t2)


def test_accept_refused_when_the_member_moved_meanwhile(w):
    t = start(w)
    member_update(actor=w.cadre_a, member=w.member, organization=w.city.a.committee)
    with pytest.raises(TransitionError, match="已变更"):
        actions.transfer_accept(actor=w.cadre_b, transfer=t)
    assert Transfer.objects.get(pk=t.pk).status == "pending"  # nothing written


def test_overdue_after_the_rule_days(w):
    t = start(w)
    today = timezone.localdate()
    assert not t.is_overdue(today)
    Transfer.objects.filter(pk=t.pk).update(due_on=today - timedelta(days=1))
    t.refresh_from_db()
    assert t.is_overdue(today)
    assert list(Transfer.objects.overdue(today)) == [t]
    actions.transfer_accept(actor=w.cadre_b, transfer=t)
    t.refresh_from_db()
    assert not t.is_overdue(today) and not Transfer.objects.overdue(today).exists()


def test_a_member_edit_changing_the_organization_sends_member_moved(w, moves):
    member_update(actor=w.cadre_a, member=w.member, organization=w.city.a.committee)
    assert moves == [(w.member.pk, w.city.a.branch.pk, w.city.a.committee.pk, w.cadre_a.pk)]
    member_update(actor=w.cadre_a, member=w.member, employer="某单位")
    assert len(moves) == 1  # no move, no signal


# ------------------------------------------------------------------------------ letters
def test_a_letter_out_is_numbered_per_issuer_and_year_and_the_member_is_transferred_out(w):
    t1 = actions.transfer_letter_out(actor=w.cadre_a, member=w.member, destination="中共某省某县某镇委员会")
    t2 = actions.transfer_letter_out(actor=w.cadre_a, member=w.city.a.members[1], destination="某市某街道党工委")
    year = timezone.localdate().year
    code = w.city.a.branch.code
    assert [t1.letter.number, t2.letter.number] == [f"{code}-{year}-0001", f"{code}-{year}-0002"]
    other = actions.transfer_letter_out(actor=w.cadre_b, member=w.city.b.members[0], destination="外地")
    assert other.letter.number.endswith("-0001")  # its own serial
    assert t1.letter.valid_until == rules.letter_valid_until(t1.letter.issued_on)
    member = Member.objects.get(pk=w.member.pk)
    assert member.contact_state == ContactState.TRANSFERRED_OUT
    with pytest.raises(TransitionError, match="已转出本系统"):
        start(w, member=member)


def test_a_letter_out_cancelled_gives_the_member_back_and_a_receipt_closes_it(w):
    t = actions.transfer_letter_out(actor=w.cadre_a, member=w.member, destination="外地党委")
    actions.transfer_cancel(actor=w.cadre_a, transfer=t)
    assert Member.objects.get(pk=w.member.pk).contact_state == ContactState.NORMAL
    t2 = actions.transfer_letter_out(actor=w.cadre_a, member=w.member, destination="外地党委")
    done = actions.transfer_record_receipt(actor=w.cadre_a, transfer=t2)
    assert done.status == "accepted"
    assert Member.objects.get(pk=w.member.pk).contact_state == ContactState.TRANSFERRED_OUT
    with pytest.raises(TransitionError, match="回执已登记"):
        actions.transfer_record_receipt(actor=w.cadre_a, transfer=t2)


def _incoming(w, **overrides):
    values = dict(
        to_org=w.city.a.branch, letter_number="辽组转字2026第18号", outside_org="中共某县委组织部",
        issued_on=timezone.localdate() - timedelta(days=5), name="新来党员", gender="F",
        id_number=valid_id_number(777, birth="19650303"), phone="13912345678", status="full",
    )
    values.update(overrides)
    return actions.transfer_register_incoming(actor=w.cadre_a, **values)


def test_register_incoming_from_a_letter_through_the_members_create(w):
    t = _incoming(w)
    member = Member.objects.get(pk=t.member_id)
    assert (member.name, member.organization_id) == ("新来党员", w.city.a.branch.pk)
    assert member.phone_hash == keyed_hash("13912345678") and member.id_number == valid_id_number(777, birth="19650303")
    assert (t.kind, t.status, t.outside_org) == (TransferKind.IN, TransferStatus.ACCEPTED, "中共某县委组织部")
    letter = IntroductionLetter.objects.get(transfer=t)
    assert (letter.direction, letter.number) == ("in", "辽组转字2026第18号")
    assert AuditEvent.objects.filter(verb="member.create", target_id=str(member.pk)).exists()


def test_register_incoming_refuses_an_expired_letter_a_foreign_branch_and_a_known_id_number(w):
    with pytest.raises(ValidationError) as exc:
        _incoming(w, issued_on=timezone.localdate() - timedelta(days=200))
    assert "已过有效期" in str(exc.value)
    with pytest.raises(Http404):  # 乙's branch is not the cadre's
        _incoming(w, to_org=w.city.b.branch)
    with pytest.raises(ValidationError, match="身份证号已登记"):
        _incoming(w, id_number=w.city.b.members[0].id_number)
    assert not Transfer.objects.exists()


# --------------------------------------------------------------------- member states
def test_mobile_needs_place_and_contact_branch_and_states_are_counted_in_the_roster(w):
    with pytest.raises(ValidationError) as exc:
        actions.member_state_set(actor=w.cadre_a, member=w.member, state=ContactState.MOBILE)
    assert {"mobile_place", "contact_org"} <= set(exc.value.error_dict)
    actions.member_state_set(actor=w.cadre_a, member=w.member, state=ContactState.MOBILE, mobile_place="深圳市南山区",
                             contact_org=w.city.b.branch)
    lost = new_member(w.city.a)
    actions.member_state_set(actor=w.cadre_a, member=lost, state=ContactState.LOST)
    actions.transfer_letter_out(actor=w.cadre_a, member=w.city.a.members[1], destination="外地")
    counts = roster_counts(w.cadre_a, {s: Q(contact_state=s) for s in ContactState.values})
    assert counts == {"normal": 0, "lost": 1, "mobile": 1, "out": 1}
    assert counts["lost"] == roster_count(w.cadre_a, Q(contact_state="lost"))
    with pytest.raises(ValidationError):
        actions.member_state_set(actor=w.cadre_a, member=lost, state=ContactState.TRANSFERRED_OUT)
    actions.member_state_clear(actor=w.cadre_a, member=lost)
    assert Member.objects.get(pk=lost.pk).contact_state == "normal"
    with pytest.raises(TransitionError, match="已是"):
        actions.member_state_clear(actor=w.cadre_a, member=lost)
    with pytest.raises(Http404):
        actions.member_state_set(actor=w.cadre_b, member=lost, state=ContactState.LOST)
