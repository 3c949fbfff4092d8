"""The list and detail contracts (dangjian.testing.contracts) of 吹哨报到: the whistle and
department APIs and pages, a department's inbox and a resident unit's accounts refuse who may
not open them, answer 404 out of scope as for a missing row, show what is in scope, and run
a flat number of queries within ``services/tests/budgets.py``.

The world is ``build_world`` (``test_support``): two communities of one street with the
district's and the street's departments, a resident unit in each community and responder
accounts.  Each class's user is the one the page is for; what is out of scope lies in a
second world (another city) when the user's scope is the whole street or district.
"""
import itertools

import pytest
from django.urls import reverse_lazy

from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.grants.choices import Role
from organizations.tests.factories import ResidentUnitFactory, user_with
from services.tests.budgets import BUDGETS
from services.whistles import actions as whistle_actions
from services.whistles.models import Department, WhistleTarget
from services.whistles.tests.test_support import build_world, responder, target_of, whistle

_serial = itertools.count(1)


class WhistleWorld:
    """``self.w``: the world in scope; ``self.far``: another city's world, out of everyone's scope."""

    @pytest.fixture(autouse=True)
    def _world(self, db):
        self.w = build_world()
        self.far = build_world()

    def new_whistle(self, w=None):
        """A whistle of community a to two departments and its resident unit."""
        w = w or self.w
        return whistle(w, title=f"事项{next(_serial)}", departments=[w.housing, w.urban], units=[w.unit_a])

    def new_department(self, w=None):
        w = w or self.w
        return Department.objects.create(name=f"部门{next(_serial)}", area=w.c.district)


# --------------------------------------------------------------------------- API
class TestWhistleApi(WhistleWorld, ApiListContract, ApiDetailContract):
    """A street cadre (街道) sees the whistles of the street's communities."""

    list_url = "/api/whistles/"
    detail_url = by_pk("whistle-detail")
    list_budget = BUDGETS["whistle-list"]
    detail_budget = BUDGETS["whistle-detail"]

    @pytest.fixture
    def user_in_scope(self):
        return self.w.street_cadre

    def make_in_scope(self):
        return self.new_whistle()

    def make_out_of_scope(self):
        return self.new_whistle(self.far)

    def make_related(self, wh):
        """One more target, reported in by its department (a target row and an event)."""
        dept = self.new_department()
        target = WhistleTarget.objects.create(whistle=wh, department=dept)
        whistle_actions.whistle_report_in(actor=responder(dept), target=target, note="已派人到场")


class TestDepartmentApi(WhistleWorld, ApiListContract, ApiDetailContract):
    """The district's cadre (区委组织部) sees the district's departments."""

    list_url = "/api/departments/"
    detail_url = by_pk("department-detail")
    list_budget = BUDGETS["department-list"]
    detail_budget = BUDGETS["department-detail"]

    @pytest.fixture
    def user_in_scope(self):
        return self.w.district_cadre

    def make_in_scope(self):
        return self.new_department()

    def make_out_of_scope(self):
        return self.new_department(self.far)


# --------------------------------------------------------------------------- pages
class TestWhistleListPage(WhistleWorld, PageListContract):
    """A street cadre's list: the whistles of the street's communities."""

    list_url = reverse_lazy("whistles:list")
    detail_url = by_pk("whistles:detail")
    list_budget = BUDGETS["whistles:list"]

    @pytest.fixture
    def user_in_scope(self):
        return self.w.street_cadre

    @pytest.fixture
    def user_without_permission(self):
        """A plain member's grant (党员) reads no whistles: 403."""
        return user_with(Role.MEMBER, self.w.c.a.area)

    def make_in_scope(self):
        return self.new_whistle()

    def make_out_of_scope(self):
        return self.new_whistle(self.far)


class TestWhistleDetailPage(WhistleWorld, PageDetailContract):
    """A whistle's page for the community cadre who whistled: every target with its progress, the events."""

    detail_url = by_pk("whistles:detail")
    detail_budget = BUDGETS["whistles:detail"]

    @pytest.fixture
    def user_in_scope(self):
        return self.w.cadre_a

    def make_in_scope(self):
        return self.new_whistle()

    def make_out_of_scope(self):
        return whistle(self.w, actor=self.w.cadre_b, area=self.w.c.b.area, title="乙社区路灯")

    def make_related(self, wh):
        """One more target, reported in by its department (a target row and an event)."""
        dept = self.new_department()
        target = WhistleTarget.objects.create(whistle=wh, department=dept)
        whistle_actions.whistle_report_in(actor=responder(dept), target=target, note="已派人到场")


class TestInboxPage(WhistleWorld, PageListContract):
    """A department's account sees the targets sent to its department, never another department's."""

    list_url = reverse_lazy("whistles:inbox")
    list_budget = BUDGETS["whistles:inbox"]

    @pytest.fixture
    def user_in_scope(self):
        return self.w.housing_user

    @pytest.fixture
    def user_without_permission(self):
        """A community cadre answers for no department or unit: 403."""
        return self.w.cadre_a

    def make_in_scope(self):
        return target_of(whistle(self.w, title=f"事项{next(_serial)}", departments=[self.w.housing]), self.w.housing)

    def make_out_of_scope(self):
        return target_of(whistle(self.w, title=f"事项{next(_serial)}", departments=[self.w.urban]), self.w.urban)


class TestDepartmentPages(WhistleWorld, PageListContract, PageDetailContract):
    """The district's departments and a department's page with its accounts, for the district's cadre."""

    list_url = reverse_lazy("whistles:departments")
    detail_url = by_pk("whistles:department")
    list_budget = BUDGETS["whistles:departments"]
    detail_budget = BUDGETS["whistles:department"]

    @pytest.fixture
    def user_in_scope(self):
        return self.w.district_cadre

    @pytest.fixture
    def user_without_permission(self):
        """A community cadre sees the district's departments (to whistle to) but does not keep them: 403."""
        return self.w.cadre_a

    def make_in_scope(self):
        return self.new_department()

    def make_out_of_scope(self):
        return self.new_department(self.far)

    def make_related(self, dept):
        """One more account of the department."""
        return responder(dept)


class TestUnitAccountsPage(WhistleWorld, PageDetailContract):
    """A resident unit's 报到账号 (``unit_responders``), for a street cadre."""

    detail_url = by_pk("whistles:unit_responders")
    detail_budget = BUDGETS["whistles:unit_responders"]

    @pytest.fixture
    def user_in_scope(self):
        return self.w.street_cadre

    def make_in_scope(self):
        return ResidentUnitFactory(name=f"甲社区单位{next(_serial)}", community=self.w.c.a.area)

    def make_out_of_scope(self):
        return ResidentUnitFactory(name=f"远方单位{next(_serial)}", community=self.far.c.a.area)

    def make_related(self, unit):
        """One more account of the unit."""
        return responder(unit=unit)
