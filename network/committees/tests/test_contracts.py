"""List and detail contracts of the regional network's pages and API: refused without
permission, 404 out of scope as for missing, flat query counts within
``network/tests/budgets.py``.

The world: the street cadre of 兴东街道 (its 街道大工委 in scope); another city's street
committee out of scope."""
import itertools

import pytest
from django.urls import reverse_lazy

from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from network.committees import actions
from network.committees.choices import CommitmentKind, CommitteeKind
from network.committees.tests.support import build_net, problem
from network.tests.budgets import BUDGETS
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import PartyOrgFactory, ResidentUnitFactory, user_with

_serial = itertools.count(1)


class StreetWorld:
    @pytest.fixture(autouse=True)
    def _world(self, db):
        self.net = build_net()
        self.other = build_net()

    @pytest.fixture
    def user_in_scope(self):
        return self.net.street_cadre

    @pytest.fixture(params=(Role.GRID, Role.MEMBER))
    def user_without_permission(self, request):
        return user_with(request.param, self.net.w.c.street)

    def _committee(self, net):
        n = next(_serial)
        committee = actions.committee_save(actor=net.street_cadre, kind=CommitteeKind.JOINT, name=f"联席会{n}",
                                           area=net.w.c.street, convener=net.w.c.street_org)
        unit = ResidentUnitFactory(name=f"成员单位{n}", community=net.w.c.a.area)
        actions.seat_add(actor=net.street_cadre, committee=committee, unit=unit, person_name=f"委员{n}")
        return committee

    def make_in_scope(self):
        return self._committee(self.net)

    def make_out_of_scope(self):
        return self._committee(self.other)

    def make_related(self, committee):
        """Another seat, a meeting with a problem and a commitment on the committee."""
        n = next(_serial)
        unit = ResidentUnitFactory(name=f"新单位{n}", community=self.net.w.c.b.area)
        seat = actions.seat_add(actor=self.net.street_cadre, committee=committee, unit=unit, person_name=f"新委员{n}")
        from network.committees.tests.support import at

        m = actions.meeting_record(actor=self.net.street_cadre, committee=committee, starts_at=at(2), ends_at=at(2, 16),
                                   topic=f"会议{n}", attending_seats=[seat])
        actions.problem_raise(actor=self.net.street_cadre, meeting=m, title=f"问题{n}", raised_by=seat)
        actions.commitment_save(actor=self.net.street_cadre, seat=seat, year=m.activity.starts_at.year,
                                kind=CommitmentKind.DEED, content=f"实事{n}")
        return committee


class TestCommitteePages(StreetWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("committees:list")
    detail_url = by_pk("committees:detail")
    list_budget = BUDGETS["committees:list"]
    detail_budget = BUDGETS["committees:detail"]


class TestCommitteeApi(StreetWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/joint-committees/"
    detail_url = by_pk("joint-committee-detail")
    list_budget = BUDGETS["joint-committee-list"]
    detail_budget = BUDGETS["joint-committee-detail"]


class ProblemWorld(StreetWorld):
    def make_in_scope(self):
        return problem(self.net, title=f"问题{next(_serial)}")

    def make_out_of_scope(self):
        return problem(self.other, title=f"外区问题{next(_serial)}")

    def make_related(self, p):
        """Its whistle (to a department and a unit) and the whistle's events."""
        p.refresh_from_db()
        if p.whistle_id is not None:
            return p
        actions.problem_whistle(actor=self.net.street_cadre, problem=p, departments=[self.net.w.housing],
                                units=[self.net.w.unit_a])
        return p


class TestProblemPages(ProblemWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("committees:problems")
    detail_url = by_pk("committees:problem")
    list_budget = BUDGETS["committees:problems"]
    detail_budget = BUDGETS["committees:problem"]


class TestProblemApi(ProblemWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/committee-problems/"
    detail_url = by_pk("committee-problem-detail")
    list_budget = BUDGETS["committee-problem-list"]
    detail_budget = BUDGETS["committee-problem-detail"]


class CommitmentWorld(StreetWorld):
    def _commitment(self, net):
        n = next(_serial)
        unit = ResidentUnitFactory(name=f"承诺单位{n}", community=net.w.c.a.area)
        seat = actions.seat_add(actor=net.street_cadre, committee=net.committee, unit=unit)
        from django.utils import timezone

        return actions.commitment_save(actor=net.street_cadre, seat=seat, year=timezone.localdate().year,
                                       kind=CommitmentKind.FUNDS, content=f"资金{n}", amount="1000.00")

    def make_in_scope(self):
        return self._commitment(self.net)

    def make_out_of_scope(self):
        return self._commitment(self.other)


class TestCommitmentPage(CommitmentWorld, PageListContract):
    list_url = reverse_lazy("committees:commitments")
    list_budget = BUDGETS["committees:commitments"]


class PairingWorld(StreetWorld):
    def _pairing(self, net):
        n = next(_serial)
        organ = PartyOrgFactory(name=f"机关党支部{n}", kind=OrgKind.BRANCH, category=OrgCategory.ORGAN,
                                area=net.w.c.street, parent=net.w.c.street_org)
        compound = PartyOrgFactory(name=f"小区党支部{n}", kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND,
                                   area=net.w.c.a.compound, parent=net.w.c.a.committee)
        return actions.pairing_create(actor=net.street_cadre, organ_branch=organ, compound_branch=compound)

    def make_in_scope(self):
        return self._pairing(self.net)

    def make_out_of_scope(self):
        return self._pairing(self.other)

    def make_related(self, pairing):
        """Another pairing in scope (a pairing's detail shows no rows of its own; the
        committee world's seats and meetings would need a committee, which a pairing is not —
        with SQLite's reused ids a pairing's pk happened to name one)."""
        return self._pairing(self.net)


class TestPairingPage(PairingWorld, PageListContract):
    list_url = reverse_lazy("committees:pairings")
    list_budget = BUDGETS["committees:pairings"]


class TestPairingApi(PairingWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/branch-pairings/"
    detail_url = by_pk("branch-pairing-detail")
    list_budget = BUDGETS["branch-pairing-list"]
    detail_budget = BUDGETS["branch-pairing-detail"]
