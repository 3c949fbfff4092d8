"""The list and detail contracts (dangjian.testing.contracts) of resident requests and
volunteer teams: the API and the staff pages refuse who may not open them, answer 404 out
of scope as for a missing row, show what is in scope, and run a flat number of queries
within ``services/tests/budgets.py``.

The world is ``build_city``: community 甲 (``w.a``) is the user's, community 乙 (``w.b``) is not.
Lists mix requests waiting and dispatched to each kind of assignee (a member, a grid
worker, a volunteer team), so every join of the assignee is on the page.
"""
import itertools

import pytest
from django.urls import reverse_lazy

from dangjian.testing import api_client, query_count
from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.grants.choices import Role
from organizations.tests.factories import MemberFactory, user_with
from services.requests import actions
from services.requests.choices import RequestStatus
from services.requests.models import RequestCategory, RequestEvent
from services.requests.tests.test_support import accepted_by_member, dispatched_to_member, member_user, order, team, worker
from services.tests.budgets import BUDGETS
from services.tests.factories import CityWorld


class RequestWorld(CityWorld):
    """Assignees in 甲: a member with an account (``self.member``), a grid worker, a team."""

    @pytest.fixture(autouse=True)
    def _assignees(self, _world):
        a = self.w.a
        self.member = member_user(a.members[0])
        self.worker = worker(a)
        self.team = team(a, [a.members[1]])
        self._targets = itertools.cycle(({}, {"member": self.member.member}, {"worker": self.worker}, {"team": self.team}))

    def any_request(self, community):
        """A new request of ``community``: waiting, or dispatched to the member, the worker, the team (in turn)."""
        req = order(community)
        target = next(self._targets)
        return actions.request_dispatch(actor=self.cadre, request=req, **target) if target else req


# --------------------------------------------------------------------------- API
class TestServiceRequestApi(RequestWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/requests/"
    detail_url = by_pk("service-request-detail")
    list_budget = BUDGETS["service-request-list"]
    detail_budget = BUDGETS["service-request-detail"]

    def make_in_scope(self):
        return self.any_request(self.w.a)

    def make_out_of_scope(self):
        return order(self.w.b)


# --------------------------------------------------------------------------- pages
class TestRequestListPage(RequestWorld, PageListContract):
    list_url = reverse_lazy("requests:list")
    detail_url = by_pk("requests:detail")
    list_budget = BUDGETS["requests:list"]

    @pytest.fixture
    def user_without_permission(self):
        """A plain party member has no request list (their tasks are under “我的任务”): 403."""
        return self.member

    def make_in_scope(self):
        return self.any_request(self.w.a)

    def make_out_of_scope(self):
        return order(self.w.b)


class TestRequestDetailPage(RequestWorld, PageDetailContract):
    """A dispatched request: the page offers the community's teams, workers and members to re-dispatch to."""

    detail_url = by_pk("requests:detail")
    detail_budget = BUDGETS["requests:detail"]

    def make_in_scope(self):
        return dispatched_to_member(self.w.a, self.member, by=self.cadre)

    def make_out_of_scope(self):
        return order(self.w.b)

    def make_related(self, req):
        """One more of what the page shows: an event, and a team, a grid worker and a member account to dispatch to."""
        a = self.w.a
        RequestEvent.objects.create(request=req, actor=self.cadre, from_status=RequestStatus.DISPATCHED,
                                    to_status=RequestStatus.DISPATCHED, note="已电话联系居民")
        team(a, [a.members[0], a.members[1]])
        worker(a)
        member_user(MemberFactory(organization=a.branch, residence=a.building))


class TestMyTasksPage(RequestWorld, PageListContract):
    """The requests dispatched to the member, never those dispatched to someone else."""

    list_url = reverse_lazy("requests:my_tasks")
    detail_url = by_pk("requests:detail")
    list_budget = BUDGETS["requests:my_tasks"]

    @pytest.fixture
    def user_in_scope(self):
        return self.member

    @pytest.fixture(autouse=True)
    def _other(self, _assignees):
        self.other = member_user(self.w.a.members[1])
        self._mine = itertools.cycle((dispatched_to_member, accepted_by_member))

    def make_in_scope(self):
        return next(self._mine)(self.w.a, self.member, by=self.cadre)

    def make_out_of_scope(self):
        return dispatched_to_member(self.w.a, self.other, by=self.cadre)


class VolunteerTeams(RequestWorld):
    def make_in_scope(self):
        a = self.w.a
        return team(a, [a.members[0], a.members[1]], leader=a.members[0])

    def make_out_of_scope(self):
        return team(self.w.b, [self.w.b.members[0]])


class TestVolunteerTeamListPage(VolunteerTeams, PageListContract):
    list_url = reverse_lazy("requests:team_list")
    detail_url = by_pk("requests:team_edit")
    list_budget = BUDGETS["requests:team_list"]

    @pytest.fixture
    def user_without_permission(self):
        """A plain party member sees no teams: 403."""
        return self.member


class TestVolunteerTeamPage(VolunteerTeams, PageDetailContract):
    """A team's page is its form (``team_edit``)."""

    detail_url = by_pk("requests:team_edit")
    detail_budget = BUDGETS["requests:team_edit"]

    @pytest.fixture
    def user_without_permission(self):
        """A grid worker (网格员) of 甲 sees the community's teams but may not keep them: 403."""
        return user_with(Role.GRID, self.w.a.area)

    def make_related(self, t):
        """One more member of the team (and of the community the form offers)."""
        a = self.w.a
        t.members.add(MemberFactory(organization=a.branch, residence=a.building))


# --------------------------------------------------------------------------- public
def test_request_category_api_query_counts_flat(db):
    """``/api/request-categories/`` is public data (no scope, so no contract): the list runs as
    many queries with more categories, the list and a category within their budgets."""
    client = api_client()
    client.get("/api/request-categories/")
    few = query_count(client, "/api/request-categories/")
    for i in range(5):
        RequestCategory.objects.create(code=f"extra-{i}", name=f"其他类{i}", response_minutes=60, resolve_minutes=600)
    assert len(client.get("/api/request-categories/").json()) == RequestCategory.objects.filter(is_active=True).count()
    assert query_count(client, "/api/request-categories/") == few <= BUDGETS["request-category-list"]
    one = RequestCategory.objects.get(code="general")
    assert query_count(client, f"/api/request-categories/{one.pk}/") <= BUDGETS["request-category-detail"]
