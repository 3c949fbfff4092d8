"""The contracts (dangjian.testing.contracts) of the 账号管理 pages: refused to a community
cadre (403) and to anonymous callers, an account of another street is never listed and its
page is 404 like a missing one, query counts flat with more accounts, grants and audit rows."""
import itertools

import pytest
from django.urls import reverse_lazy

from dangjian.audit import record
from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.grants.choices import Role
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import grant, user_with

_serial = itertools.count(1)


class StaffWorld:
    @pytest.fixture(autouse=True)
    def _world(self, world):
        self.w = world

    @pytest.fixture
    def user_in_scope(self):
        return self.w.street

    @pytest.fixture
    def user_without_permission(self):
        return user_with(Role.COMMUNITY, self.w.c.a.area)

    def make_in_scope(self):
        """A grid worker of 甲 who also holds an organization grant (both nodes are read)."""
        account = user_with(Role.GRID, self.w.c.a.compound, f"in-{next(_serial)}")
        grant(account, Role.MEMBER, self.w.c.a.branch)
        return account

    def make_out_of_scope(self):
        return user_with(Role.COMMUNITY, self.w.other.area, f"out-{next(_serial)}")


class TestAccountPages(StaffWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("organizations:account_list")
    detail_url = by_pk("organizations:account_detail")
    list_budget = BUDGETS["organizations:account_list"]
    detail_budget = BUDGETS["organizations:account_detail"]

    def make_related(self, account):
        """Another grant (at an area and at an organization) and an audit row about the account."""
        grant(account, Role.MEMBER, self.w.c.a.building)
        grant(account, Role.MEMBER, self.w.c.a.group)
        record(self.w.street, "account.grant", account, {"role": Role.MEMBER, "node": self.w.c.a.building.name})


class TestAccountApi(StaffWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/auth/accounts/"
    detail_url = by_pk("account-detail")
    list_budget = BUDGETS["account-list"]
    detail_budget = BUDGETS["account-detail"]

    def make_related(self, account):
        grant(account, Role.MEMBER, self.w.c.a.building)
        grant(account, Role.MEMBER, self.w.c.a.group)
