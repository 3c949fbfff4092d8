"""The list and detail contracts of the roles pages and API: refused when not permitted, 404
out of scope as for missing, in scope visible, query count flat and within
``organizations/tests/budgets.py``.  The cadre in scope is the street's (兴东街道); out of
scope is a community of another street."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse, reverse_lazy

from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.roles import actions
from organizations.roles.choices import LinkKind
from organizations.roles.models import Position
from organizations.roles.tests.worlds import RolesWorld, today
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import AreaFactory, PartyOrgFactory, build_community, user_with

pytestmark = pytest.mark.django_db


class ContractWorld(RolesWorld):
    @pytest.fixture(autouse=True)
    def _far(self, _world):
        street = AreaFactory(name="远方街道", level=AreaLevel.STREET, parent=self.w.district)
        org = PartyOrgFactory(name="远方街道党工委", kind=OrgKind.WORKING_COMMITTEE, category=OrgCategory.STREET,
                              area=street, parent=self.w.city_org)
        self.far = build_community(street, org, "丙")

    @pytest.fixture
    def user_in_scope(self):
        return self.street


# ------------------------------------------------------------------------- pages
class TestAreaPage(ContractWorld, PageListContract):
    list_budget = BUDGETS["organizations:roles_area"]

    @property
    def list_url(self):
        return reverse("organizations:roles_area", args=[self.w.street.pk])

    def make_in_scope(self):
        return AreaFactory(level=AreaLevel.COMMUNITY, parent=self.w.street)

    def make_out_of_scope(self):
        return self.far.area


class CrossRows:
    def cross_in(self, community):
        member = self.person(community)
        self.party_post(community, member)
        return self.owners_post(community, member)


class TestCrossPage(ContractWorld, CrossRows, PageListContract):
    list_budget = BUDGETS["organizations:roles_cross"]

    @property
    def list_url(self):
        return reverse("organizations:roles_cross", args=[self.w.street.pk])

    def make_in_scope(self):
        return self.cross_in(self.w.a)

    def make_out_of_scope(self):
        return self.cross_in(self.far)


class TestPositionsPage(ContractWorld, CrossRows, PageListContract):
    list_url = reverse_lazy("organizations:roles_positions")
    list_budget = BUDGETS["organizations:roles_positions"]

    def make_in_scope(self):
        return self.owners_post(self.w.b, self.person(self.w.b))

    def make_out_of_scope(self):
        return self.owners_post(self.far, self.person(self.far))


def org_ending_soon(community):
    compound = AreaFactory(level=AreaLevel.COMPOUND, parent=community.area)
    t = today()
    return PartyOrgFactory(area=compound, parent=community.committee, term_years=3,
                           term_started_on=date(t.year - 3, t.month, min(t.day, 28)))


class TestTermsPage(ContractWorld, PageListContract):
    list_url = reverse_lazy("organizations:roles_terms")
    list_budget = BUDGETS["organizations:roles_terms"]

    def make_in_scope(self):
        return org_ending_soon(self.w.a)

    def make_out_of_scope(self):
        return org_ending_soon(self.far)


class Links:
    def link_in(self, community):
        return actions.link_create(actor=self.writer, community=community.area, kind=LinkKind.LIAISON,
                                   leader_name="王明", leader_post="区委常委", year=today().year,
                                   required_days=Decimal("14"))


class TestLeadersPage(ContractWorld, Links, PageListContract):
    list_url = reverse_lazy("organizations:roles_leaders")
    list_budget = BUDGETS["organizations:roles_leaders"]

    def make_in_scope(self):
        return self.link_in(self.w.a)

    def make_out_of_scope(self):
        return self.link_in(self.far)


class TestLeaderDetailPage(ContractWorld, Links, PageDetailContract):
    detail_url = by_pk("organizations:roles_leader_detail")
    detail_budget = BUDGETS["organizations:roles_leader_detail"]

    def make_in_scope(self):
        return self.link_in(self.w.a)

    def make_out_of_scope(self):
        return self.link_in(self.far)

    def make_related(self, obj):
        actions.visit_record(actor=self.writer, link=obj, on=obj.starts_on, days=Decimal("0.5"))


# ---------------------------------------------------------------------------- API
class ApiWorld(ContractWorld):
    @pytest.fixture
    def user_without_permission(self):
        return None  # a grid worker sees no row: tested below

    def test_grid_worker_sees_none(self):
        from dangjian.testing.clients import api_client, ids

        self.make_in_scope()
        assert ids(api_client(user_with(Role.GRID, self.w.a.area)).get(str(self.list_url))) == set()


class TestPositionApi(ApiWorld, CrossRows, ApiListContract, ApiDetailContract):
    list_url = "/api/positions/"
    detail_url = by_pk("position-detail")
    list_budget = BUDGETS["position-list"]
    detail_budget = BUDGETS["position-detail"]

    def make_in_scope(self):
        return self.cross_in(self.w.a)

    def make_out_of_scope(self):
        return self.cross_in(self.far)


class TestLeaderLinkApi(ApiWorld, Links, ApiListContract, ApiDetailContract):
    list_url = "/api/leader-links/"
    detail_url = by_pk("leader-link-detail")
    list_budget = BUDGETS["leader-link-list"]
    detail_budget = BUDGETS["leader-link-detail"]

    def make_in_scope(self):
        return self.link_in(self.w.a)

    def make_out_of_scope(self):
        return self.link_in(self.far)


class TestTermReminderApi(ApiWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/term-reminders/"
    detail_url = by_pk("term-reminder-detail")
    list_budget = BUDGETS["term-reminder-list"]
    detail_budget = BUDGETS["term-reminder-detail"]

    def make_in_scope(self):
        return org_ending_soon(self.w.a)

    def make_out_of_scope(self):
        return org_ending_soon(self.far)


def test_position_rows_carry_no_personal_data():
    fields = {f.name for f in Position._meta.get_fields()}
    assert not {"phone", "id_number"} & fields
