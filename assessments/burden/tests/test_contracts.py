"""List and detail contracts of the burden meter (pages and API): refused when not permitted,
404 out of scope as for missing, flat query counts within ``assessments/tests/budgets.py``.
A street cadre is in scope; the communities of another city's street are not."""
import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.burden.tests.support import scored, tally
from assessments.tests.budgets import BUDGETS
from dangjian.testing.contracts import ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.tests.factories import AreaFactory, build_city, user_with

ROLES_WITHOUT_THE_METER = (Role.MEMBER, Role.DEPARTMENT, Role.GRID)


class BurdenWorld:
    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = city
        self.street_cadre = user_with(Role.STREET, city.street)
        self._other = None

    @pytest.fixture
    def user_in_scope(self):
        return self.street_cadre

    @pytest.fixture(params=ROLES_WITHOUT_THE_METER)
    def user_without_permission(self, request):
        return user_with(request.param, self.w.a.compound if request.param == Role.GRID else self.w.a.area)

    def _community(self, street):
        community = AreaFactory(level=AreaLevel.COMMUNITY, parent=street)
        self.make_related(community)
        return community

    def make_in_scope(self):
        return self._community(self.w.street)

    def make_out_of_scope(self):
        if self._other is None:
            self._other = build_city()
        return self._community(self._other.street)

    def make_related(self, community):
        """A month's records of the community: a form saved by its cadre, a score computed."""
        now = timezone.now()
        tally(user_with(Role.COMMUNITY, community), 3, at=now)
        scored(community, now, computed=2, manual=1)
        return community


class TestBurdenPages(BurdenWorld, PageListContract, PageDetailContract):
    detail_url = by_pk("burden:community")
    list_budget = BUDGETS["burden:area"]
    detail_budget = BUDGETS["burden:community"]

    @property
    def list_url(self):
        return reverse("burden:area", args=[self.w.street.pk])


class TestBurdenApi(BurdenWorld, ApiListContract):
    list_url = "/api/burden/"
    list_budget = BUDGETS["burden-list"]

    def listed(self, response):
        assert response.status_code == 200, response.content[:500]
        return {row["community"] for row in response.json()["results"]}
