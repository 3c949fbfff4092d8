"""Contracts of every designations endpoint: the list, detail and per-area count pages and
the API — refused without permission, 404 out of scope as for missing, flat in queries."""
import pytest
from django.urls import reverse_lazy

from dangjian.testing.contracts import (
    ApiDetailContract,
    ApiListContract,
    PageDetailContract,
    PageListContract,
    by_pk,
)
from network.designations.choices import DesignationKind
from network.tests.budgets import BUDGETS
from network.tests.factories import centre_at, designation_of
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.tests.factories import AreaFactory, PartyOrgFactory, user_with

NON_READERS = (Role.GRID, Role.MEMBER)


class DesignationWorld:
    n = 0

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
        """By turns: a branch, a compound, a centre of 甲."""
        type(self).n += 1
        compound = AreaFactory(level=AreaLevel.COMPOUND, parent=self.w.a.area)
        if self.n % 3 == 0:
            return designation_of(PartyOrgFactory(area=compound, parent=self.w.a.committee))
        if self.n % 3 == 1:
            return designation_of(compound, kind=DesignationKind.OTHER)
        return designation_of(centre_at(compound))

    def make_out_of_scope(self):
        return designation_of(PartyOrgFactory(area=self.w.b.compound, parent=self.w.b.committee))


class TestDesignationPages(DesignationWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("designations:list")
    detail_url = by_pk("designations:detail")
    list_budget = BUDGETS["designations:list"]
    detail_budget = BUDGETS["designations:detail"]


class TestDesignationApi(DesignationWorld, ApiListContract, ApiDetailContract):
    list_url = reverse_lazy("designation-list")
    detail_url = by_pk("designation-detail")
    list_budget = BUDGETS["designation-list"]
    detail_budget = BUDGETS["designation-detail"]

    @pytest.fixture
    def user_without_permission(self):
        return None  # every signed-in role reads the designations of its subtree


class TestCountsPage(DesignationWorld, PageDetailContract):
    """The counts of an area (compounds of 甲 and 乙); more rows are more buildings, each designated."""

    detail_url = by_pk("designations:counts")
    detail_budget = BUDGETS["designations:counts"]

    def make_in_scope(self):
        return AreaFactory(level=AreaLevel.COMPOUND, parent=self.w.a.area)

    def make_out_of_scope(self):
        return AreaFactory(level=AreaLevel.COMPOUND, parent=self.w.b.area)

    def make_related(self, compound):
        return designation_of(AreaFactory(level=AreaLevel.BUILDING, parent=compound), kind=DesignationKind.OTHER)
