"""The contracts of 发展党员's pages and API (dangjian.testing.contracts): refused when not
permitted, 404 out of scope as for missing, in scope visible, query count flat and within
``organizations/tests/budgets.py``.  Community 甲 is the cadre's, 乙 is not."""
import itertools
from datetime import date

import pytest
from django.urls import reverse_lazy

from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.development.models import DevelopmentStep
from organizations.development.tests.factories import ensure_rules, make_case
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import MemberFactory, PartyOrgFactory, user_with

_n = itertools.count(1)


class World:
    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = city
        self.cadre = user_with(Role.COMMUNITY, city.a.area)

    @pytest.fixture
    def user_in_scope(self):
        return self.cadre

    @pytest.fixture
    def user_without_permission(self):
        """A 职能部门 account has no roster role: 403."""
        return user_with(Role.DEPARTMENT, self.w.a.area)

    def case_in(self, community):
        return make_case(community.branch)

    def make_in_scope(self):
        return self.case_in(self.w.a)

    def make_out_of_scope(self):
        return self.case_in(self.w.b)

    def make_related(self, case):
        """A recorded assessment with its contact person and a sponsor step's people."""
        step = DevelopmentStep.objects.create(case=case, code="activist_assessment", rule_set=ensure_rules(),
                                              on=date(2023, 6, 1), note="表现良好")
        step.people.set([MemberFactory(organization=case.organization)])
        return step


def with_notice(case):
    rule_set = ensure_rules()
    sponsors = DevelopmentStep.objects.create(case=case, code="sponsors_assigned", rule_set=rule_set, on=date(2024, 2, 1))
    sponsors.people.set([MemberFactory(organization=case.organization) for _ in range(2)])
    DevelopmentStep.objects.create(case=case, code="notice", rule_set=rule_set, on=date(2026, 11, 23),
                                   notice_until=date(2026, 11, 27))
    return case


class TestCasePages(World, PageListContract, PageDetailContract):
    list_url = reverse_lazy("organizations:development_case_list")
    detail_url = by_pk("organizations:development_case_detail")
    list_budget = BUDGETS["organizations:development_case_list"]
    detail_budget = BUDGETS["organizations:development_case_detail"]


class TestPipelinePage(World, PageListContract):
    """The area pipeline lists the cases due this month or overdue (an old application: the talk is overdue)."""

    list_url = reverse_lazy("organizations:development_index")
    list_context = "due"
    list_budget = BUDGETS["organizations:development_index"]


class TestBranchPipelinePage(World, PageDetailContract):
    detail_url = by_pk("organizations:development_branch")
    detail_budget = BUDGETS["organizations:development_branch"]

    def branch_in(self, community):
        return PartyOrgFactory(name=f"新支部{next(_n)}", kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND,
                               area=community.compound, parent=community.committee)

    def make_in_scope(self):
        return self.branch_in(self.w.a)

    def make_out_of_scope(self):
        return self.branch_in(self.w.b)

    def make_related(self, org):
        return make_case(org)


class TestBranchNoticesPage(TestBranchPipelinePage):
    detail_url = by_pk("organizations:development_branch_notices")
    detail_budget = BUDGETS["organizations:development_branch_notices"]

    def make_related(self, org):
        return with_notice(make_case(org))


class TestCaseNoticePage(World, PageDetailContract):
    detail_url = by_pk("organizations:development_case_notice")
    detail_budget = BUDGETS["organizations:development_case_notice"]

    def case_in(self, community):
        return with_notice(make_case(community.branch))


class TestMemberRecordPage(World, PageDetailContract):
    """A member without a development case (joined before the portal): the page says so."""

    detail_url = by_pk("organizations:development_member_record")
    detail_budget = BUDGETS["organizations:development_member_record"]

    def make_in_scope(self):
        return MemberFactory(organization=self.w.a.branch, residence=self.w.a.building)

    def make_out_of_scope(self):
        return MemberFactory(organization=self.w.b.branch, residence=self.w.b.building)

    def make_related(self, member):
        return make_case(self.w.a.branch)


class TestCaseApi(World, ApiListContract, ApiDetailContract):
    list_url = "/api/development-cases/"
    detail_url = by_pk("development-case-detail")
    list_budget = BUDGETS["development-case-list"]
    detail_budget = BUDGETS["development-case-detail"]

    @pytest.fixture
    def user_without_permission(self):
        return None  # every signed-in user may call it; the rows are scoped (a department sees none)
