"""List and detail contracts of the temporary branches' pages and API."""
from datetime import date

import pytest

from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.grants.choices import Role
from organizations.temporary.tests.support import branch, second
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import MemberFactory, build_city, user_with


class World:
    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = city
        self.far = build_city()

    @pytest.fixture
    def user_in_scope(self):
        return user_with(Role.COMMUNITY, self.w.a.area)

    @pytest.fixture
    def user_without_permission(self):
        return user_with(Role.GRID, self.w.a.area)

    def make_in_scope(self):
        return branch(self.w.a.committee)

    def make_out_of_scope(self):
        return branch(self.far.a.committee)

    def make_related(self, obj):
        return second(obj, MemberFactory(organization=self.w.a.branch, residence=self.w.a.building),
                      started_on=date(2025, 4, 1))


class TestTemporaryListPage(World, PageListContract):
    list_url = "/org/temporary/"
    list_budget = BUDGETS["organizations:temporary_list"]
    detail_url = by_pk("organizations:temporary_detail")


class TestTemporaryDetailPage(World, PageDetailContract):
    detail_url = by_pk("organizations:temporary_detail")
    detail_budget = BUDGETS["organizations:temporary_detail"]


class TestTemporaryApi(World, ApiListContract, ApiDetailContract):
    list_url = "/api/temporary-branches/"
    detail_url = by_pk("temporary-branch-detail")
    list_budget = BUDGETS["temporary-branch-list"]
    detail_budget = BUDGETS["temporary-branch-detail"]

    @pytest.fixture
    def user_without_permission(self):
        return None
