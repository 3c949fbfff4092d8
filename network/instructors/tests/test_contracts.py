"""List and detail contracts of the instructors' pages and API (dangjian.testing.contracts):
refused when not permitted, 404 out of scope as for missing, query count flat, within
``network/tests/budgets.py``.  Community 甲's cadre; out of scope: the other city's."""
from datetime import date

import pytest
from django.urls import reverse

from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from network.instructors.models import InstructorVisit
from network.instructors.tests.support import assign, instructor, unit
from network.tests.budgets import BUDGETS
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with


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
        return instructor(self.w.a.area)

    def make_out_of_scope(self):
        return instructor(self.far.a.area)

    def make_related(self, obj):
        a = assign(obj, unit(self.w.a, party_org=self.w.a.branch), started_on=date(2025, 1, 1))
        return InstructorVisit.objects.create(assignment=a, visited_on=date(2025, 2, 1), kind="policy", note="宣讲")


class TestInstructorListPage(World, PageListContract):
    list_url = "/network/instructors/"
    list_budget = BUDGETS["instructors:list"]
    detail_url = by_pk("instructors:detail")


class TestInstructorDetailPage(World, PageDetailContract):
    detail_url = by_pk("instructors:detail")
    detail_budget = BUDGETS["instructors:detail"]


class TestBehindPage(World, PageListContract):
    list_url = "/network/instructors/behind/"
    list_budget = BUDGETS["instructors:behind"]

    def make_in_scope(self):
        return assign(instructor(self.w.a.area), unit(self.w.a), started_on=date(2025, 1, 1))

    def make_out_of_scope(self):
        return assign(instructor(self.far.a.area), unit(self.far.a), started_on=date(2025, 1, 1))


class TestCoveragePage(World, PageDetailContract):
    detail_url = staticmethod(lambda area: reverse("instructors:coverage", args=[area.pk]))
    detail_budget = BUDGETS["instructors:coverage"]

    def make_in_scope(self):
        return self.w.a.area

    def make_out_of_scope(self):
        return self.far.a.area

    def make_related(self, area):
        return assign(instructor(area), unit(area))


class TestInstructorApi(World, ApiListContract, ApiDetailContract):
    list_url = "/api/instructors/"
    detail_url = by_pk("instructor-detail")
    list_budget = BUDGETS["instructor-list"]
    detail_budget = BUDGETS["instructor-detail"]

    @pytest.fixture
    def user_without_permission(self):
        return None  # reads are scoped for every signed-in user


class TestInstructorVisitApi(World, ApiListContract, ApiDetailContract):
    list_url = "/api/instructor-visits/"
    detail_url = by_pk("instructor-visit-detail")
    list_budget = BUDGETS["instructor-visit-list"]
    detail_budget = BUDGETS["instructor-visit-detail"]

    @pytest.fixture
    def user_without_permission(self):
        return None

    def make_in_scope(self):
        return World.make_related(self, instructor(self.w.a.area))

    def make_related(self, visit):
        return InstructorVisit.objects.create(assignment=visit.assignment, visited_on=date(2025, 3, 1), kind="other")

    def make_out_of_scope(self):
        a = assign(instructor(self.far.a.area), unit(self.far.a))
        return InstructorVisit.objects.create(assignment=a, visited_on=date(2025, 2, 1), kind="policy")
