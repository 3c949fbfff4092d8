"""Contracts (dangjian.testing.contracts) of 经费: the allocation and spending pages and API
refuse who may not open them, answer 404 out of scope as for a missing row, list what is in
scope, and run a flat number of queries within ``network/tests/budgets.py``.  The cadre of
community 甲 is in scope (its branch's and community's funds); community 乙's are not."""
import itertools
from datetime import date
from decimal import Decimal

import pytest

from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from network.funds import actions
from network.tests.budgets import BUDGETS
from network.tests.factories import allocation
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import PartyOrgFactory, user_with

_serial = itertools.count(1)
PURPOSES = ("org_work", "member_education", "other")


class FundWorld:
    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = city
        self.street_cadre = user_with(Role.STREET, city.street)
        self.cadre = user_with(Role.COMMUNITY, city.a.area)

    @pytest.fixture
    def user_in_scope(self):
        return self.cadre

    @pytest.fixture
    def user_without_permission(self):
        return user_with(Role.GRID, self.w.a.area)

    def _branch(self, c):
        return PartyOrgFactory(name=f"{c.area.name}第{next(_serial)}支部", kind=OrgKind.BRANCH,
                               category=OrgCategory.COMPOUND, area=c.compound, parent=c.committee)

    def make_in_scope(self):
        return allocation(self.street_cadre, org=self._branch(self.w.a), amount=Decimal("6000.00"))

    def make_out_of_scope(self):
        return allocation(self.street_cadre, org=self._branch(self.w.b), amount=Decimal("6000.00"))

    def make_related(self, a):
        return actions.spending_record(actor=self.cadre, allocation=a, spent_on=date.today(), category="activity",
                                       amount=Decimal("10.00"), description="购买学习资料")


class TestAllocationPages(FundWorld, PageListContract, PageDetailContract):
    list_url = "/network/funds/"
    detail_url = by_pk("funds:allocation_detail")
    list_budget = BUDGETS["funds:allocations"]
    detail_budget = BUDGETS["funds:allocation_detail"]


class TestAllocationApi(FundWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/fund-allocations/"
    detail_url = by_pk("fund-allocation-detail")
    list_budget = BUDGETS["fund-allocation-list"]
    detail_budget = BUDGETS["fund-allocation-detail"]

    @pytest.fixture
    def user_without_permission(self):
        return None


class SpendingWorld(FundWorld):
    @pytest.fixture(autouse=True)
    def _fund(self, _world):
        self.fund = allocation(self.street_cadre, area=self.w.a.area, purpose="community_service",
                               amount=Decimal("100000.00"))
        self.far = allocation(self.street_cadre, area=self.w.b.area, purpose="community_service",
                              amount=Decimal("100000.00"))

    def _spend(self, a, actor):
        return actions.spending_record(actor=actor, allocation=a, spent_on=date.today(), category="relief",
                                       amount=Decimal("100.00"), description=f"慰问困难党员{next(_serial)}")

    def make_in_scope(self):
        return self._spend(self.fund, self.cadre)

    def make_out_of_scope(self):
        return self._spend(self.far, self.street_cadre)

    def make_related(self, s):
        return None


class TestSpendingPages(SpendingWorld, PageListContract, PageDetailContract):
    list_url = "/network/funds/spending/"
    detail_url = by_pk("funds:spending_detail")
    list_budget = BUDGETS["funds:spendings"]
    detail_budget = BUDGETS["funds:spending_detail"]


class TestSpendingApi(SpendingWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/fund-spendings/"
    detail_url = by_pk("fund-spending-detail")
    list_budget = BUDGETS["fund-spending-list"]
    detail_budget = BUDGETS["fund-spending-detail"]

    @pytest.fixture
    def user_without_permission(self):
        return None
