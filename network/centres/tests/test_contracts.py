"""Contracts (dangjian.testing.contracts) of every centres endpoint: the staff list, detail
and coverage pages and the API — refused without permission, 404 out of scope as for
missing, flat in queries and within ``network/tests/budgets.py``."""
import pytest
from django.urls import reverse, reverse_lazy

from dangjian.testing.contracts import (
    ApiDetailContract,
    ApiListContract,
    PageDetailContract,
    PageListContract,
    by_pk,
)
from network.tests.budgets import BUDGETS
from network.tests.factories import centre_at
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.tests.factories import AreaFactory, PartyOrgFactory, user_with

NON_READERS = (Role.GRID, Role.MEMBER)


class CentreWorld:
    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = city

    @pytest.fixture
    def user_in_scope(self):
        return user_with(Role.COMMUNITY, self.w.a.area)

    @pytest.fixture(params=NON_READERS)
    def user_without_permission(self, request):
        return user_with(request.param, self.w.a.area)

    def make_in_scope(self):
        compound = AreaFactory(level=AreaLevel.COMPOUND, parent=self.w.a.area)
        return centre_at(compound, runner=PartyOrgFactory(area=compound))

    def make_out_of_scope(self):
        return centre_at(AreaFactory(level=AreaLevel.COMPOUND, parent=self.w.b.area))


class TestCentrePages(CentreWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("centres:list")
    detail_url = by_pk("centres:detail")
    list_budget = BUDGETS["centres:list"]
    detail_budget = BUDGETS["centres:detail"]


class TestCentreApi(CentreWorld, ApiListContract, ApiDetailContract):
    list_url = reverse_lazy("service-centre-list")
    detail_url = by_pk("service-centre-detail")
    list_budget = BUDGETS["service-centre-list"]
    detail_budget = BUDGETS["service-centre-detail"]

    @pytest.fixture
    def user_without_permission(self):
        return None  # every signed-in role reads the centres of its subtree


class TestCoveragePage(CentreWorld, PageDetailContract):
    """The coverage of an area (here compounds of 甲 and 乙); more rows are more buildings, each
    with a compound station on its compound's sibling."""

    detail_url = by_pk("centres:coverage")
    detail_budget = BUDGETS["centres:coverage"]

    def make_in_scope(self):
        return AreaFactory(level=AreaLevel.COMPOUND, parent=self.w.a.area)

    def make_out_of_scope(self):
        return AreaFactory(level=AreaLevel.COMPOUND, parent=self.w.b.area)

    def make_related(self, compound):
        AreaFactory(level=AreaLevel.BUILDING, parent=compound)
        return centre_at(compound)


class TestCoverageOfAStreet(CentreWorld, PageDetailContract):
    """A street's table: more rows are more communities, each with its station."""

    detail_url = by_pk("centres:coverage")
    detail_budget = BUDGETS["centres:coverage"]

    @pytest.fixture
    def user_in_scope(self):
        return user_with(Role.DISTRICT, self.w.district)

    def make_in_scope(self):
        return AreaFactory(level=AreaLevel.STREET, parent=self.w.district)

    def make_out_of_scope(self):
        other = AreaFactory(level=AreaLevel.DISTRICT, parent=self.w.city)
        return AreaFactory(level=AreaLevel.STREET, parent=other)

    def make_related(self, street):
        return centre_at(AreaFactory(level=AreaLevel.COMMUNITY, parent=street))


def test_the_coverage_export_is_scoped(city, client):
    from dangjian.testing.clients import logged_in

    cadre = logged_in(user_with(Role.COMMUNITY, city.a.area))
    assert cadre.get(reverse("centres:coverage_export", args=[city.a.area.pk])).status_code == 200
    assert cadre.get(reverse("centres:coverage_export", args=[city.b.area.pk])).status_code == 404
