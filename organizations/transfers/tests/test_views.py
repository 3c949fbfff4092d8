"""The transfer pages: the lists (tabs, pending and overdue first, search), a transfer with its
buttons, accept/return/cancel by POST with their refusals, starting from the member page, the
letter's print page, registering from a letter, a member's history and states, the roster's
state filter and figures, and the home queue of the receiving cadre."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.testing.clients import logged_in
from organizations.members.choices import ContactState
from organizations.members.models import Member
from organizations.tests.factories import UserFactory, valid_id_number
from organizations.transfers import actions
from organizations.transfers.models import Transfer
from organizations.transfers.tests.support import make_world, new_member, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return make_world()


def _url(name, *args):
    return reverse(f"organizations:{name}", args=args)


def test_lists_show_each_side_its_tab_with_pending_and_overdue_first(w):
    old = start(w, member=w.city.a.members[1])
    actions.transfer_accept(actor=w.cadre_b, transfer=old)
    late = start(w)
    Transfer.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    b = logged_in(w.cadre_b)
    page = b.get(_url("transfer_list") + "?tab=incoming")
    assert [t.pk for t in page.context["page_obj"]] == [late.pk, old.pk]
    assert "逾期 3 天" in page.content.decode()
    assert not b.get(_url("transfer_list") + "?tab=outgoing").context["page_obj"].object_list
    a = logged_in(w.cadre_a)
    assert [t.pk for t in a.get(_url("transfer_list") + "?tab=outgoing").context["page_obj"]] == [late.pk, old.pk]
    found = a.get(_url("transfer_list") + f"?tab=outgoing&q={w.city.a.members[1].name}").context["page_obj"]
    assert [t.pk for t in found] == [old.pk]


def test_detail_buttons_follow_the_side(w):
    t = start(w)
    a = logged_in(w.cadre_a).get(_url("transfer_detail", t.pk)).content.decode()
    b = logged_in(w.cadre_b).get(_url("transfer_detail", t.pk)).content.decode()
    assert 'data-testid="cancel"' in a and 'data-testid="accept"' not in a
    assert 'data-testid="accept"' in b and 'data-testid="return"' in b and 'data-testid="cancel"' not in b


def test_accept_by_post_moves_the_member_and_a_second_accept_is_a_message(w):
    t = start(w)
    b = logged_in(w.cadre_b)
    response = b.post(_url("transfer_accept", t.pk), follow=True)
    assert "已接收该党员的组织关系" in response.content.decode()
    assert Member.objects.get(pk=w.member.pk).organization_id == w.city.b.branch.pk
    again = b.post(_url("transfer_accept", t.pk), follow=True)
    assert "该转接已被接收" in again.content.decode()
    assert logged_in(w.cadre_a).post(_url("transfer_cancel", t.pk), follow=True).status_code == 200


def test_accept_by_the_sender_is_refused_with_the_reason(w):
    t = start(w)
    response = logged_in(w.cadre_a).post(_url("transfer_accept", t.pk))
    assert response.status_code == 403 and "接收党组织的管理人员" in response.content.decode()


def test_return_needs_a_reason_on_its_form(w):
    t = start(w)
    b = logged_in(w.cadre_b)
    assert b.get(_url("transfer_return", t.pk)).status_code == 200
    bad = b.post(_url("transfer_return", t.pk), {"reason": ""})
    assert bad.status_code == 200 and bad.context["form"].errors
    b.post(_url("transfer_return", t.pk), {"reason": "查无此人"})
    assert Transfer.objects.get(pk=t.pk).return_reason == "查无此人"


def test_start_from_the_member_page_within_and_out_with_a_letter(w):
    a = logged_in(w.cadre_a)
    member_page = a.get(_url("member_detail", w.member.pk)).content.decode()
    assert _url("transfer_start", w.member.pk) in member_page and _url("member_transfers", w.member.pk) in member_page
    assert a.get(_url("transfer_start", w.member.pk)).status_code == 200
    missing = a.post(_url("transfer_start", w.member.pk), {"kind": "within"})
    assert missing.context["form"].errors["to_org"]
    done = a.post(_url("transfer_start", w.member.pk), {"kind": "within", "to_org": w.city.b.branch.pk, "reason": "搬家"})
    t = Transfer.objects.get(member=w.member)
    assert done.status_code == 302 and t.to_org_id == w.city.b.branch.pk
    other = w.city.a.members[1]
    a.post(_url("transfer_start", other.pk), {"kind": "out", "destination": "中共某省某市某区委"})
    letter_transfer = Transfer.objects.get(member=other)
    page = a.get(_url("transfer_letter", letter_transfer.pk)).content.decode()
    assert letter_transfer.letter.number in page and "回　执" in page and "中共某省某市某区委" in page
    # 乙's cadre can start nothing for 甲's member, and sees no letter of 甲's
    assert logged_in(w.cadre_b).get(_url("transfer_start", w.member.pk)).status_code == 404
    assert logged_in(w.cadre_b).get(_url("transfer_letter", letter_transfer.pk)).status_code == 404


def test_the_destination_picker_lists_every_branch_by_name_only(w):
    from organizations.tests.factories import build_city

    elsewhere = build_city()
    answer = logged_in(w.cadre_a).get(_url("transfer_pick_destinations") + "?q=乙小区").json()
    texts = [row["text"] for row in answer["results"]]
    assert f"{elsewhere.b.branch.name}（{elsewhere.b.committee.name}）" in texts
    assert logged_in(UserFactory()).get(_url("transfer_pick_destinations")).status_code == 403


def test_register_incoming_page(w):
    a = logged_in(w.cadre_a)
    assert a.get(_url("transfer_register")).status_code == 200
    response = a.post(_url("transfer_register"), {
        "letter_number": "外字001", "outside_org": "中共某县委", "issued_on": timezone.localdate().isoformat(),
        "to_org": w.city.a.branch.pk, "name": "转入者", "gender": "M", "status": "full",
        "id_number": valid_id_number(4242, birth="19700505"), "phone": "13800001111",
    })
    member = Member.objects.get(name="转入者")
    assert response.status_code == 302 and response["Location"] == _url("member_detail", member.pk)
    assert "13800001111" not in a.get(_url("member_detail", member.pk)).content.decode()


def test_member_history_and_states(w):
    t = start(w)
    a = logged_in(w.cadre_a)
    page = a.get(_url("member_transfers", w.member.pk))
    assert [x.pk for x in page.context["page_obj"]] == [t.pk]
    lost = new_member(w.city.a)
    a.post(_url("member_state", lost.pk), {"state": "lost"})
    assert Member.objects.get(pk=lost.pk).contact_state == "lost"
    bad = a.post(_url("member_state", lost.pk), {"state": "mobile"})
    assert "mobile_place" in bad.context["form"].errors
    a.post(_url("member_state", lost.pk), {"clear": "1"})
    assert Member.objects.get(pk=lost.pk).contact_state == "normal"


def test_a_member_sees_their_own_transfer_only(w):
    user = UserFactory()
    Member.objects.filter(pk=w.member.pk).update(user=user)
    mine = start(w)
    theirs = start(w, member=w.city.a.members[1])
    client = logged_in(user)
    assert client.get(_url("transfer_detail", mine.pk)).status_code == 200
    assert client.get(_url("transfer_detail", theirs.pk)).status_code == 404
    assert client.get(_url("member_transfers", w.member.pk)).status_code == 200
    assert client.get(_url("transfer_list")).status_code == 403


def test_roster_filters_by_state_and_counts_each(w):
    lost = new_member(w.city.a)
    actions.member_state_set(actor=w.cadre_a, member=lost, state=ContactState.LOST)
    actions.transfer_letter_out(actor=w.cadre_a, member=w.member, destination="外地")
    a = logged_in(w.cadre_a)
    page = a.get(_url("member_list"))
    assert w.member.pk not in {m.pk for m in page.context["page_obj"]}  # transferred out: not current
    assert page.context["page_obj"].paginator.count == 2
    assert page.context["state_figures"] == [("lost", "失联党员", 1), ("mobile", "流动党员", 0), ("out", "已转出", 1)]
    out = a.get(_url("member_list") + "?contact_state=out").context["page_obj"]
    assert [m.pk for m in out] == [w.member.pk] and out.paginator.count == 1
    normal = a.get(_url("member_list") + "?contact_state=normal").context["page_obj"]
    assert normal.paginator.count == 1 == len(normal.object_list)


def test_the_receiving_cadre_finds_the_transfer_in_the_home_queue(w):
    t = start(w)
    home = logged_in(w.cadre_b).get("/").content.decode()
    assert 'data-testid="queue-transfers_incoming"' in home and _url("transfer_detail", t.pk) in home
    assert _url("transfer_detail", t.pk) not in logged_in(w.cadre_a).get("/").content.decode()


def test_the_org_page_counts_current_members_and_each_state(w):
    actions.transfer_letter_out(actor=w.cadre_a, member=w.member, destination="外地")
    actions.member_state_set(actor=w.cadre_a, member=w.city.a.members[1], state=ContactState.LOST)
    page = logged_in(w.cadre_a).get(_url("org_detail", w.city.a.branch.pk))
    assert page.context["member_total"] == 1  # the transferred-out record is not a current member
    assert "失联 1 · 流动 0 · 已转出 1" in page.content.decode()
