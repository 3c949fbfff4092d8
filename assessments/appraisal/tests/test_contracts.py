"""List and detail contracts of 民主评议党员 (pages and API): refused when not permitted, 404
out of scope as for missing, flat query counts within ``assessments/tests/budgets.py``.
The cadre of community 甲 is in scope; the rounds of community 乙's branches are not."""
import pytest
from django.urls import reverse_lazy

from assessments.appraisal import actions
from assessments.appraisal.tests.support import YEAR, meeting
from assessments.tests.budgets import BUDGETS
from assessments.tests.factories import ensure_default_rules
from assessments.tests.worlds import NON_OVERSEERS, new_branch
from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.grants.choices import Role
from organizations.tests.factories import MemberFactory, user_with


class AppraisalWorld:
    @pytest.fixture(autouse=True)
    def _world(self, city):
        ensure_default_rules()
        self.w = city
        self.a_cadre = user_with(Role.COMMUNITY, city.a.area)
        self.b_cadre = user_with(Role.COMMUNITY, city.b.area)

    @pytest.fixture
    def user_in_scope(self):
        return self.a_cadre

    @pytest.fixture(params=NON_OVERSEERS)
    def user_without_permission(self, request):
        return user_with(request.param, self.w.a.area)

    def _round(self, community, cadre):
        branch = new_branch(community)
        members = [MemberFactory(organization=branch, residence=community.building) for _ in range(2)]
        a = actions.appraisal_create(actor=cadre, org=branch, year=YEAR, activity=meeting(branch))
        actions.appraisal_grade(actor=cadre, appraisal=a, entries={m.pk: ("qualified", "") for m in members})
        return a

    def make_in_scope(self):
        return self._round(self.w.a, self.a_cadre)

    def make_out_of_scope(self):
        return self._round(self.w.b, self.b_cadre)

    def make_related(self, appraisal):
        """Another member graded in the round."""
        m = MemberFactory(organization=appraisal.org, residence=self.w.a.building)
        return actions.appraisal_grade(actor=self.a_cadre, appraisal=appraisal, entries={m.pk: ("qualified", "")})


class TestAppraisalPages(AppraisalWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("assessments:appraisal:index")
    detail_url = by_pk("assessments:appraisal:detail")
    list_budget = BUDGETS["assessments:appraisal:index"]
    detail_budget = BUDGETS["assessments:appraisal:detail"]


class TestAppraisalApi(AppraisalWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/member-appraisals/"
    detail_url = by_pk("appraisal-detail")
    list_budget = BUDGETS["appraisal-list"]
    detail_budget = BUDGETS["appraisal-detail"]
