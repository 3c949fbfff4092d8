"""The list and detail contracts (dangjian.testing.contracts) of the organizations app's API
endpoints and pages: refused when not permitted, 404 out of scope as for missing, in scope
visible, query count flat and within ``budgets.py``.

The world is ``build_city``: community 甲 (``w.a``) is the cadre's, community 乙 (``w.b``)
is not.
"""
import itertools

import pytest
from django.urls import reverse, reverse_lazy

from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import (
    AreaFactory,
    CentralHouseholdFactory,
    MemberFactory,
    PartyOrgFactory,
    ResidentUnitFactory,
    build_community,
    grant,
    user_with,
)

_labels = itertools.count(1)


class CityWorld:
    """The test world on ``self.w`` and a community cadre of 甲 as the user in scope."""

    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = city
        self.cadre = user_with(Role.COMMUNITY, city.a.area)

    @pytest.fixture
    def user_in_scope(self):
        return self.cadre


def new_building(community):
    return AreaFactory(level=AreaLevel.BUILDING, parent=community.compound, households=12)


def new_group(community):
    return PartyOrgFactory(
        kind=OrgKind.GROUP, category=OrgCategory.BUILDING_GROUP, area=community.compound, parent=community.branch
    )


def new_member(community):
    """A member of the community's branch living in a new building of it, working at its committee."""
    return MemberFactory(organization=community.branch, residence=new_building(community), employer_org=community.committee)


def new_household(community):
    member = new_member(community)
    return CentralHouseholdFactory(member=member, building=member.residence)


def new_unit(community):
    return ResidentUnitFactory(community=community.area, party_org=PartyOrgFactory(area=community.area))


# --------------------------------------------------------------------------- API
class TestAreaApi(CityWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/areas/"
    detail_url = by_pk("area-detail")
    list_budget = BUDGETS["area-list"]
    detail_budget = BUDGETS["area-detail"]

    def make_in_scope(self):
        return new_building(self.w.a)

    def make_out_of_scope(self):
        return new_building(self.w.b)


class TestOrgApi(CityWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/orgs/"
    detail_url = by_pk("org-detail")
    list_budget = BUDGETS["org-list"]
    detail_budget = BUDGETS["org-detail"]

    def make_in_scope(self):
        return new_group(self.w.a)

    def make_out_of_scope(self):
        return new_group(self.w.b)


class TestMemberApi(CityWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/members/"
    detail_url = by_pk("member-detail")
    list_budget = BUDGETS["member-list"]
    detail_budget = BUDGETS["member-detail"]

    def make_in_scope(self):
        return new_member(self.w.a)

    def make_out_of_scope(self):
        return new_member(self.w.b)


class TestResidentUnitApi(CityWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/resident-units/"
    detail_url = by_pk("resident-unit-detail")
    list_budget = BUDGETS["resident-unit-list"]
    detail_budget = BUDGETS["resident-unit-detail"]

    def make_in_scope(self):
        return new_unit(self.w.a)

    def make_out_of_scope(self):
        return new_unit(self.w.b)


class TestCentralHouseholdApi(CityWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/central-households/"
    detail_url = by_pk("central-household-detail")
    list_budget = BUDGETS["central-household-list"]
    detail_budget = BUDGETS["central-household-detail"]

    def make_in_scope(self):
        return new_household(self.w.a)

    def make_out_of_scope(self):
        return new_household(self.w.b)


class AreaActionWorld(CityWorld):
    """New compounds with a building each; the related rows are more buildings with a
    resident member, a party group and a central household."""

    def make_in_scope(self):
        return AreaFactory(level=AreaLevel.COMPOUND, parent=self.w.a.area)

    def make_out_of_scope(self):
        return AreaFactory(level=AreaLevel.COMPOUND, parent=self.w.b.area)

    def make_related(self, compound):
        building = AreaFactory(level=AreaLevel.BUILDING, parent=compound, households=12)
        member = MemberFactory(organization=self.w.a.branch, residence=building)
        PartyOrgFactory(kind=OrgKind.GROUP, category=OrgCategory.BUILDING_GROUP, area=building, parent=self.w.a.branch,
                        secretary=member)
        CentralHouseholdFactory(member=member, building=building)
        return building


class TestAreaSummaryApi(AreaActionWorld, ApiDetailContract):
    """``/api/areas/{id}/summary/``: the subtree's figures."""

    detail_budget = BUDGETS["area-summary"]

    @staticmethod
    def detail_url(area):
        return reverse("area-summary", args=[area.pk])


class TestAreaChildrenApi(AreaActionWorld, ApiDetailContract):
    """``/api/areas/{id}/children/``: the children with their subtree counts."""

    detail_budget = BUDGETS["area-children"]

    @staticmethod
    def detail_url(area):
        return reverse("area-children", args=[area.pk])


# --------------------------------------------------------------------------- pages
class TestAreaIndexPage(CityWorld, PageListContract):
    """The index lists the user's top areas (with one only, it redirects there): each
    in-scope row is a community of its own, granted to the cadre besides 甲."""

    list_url = reverse_lazy("organizations:area_index")
    list_context = "areas"
    detail_url = by_pk("organizations:area_detail")
    list_budget = BUDGETS["organizations:area_index"]

    def make_in_scope(self):
        area = build_community(self.w.street, self.w.street_org, f"丙{next(_labels)}").area
        grant(self.cadre, Role.COMMUNITY, area)
        return area

    def make_out_of_scope(self):
        return build_community(self.w.street, self.w.street_org, f"丁{next(_labels)}").area


class TestAreaDetailPage(CityWorld, PageDetailContract):
    detail_url = by_pk("organizations:area_detail")
    detail_budget = BUDGETS["organizations:area_detail"]

    def make_in_scope(self):
        return new_building(self.w.a)

    def make_out_of_scope(self):
        return new_building(self.w.b)

    def make_related(self, building):
        """A resident (a central household), a party group anchored here, an entrance."""
        member = MemberFactory(organization=self.w.a.branch, residence=building)
        CentralHouseholdFactory(member=member, building=building)
        PartyOrgFactory(kind=OrgKind.GROUP, category=OrgCategory.BUILDING_GROUP, area=building, parent=self.w.a.branch)
        AreaFactory(level=AreaLevel.ENTRANCE, parent=building)


class TestOrgPages(CityWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("organizations:org_list")
    detail_url = by_pk("organizations:org_detail")
    list_budget = BUDGETS["organizations:org_list"]
    detail_budget = BUDGETS["organizations:org_detail"]

    def make_in_scope(self):
        return new_group(self.w.a)

    def make_out_of_scope(self):
        return new_group(self.w.b)

    def make_related(self, org):
        """A child organization with a member, and a member of the organization itself."""
        child = PartyOrgFactory(area=org.area, parent=org, kind=OrgKind.GROUP, category=OrgCategory.BUILDING_GROUP)
        MemberFactory(organization=child, residence=self.w.a.building)
        MemberFactory(organization=org, residence=self.w.a.building)


class TestMemberListPage(CityWorld, PageListContract):
    list_url = reverse_lazy("organizations:member_list")
    detail_url = by_pk("organizations:member_detail")
    list_budget = BUDGETS["organizations:member_list"]

    @pytest.fixture
    def user_without_permission(self):
        """A department (职能部门) sees no roster: 403."""
        return user_with(Role.DEPARTMENT, self.w.a.area)

    def make_in_scope(self):
        return new_household(self.w.a).member

    def make_out_of_scope(self):
        return new_member(self.w.b)


class TestMemberDetailPage(CityWorld, PageDetailContract):
    """A member the user may not see is out of scope (404) whatever the role: a department
    gets 404 here, not 403 (test_views_members.test_department_without_member_record_is_refused)."""

    detail_url = by_pk("organizations:member_detail")
    detail_budget = BUDGETS["organizations:member_detail"]

    def make_in_scope(self):
        return new_household(self.w.a).member

    def make_out_of_scope(self):
        return new_member(self.w.b)


class TestUnitPages(CityWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("organizations:unit_list")
    detail_url = by_pk("organizations:unit_detail")
    list_budget = BUDGETS["organizations:unit_list"]
    detail_budget = BUDGETS["organizations:unit_detail"]

    def make_in_scope(self):
        return new_unit(self.w.a)

    def make_out_of_scope(self):
        return new_unit(self.w.b)
