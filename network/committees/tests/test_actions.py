"""The regional network's writes: committees on the right level, the one-seat rule, a
meeting is an activity of type 联席会议 with its attending seats, problems settled, declined
or whistled (the whistle's source and targets), settlement following the whistle, the
three commitments and their fulfilment, pairings one per compound branch; scope and roles."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from assessments.life.models import Activity
from dangjian.errors import TransitionError
from dangjian.models import AuditEvent
from network.committees import actions, selectors
from network.committees.choices import CommitmentKind, CommitteeKind, ProblemShown, ProblemStatus
from network.committees.models import BranchPairing, CommitteeProblem, CommitteeSeat
from network.committees.tests.support import build_net, meeting, problem
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import PartyOrgFactory, user_with
from services.resident.choices import Satisfaction
from services.whistles import actions as whistle_actions
from services.whistles.choices import TargetStatus, WhistleSource, WhistleStatus
from services.whistles.tests.test_support import responder, target_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    return build_net()


def shown_of(problem_, user):
    return selectors.problems_for(user).get(pk=problem_.pk).shown


# -------------------------------------------------------------------------- committees
def test_a_committee_sits_on_the_level_its_kind_asks_for(net):
    w = net.w
    with pytest.raises(ValidationError) as exc:
        actions.committee_save(actor=w.street_cadre, kind=CommitteeKind.STREET, name="错层级", area=w.c.a.area,
                               convener=w.c.a.committee)
    assert "area" in exc.value.message_dict
    made = actions.committee_save(actor=w.street_cadre, kind=CommitteeKind.COMMUNITY, name="甲社区大党委",
                                  area=w.c.a.area, convener=w.c.a.committee)
    assert made.area == w.c.a.area
    joint = actions.committee_save(actor=w.district_cadre, kind=CommitteeKind.JOINT, name="区联席会",
                                   area=w.c.district, convener=w.c.city_org)
    assert joint.kind == CommitteeKind.JOINT


def test_the_convener_is_an_organization_of_the_area(net):
    w = net.w
    with pytest.raises(ValidationError) as exc:
        actions.committee_save(actor=w.street_cadre, kind=CommitteeKind.COMMUNITY, name="甲社区大党委",
                               area=w.c.a.area, convener=w.c.b.committee)
    assert "convener" in exc.value.message_dict


def test_a_community_cadre_cannot_build_on_the_street_nor_see_its_committee(net):
    w = net.w
    with pytest.raises(Http404):
        actions.committee_save(actor=w.cadre_a, kind=CommitteeKind.STREET, name="x", area=w.c.street,
                               convener=w.c.street_org)
    assert not selectors.committees_for(w.cadre_a).exists()
    assert list(selectors.committees_for(w.street_cadre)) == [net.committee]
    assert list(selectors.committees_for(w.district_cadre)) == [net.committee]


def test_a_member_or_grid_worker_may_not_keep_a_committee(net):
    grid = user_with(Role.GRID, net.w.c.street)
    with pytest.raises(Http404):  # grid roles see no committee at all
        actions.seat_end(actor=grid, seat=net.seat_a)


# ------------------------------------------------------------------------------- seats
def test_a_unit_holds_one_current_seat_per_committee(net):
    with pytest.raises(ValidationError) as exc:
        actions.seat_add(actor=net.street_cadre, committee=net.committee, unit=net.w.unit_a)
    assert "已是本联席组织的成员单位" in str(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database says so too
        CommitteeSeat.objects.create(committee=net.committee, unit=net.w.unit_a, since=timezone.localdate())
    actions.seat_end(actor=net.street_cadre, seat=net.seat_a)
    again = actions.seat_add(actor=net.street_cadre, committee=net.committee, unit=net.w.unit_a)
    assert again.is_current and CommitteeSeat.objects.filter(committee=net.committee, unit=net.w.unit_a).count() == 2
    with pytest.raises(TransitionError):
        actions.seat_end(actor=net.street_cadre, seat=net.seat_a)


def test_a_seat_is_for_a_unit_or_a_department_exactly(net):
    with pytest.raises(ValidationError):
        actions.seat_add(actor=net.street_cadre, committee=net.committee)
    with pytest.raises(ValidationError):
        actions.seat_add(actor=net.street_cadre, committee=net.committee, unit=net.w.unit_a, department=net.w.urban)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeSeat.objects.create(committee=net.committee, since=timezone.localdate())


def test_a_seat_unit_lies_in_the_committee_area(net):
    w = net.w
    community = actions.committee_save(actor=w.cadre_a, kind=CommitteeKind.COMMUNITY, name="甲社区大党委",
                                       area=w.c.a.area, convener=w.c.a.committee)
    with pytest.raises((ValidationError, Http404)):
        actions.seat_add(actor=w.cadre_a, committee=community, unit=w.unit_b)
    seat = actions.seat_add(actor=w.cadre_a, committee=community, department=w.power)  # the street's department
    assert seat.department == w.power


# ---------------------------------------------------------------------------- meetings
def test_a_meeting_is_an_activity_of_type_joint_meeting_of_the_convener(net):
    m = meeting(net)
    activity = Activity.objects.select_related("activity_type").get(pk=m.activity_id)
    assert activity.activity_type.code == "joint_meeting" and activity.activity_type.name == "联席会议"
    assert activity.org == net.w.c.street_org and activity.topic == "第三季度联席会议"
    assert set(m.attending.all()) == {net.seat_a, net.seat_b}
    assert AuditEvent.objects.filter(verb="committee.meeting").exists()
    assert AuditEvent.objects.filter(verb="activity.file", target_id=str(activity.pk)).exists()


def test_a_meeting_with_a_seat_not_current_records_nothing(net):
    actions.seat_end(actor=net.street_cadre, seat=net.seat_b)
    before = Activity.objects.count()
    with pytest.raises(ValidationError):
        meeting(net, seats=[net.seat_a, net.seat_b])
    assert Activity.objects.count() == before


def test_a_meeting_ending_before_it_starts_records_nothing(net):
    from network.committees.tests.support import at

    before = Activity.objects.count()
    with pytest.raises(ValidationError):
        actions.meeting_record(actor=net.street_cadre, committee=net.committee, starts_at=at(1, 16),
                               ends_at=at(1, 14), topic="倒序", attending_seats=[])
    assert Activity.objects.count() == before and not net.committee.meetings.exists()


# ---------------------------------------------------------------------------- problems
def test_a_problem_settled_by_the_committee(net):
    p = problem(net)
    assert p.status == ProblemStatus.OPEN and shown_of(p, net.street_cadre) == ProblemShown.OPEN
    settled = actions.problem_settle(actor=net.street_cadre, problem=p, settlement="学校错峰放学，交警设岗。",
                                     settled_by=net.seat_b)
    assert settled.status == ProblemStatus.SETTLED and settled.settled_at and settled.settled_by == net.seat_b
    assert shown_of(p, net.street_cadre) == ProblemShown.SETTLED
    with pytest.raises(TransitionError):
        actions.problem_decline(actor=net.street_cadre, problem=p, reason="x")
    assert [e.to_status for e in p.events.order_by("at", "pk")] == ["open", "settled"]


def test_a_problem_declined_with_a_reason(net):
    p = problem(net)
    with pytest.raises(ValidationError):
        actions.problem_decline(actor=net.street_cadre, problem=p, reason="")
    declined = actions.problem_decline(actor=net.street_cadre, problem=p, reason="不属于联席会议议事范围。")
    assert declined.status == ProblemStatus.DECLINED and declined.decline_reason
    with pytest.raises(TransitionError):
        actions.problem_settle(actor=net.street_cadre, problem=p, settlement="x")


def test_a_whistled_problem_names_its_source_and_targets_and_follows_the_whistle(net):
    w = net.w
    p = problem(net)
    whistled = actions.problem_whistle(actor=net.street_cadre, problem=p, departments=[w.housing], units=[w.unit_b])
    wh = whistled.whistle
    assert whistled.status == ProblemStatus.WHISTLED
    assert wh.source == WhistleSource.COMMITTEE and wh.source_id == p.pk and wh.area == w.c.street
    assert {str(t.party) for t in wh.targets.all()} == {"住建局", w.unit_b.name}
    assert shown_of(p, net.street_cadre) == ProblemShown.WHISTLED
    # while the whistle is handled the committee may neither settle nor decline it
    with pytest.raises(TransitionError):
        actions.problem_settle(actor=net.street_cadre, problem=p, settlement="x")
    # the department and the unit report in and resolve; the street confirms: settled
    unit_user = responder(unit=w.unit_b)
    for party, user in ((w.housing, w.housing_user), (w.unit_b, unit_user)):
        target = target_of(wh, party)
        whistle_actions.whistle_report_in(actor=user, target=target)
        whistle_actions.whistle_resolve(actor=user, target=target, answer="已处置。")
    assert shown_of(p, net.street_cadre) == ProblemShown.WHISTLED  # awaiting confirmation
    first, second = (target_of(wh, w.housing), target_of(wh, w.unit_b))
    whistle_actions.whistle_confirm(actor=net.street_cadre, target=first, satisfaction=Satisfaction.SATISFIED)
    assert shown_of(p, net.street_cadre) == ProblemShown.WHISTLED
    whistle_actions.whistle_confirm(actor=net.street_cadre, target=second, satisfaction=Satisfaction.SATISFIED)
    wh.refresh_from_db()
    assert wh.status == WhistleStatus.CLOSED and target_of(wh, w.unit_b).status == TargetStatus.CONFIRMED
    row = selectors.problems_for(net.street_cadre).get(pk=p.pk)
    assert row.shown == ProblemShown.SETTLED and row.settled_on == wh.closed_at
    assert selectors.committee_figures(net.committee)["settled"] == 1
    with pytest.raises(TransitionError):
        actions.problem_settle(actor=net.street_cadre, problem=p, settlement="x")


def test_a_cancelled_whistle_gives_the_problem_back_to_the_committee(net):
    p = problem(net)
    actions.problem_whistle(actor=net.street_cadre, problem=p, departments=[net.w.housing])
    p.refresh_from_db()
    whistle_actions.whistle_cancel(actor=net.street_cadre, whistle=p.whistle, reason="改由联席会议协调。")
    assert shown_of(p, net.street_cadre) == ProblemShown.WITHDRAWN
    assert selectors.CommitteeProblem.objects.filter(selectors.open_q(), pk=p.pk).exists()
    settled = actions.problem_settle(actor=net.street_cadre, problem=p, settlement="成员单位出资修缮。")
    assert settled.status == ProblemStatus.SETTLED


def test_only_a_street_or_community_committee_whistles(net):
    w = net.w
    joint = actions.committee_save(actor=w.district_cadre, kind=CommitteeKind.JOINT, name="区联席会",
                                   area=w.c.district, convener=w.c.city_org)
    m = actions.meeting_record(actor=w.district_cadre, committee=joint, starts_at=timezone.now() - timedelta(hours=3),
                               ends_at=timezone.now() - timedelta(hours=1), topic="区联席会议")
    p = actions.problem_raise(actor=w.district_cadre, meeting=m, title="跨街道问题")
    with pytest.raises(ValidationError):
        actions.problem_whistle(actor=w.district_cadre, problem=p, departments=[w.housing])
    assert CommitteeProblem.objects.get(pk=p.pk).status == ProblemStatus.OPEN


def test_a_failed_whistle_leaves_the_problem_open(net):
    p = problem(net)
    with pytest.raises(ValidationError):
        actions.problem_whistle(actor=net.street_cadre, problem=p)  # nobody picked
    assert CommitteeProblem.objects.get(pk=p.pk).status == ProblemStatus.OPEN


def test_problems_are_kept_by_the_managers_of_the_committee_area(net):
    p = problem(net)
    with pytest.raises(Http404):
        actions.problem_settle(actor=net.w.cadre_a, problem=p, settlement="x")
    member = user_with(Role.MEMBER, net.w.c.street)
    with pytest.raises(Http404):
        actions.problem_settle(actor=member, problem=p, settlement="x")


# ------------------------------------------------------------------------- commitments
def test_three_commitments_a_year_and_their_fulfilment(net):
    year = timezone.localdate().year
    funds = actions.commitment_save(actor=net.street_cadre, seat=net.seat_a, year=year, kind=CommitmentKind.FUNDS,
                                    content="资助困难党员", amount="20000.50")
    assert funds.amount == Decimal("20000.50")
    actions.commitment_save(actor=net.street_cadre, seat=net.seat_a, year=year, kind=CommitmentKind.SUGGESTION,
                            content="建议增设夜间停车位")
    with pytest.raises(ValidationError):
        actions.commitment_save(actor=net.street_cadre, seat=net.seat_a, year=year, kind=CommitmentKind.FUNDS,
                                content="再一笔", amount="1")
    with pytest.raises(ValidationError):
        actions.commitment_save(actor=net.street_cadre, seat=net.seat_b, year=year, kind=CommitmentKind.FUNDS,
                                content="没有金额")
    done = actions.commitment_fulfil(actor=net.street_cadre, commitment=funds, note="已拨付")
    assert done.fulfilled_on == timezone.localdate()
    with pytest.raises(TransitionError):
        actions.commitment_fulfil(actor=net.street_cadre, commitment=funds, note="再次")
    figures = selectors.committee_figures(net.committee, year)
    assert figures["commitments_made"] == 2 and figures["commitments_fulfilled"] == 1 and figures["rate"] == "50%"


# ---------------------------------------------------------------------------- pairings
def _organ_branch(net, name="市住建局机关党支部"):
    wc = PartyOrgFactory(name=f"{name}工委", kind=OrgKind.WORKING_COMMITTEE, category=OrgCategory.ORGAN,
                         area=net.w.c.district, parent=net.w.c.city_org)
    return PartyOrgFactory(name=name, kind=OrgKind.BRANCH, category=OrgCategory.ORGAN, area=net.w.c.district,
                           parent=wc)


def test_one_current_pairing_per_compound_branch(net):
    organ = _organ_branch(net)
    other = _organ_branch(net, "区民政局机关党支部")
    pairing = actions.pairing_create(actor=net.street_cadre, organ_branch=organ, compound_branch=net.w.c.a.branch)
    with pytest.raises(ValidationError):
        actions.pairing_create(actor=net.street_cadre, organ_branch=other, compound_branch=net.w.c.a.branch)
    with pytest.raises(IntegrityError), transaction.atomic():
        BranchPairing.objects.create(organ_branch=other, compound_branch=net.w.c.a.branch, since=timezone.localdate())
    # one organ branch may pair with several compound branches
    actions.pairing_create(actor=net.street_cadre, organ_branch=organ, compound_branch=net.w.c.b.branch)
    actions.pairing_end(actor=net.street_cadre, pairing=pairing)
    actions.pairing_create(actor=net.street_cadre, organ_branch=other, compound_branch=net.w.c.a.branch)
    assert BranchPairing.objects.current().filter(compound_branch=net.w.c.a.branch).get().organ_branch == other


def test_a_pairing_joins_an_organ_branch_and_a_compound_branch(net):
    organ = _organ_branch(net)
    with pytest.raises(ValidationError):
        actions.pairing_create(actor=net.w.district_cadre, organ_branch=net.w.c.a.branch, compound_branch=organ)
    with pytest.raises(ValidationError):
        actions.pairing_create(actor=net.street_cadre, organ_branch=organ, compound_branch=net.w.c.a.committee)


def test_a_community_cadre_pairs_only_its_own_compound_branches(net):
    organ = _organ_branch(net)
    with pytest.raises(Http404):
        actions.pairing_create(actor=net.w.cadre_a, organ_branch=organ, compound_branch=net.w.c.b.branch)
    made = actions.pairing_create(actor=net.w.cadre_a, organ_branch=organ, compound_branch=net.w.c.a.branch)
    assert list(selectors.pairings_for(net.w.cadre_a)) == [made]
    assert not selectors.pairings_for(net.w.cadre_b).exists()
