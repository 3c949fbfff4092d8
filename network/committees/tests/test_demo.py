"""The regional network's demo at the small scale (``seed_demo --scale small --life all``):
a committee on every street and community, 3–8 seats each, meetings that are 联席会议
activities with their attending seats, problems settled (some through closed whistles of
source 联席会议) and open, three commitments a seat, and exactly one pairing per compound
branch; the demo street account finds open problems of its street; flush removes it all.

At dandong the same code gives 20 + 193 committees, round(213 × 130/213) = 130 meetings and
round(130 × 162/130) = 162 settled problems, and 955 pairings one-to-one with the 413 + 542
organ branches (the ratios are the module's constants, checked here)."""
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from network.committees import demo, selectors
from network.committees.choices import CommitmentKind, CommitteeKind, ProblemStatus
from network.committees.models import (
    BranchPairing,
    CommitteeMeeting,
    CommitteeProblem,
    CommitteeSeat,
    JointCommittee,
    UnitCommitment,
)
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from services.whistles.choices import WhistleSource, WhistleStatus
from services.whistles.models import Whistle

pytestmark = pytest.mark.django_db


def test_the_dandong_ratios_give_the_articles_figures():
    meetings = round(213 * demo.MEETINGS_PER_COMMITTEE)
    assert meetings == 130 and round(meetings * demo.SETTLED_PER_MEETING) == 162


def test_small_demo_has_the_shape_of_the_network():
    call_command("seed_demo", "--scale", "small", "--life", "all", stdout=StringIO())
    streets = Area.objects.filter(level=AreaLevel.STREET).count()
    communities = Area.objects.filter(level=AreaLevel.COMMUNITY).count()
    assert JointCommittee.objects.filter(kind=CommitteeKind.STREET).count() == streets
    assert JointCommittee.objects.filter(kind=CommitteeKind.COMMUNITY).count() == communities
    for committee in JointCommittee.objects.select_related("area", "convener__area"):
        n = CommitteeSeat.objects.filter(committee=committee, until__isnull=True).count()
        assert 1 <= n <= 8, committee.name
        assert committee.convener.area_id == committee.area_id
    # every seat's unit lies in its committee's area
    for seat in CommitteeSeat.objects.filter(unit__isnull=False).select_related("unit__community", "committee__area"):
        assert seat.unit.community.is_descendant_of(seat.committee.area, include_self=True)

    meetings = CommitteeMeeting.objects.select_related("activity__activity_type", "committee")
    n_meetings = meetings.count()
    assert n_meetings >= 3
    for m in meetings:
        assert m.activity.activity_type.code == "joint_meeting" and m.activity.org_id == m.committee.convener_id
    assert CommitteeMeeting.attending.through.objects.exists()
    # every meeting raised a problem; settled ones as the ratio asks (closed whistles included)
    assert not meetings.filter(problems__isnull=True).exists()
    settled = CommitteeProblem.objects.filter(selectors.settled_q()).count()
    assert settled >= 2 and CommitteeProblem.objects.filter(status=ProblemStatus.OPEN).exists()
    for p in CommitteeProblem.objects.filter(status=ProblemStatus.WHISTLED).select_related("whistle"):
        assert p.whistle.source == WhistleSource.COMMITTEE and p.whistle.source_id == p.pk
        assert p.whistle.area_id == p.committee.area_id and p.whistle.targets.count() == 1
    assert not Whistle.objects.filter(source=WhistleSource.COMMITTEE, status=WhistleStatus.OPEN,
                                      report_due__lt=timezone.now()).exists()

    # three commitments (三个一) per seat this year, the funds in exact decimals
    seats = CommitteeSeat.objects.count()
    assert UnitCommitment.objects.count() == 3 * seats
    assert not UnitCommitment.objects.filter(kind=CommitmentKind.FUNDS, amount__isnull=True).exists()

    # one pairing for each compound branch, with an organ branch
    compounds = PartyOrg.objects.filter(kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND)
    assert BranchPairing.objects.current().count() == compounds.count() > 0
    assert set(BranchPairing.objects.values_list("compound_branch", flat=True)) == set(compounds.values_list("pk", flat=True))
    assert not BranchPairing.objects.exclude(organ_branch__category=OrgCategory.ORGAN).exists()

    # the demo street account finds open problems of its street, one waiting on its home page
    street = get_user_model().objects.get(username="street")
    open_problems = selectors.problems_for(street).filter(selectors.open_q(), committee__area=street.grants.get().area)
    assert open_problems.count() >= 2
    assert selectors.waiting_problems(street).exists()
    community = get_user_model().objects.get(username="community")
    assert selectors.problems_for(community).filter(selectors.open_q()).exists()

    # flush removes the network with the trees
    call_command("seed_demo", "--scale", "small", "--flush", "--life", "none", stdout=StringIO())
    assert not CommitteeProblem.objects.exists() and not CommitteeMeeting.objects.exists()
    assert not JointCommittee.objects.exists()  # --life none: the network is seeded with the life phases
