"""The lifecycle features together: a probationary member's development record goes with them
when a transfer is accepted (transfers send ``members.signals.member_moved``, development
follows it), and each side then sees the record only where the member now belongs."""
import pytest

from organizations.development import selectors as development_selectors
from organizations.development.choices import Stage
from organizations.development.tests.factories import make_case
from organizations.members.choices import MemberStatus
from organizations.transfers import actions as transfer_actions
from organizations.transfers.tests.support import make_world, start

pytestmark = pytest.mark.django_db


def test_an_accepted_transfer_takes_the_probationary_members_development_record_along():
    w = make_world("life-")
    member = w.member
    member.status = MemberStatus.PROBATIONARY
    member.save(update_fields=["status"])
    case = make_case(w.city.a.branch, name=member.name, member=member, stage=Stage.PROBATIONARY)
    assert development_selectors.cases_for(w.cadre_a).filter(pk=case.pk).exists()
    assert not development_selectors.cases_for(w.cadre_b).filter(pk=case.pk).exists()

    transfer = start(w)
    case.refresh_from_db()
    assert case.organization_id == w.city.a.branch.pk  # nothing moves before the answer

    transfer_actions.transfer_accept(actor=w.cadre_b, transfer=transfer)
    member.refresh_from_db()
    case.refresh_from_db()
    assert member.organization_id == w.city.b.branch.pk
    assert case.organization_id == w.city.b.branch.pk
    assert development_selectors.cases_for(w.cadre_b).filter(pk=case.pk).exists()
    assert not development_selectors.cases_for(w.cadre_a).filter(pk=case.pk).exists()


def test_a_returned_transfer_leaves_the_record_where_it_was():
    w = make_world("life2-")
    member = w.member
    member.status = MemberStatus.PROBATIONARY
    member.save(update_fields=["status"])
    case = make_case(w.city.a.branch, name=member.name, member=member, stage=Stage.PROBATIONARY)
    transfer_actions.transfer_return(actor=w.cadre_b, transfer=start(w), reason="材料不全")
    case.refresh_from_db()
    assert case.organization_id == w.city.a.branch.pk


def test_a_member_transferred_out_by_letter_leaves_every_member_figure():
    """The record stays (its history), the counts leave it out: the roster, the area's summary
    and its children's counts agree."""
    from organizations.areas.selectors import area_children, area_summary
    from organizations.orgs.models import PartyOrg
    from organizations.orgs.selectors import org_figures, with_member_total

    w = make_world("life3-")
    street = w.city.street
    before = area_summary(street)["members"]["total"]
    child_before = {a.pk: a.member_count for a in area_children(street)}
    branch = PartyOrg.objects.filter(pk=w.city.a.branch.pk)
    total_before = with_member_total(branch).get().member_total
    transfer_actions.transfer_letter_out(actor=w.cadre_a, member=w.member, destination="外省某支部")
    assert area_summary(street)["members"]["total"] == before - 1
    children = {a.pk: a.member_count for a in area_children(street)}
    assert children[w.city.a.area.pk] == child_before[w.city.a.area.pk] - 1
    assert children[w.city.b.area.pk] == child_before[w.city.b.area.pk]
    assert with_member_total(branch).get().member_total == total_before - 1  # the organization list
    figures = org_figures(branch).get()
    assert figures.full_count + figures.probationary_count == total_before - 1 and figures.out_count == 1
