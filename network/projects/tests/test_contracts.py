"""Contracts (dangjian.testing.contracts) of 项目化服务: the project and brand pages and API
refuse who may not open them, answer 404 out of scope as for a missing row, list what is in
scope, and run a flat number of queries within ``network/tests/budgets.py``.  The cadre of
community 甲 is in scope; community 乙 is not."""
import itertools

import pytest

from assessments.tests.factories import activity
from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from network.projects import actions
from network.tests.budgets import BUDGETS
from network.tests.factories import project
from organizations.grants.choices import Role
from organizations.tests.factories import user_with
from services.tests.factories import submit

_serial = itertools.count(1)


class ProjectWorld:
    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = city
        self.cadre = user_with(Role.COMMUNITY, city.a.area)
        self.other = user_with(Role.COMMUNITY, city.b.area)

    @pytest.fixture
    def user_in_scope(self):
        return self.cadre

    @pytest.fixture
    def user_without_permission(self):
        return user_with(Role.GRID, self.w.a.area)

    def make_in_scope(self):
        return project(self.cadre, self.w.a, title=f"项目{next(_serial)}")

    def make_out_of_scope(self):
        return project(self.other, self.w.b, title=f"乙项目{next(_serial)}")

    def make_related(self, p):
        """One more linked activity (with attendance) and a linked wish."""
        from datetime import date
        act = activity(self.w.a.branch, "branch_general_meeting", date(2026, 5, 8), present=self.w.a.members)
        actions.project_link(actor=self.cadre, project=p, kind="activity", record_id=act.pk)
        wish = submit(self.w.a)
        actions.project_link(actor=self.cadre, project=p, kind="wish", record_id=wish.pk)


class TestProjectPages(ProjectWorld, PageListContract, PageDetailContract):
    list_url = "/network/projects/"
    detail_url = by_pk("projects:detail")
    list_budget = BUDGETS["projects:list"]
    detail_budget = BUDGETS["projects:detail"]


class TestProjectApi(ProjectWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/service-projects/"
    detail_url = by_pk("service-project-detail")
    list_budget = BUDGETS["service-project-list"]
    detail_budget = BUDGETS["service-project-detail"]

    @pytest.fixture
    def user_without_permission(self):
        return None  # the API lists what the caller's scope holds: nothing for other roles


class BrandWorld(ProjectWorld):
    def make_in_scope(self):
        return actions.brand_save(actor=self.cadre, name=f"品牌{next(_serial)}", description="", area=self.w.a.area)

    def make_out_of_scope(self):
        return actions.brand_save(actor=self.other, name=f"乙品牌{next(_serial)}", description="", area=self.w.b.area)

    def make_related(self, brand):
        return project(self.cadre, self.w.a, title=f"项目{next(_serial)}", brand=brand)


class TestBrandPages(BrandWorld, PageListContract, PageDetailContract):
    list_url = "/network/projects/brands/"
    detail_url = by_pk("projects:brand_detail")
    list_budget = BUDGETS["projects:brands"]
    detail_budget = BUDGETS["projects:brand_detail"]


class TestBrandApi(BrandWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/service-brands/"
    detail_url = by_pk("service-brand-detail")
    list_budget = BUDGETS["service-brand-list"]
    detail_budget = BUDGETS["service-brand-detail"]

    @pytest.fixture
    def user_without_permission(self):
        return None
