"""The list and detail contracts (dangjian.testing.contracts) of 双报到: the member-report,
co-building agreement and member-hours APIs, the summary, a community's board, a member's
page, the feedback workbooks and the agreement pages refuse who may not open them, answer
404 out of scope as for a missing row, show what is in scope, and run a flat number of
queries within ``services/tests/budgets.py``.

The world is ``build_city`` with an employer's organization (an organ branch) located in
community 甲 (``w.a``, the cadre's); community 乙 (``w.b``) is out of scope.  In-service
members live in a community, report to it and have service hours this year.
"""
import itertools
from datetime import date, timedelta

import pytest
from django.urls import reverse_lazy
from django.utils import timezone

from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import AreaFactory, PartyOrgFactory, build_community, user_with
from services.checkins import actions
from services.checkins.models import MemberReport
from services.checkins.tests.test_actions import make_in_service, unit_org
from services.checkins.tests.test_selectors import hours
from services.ledger.models import ServiceSource
from services.tests.budgets import BUDGETS
from services.tests.factories import CityWorld

_serial = itertools.count(1)


class ReportingWorld(CityWorld):
    """``self.organs``: an employer's organization located in each community; ``self.today``."""

    @pytest.fixture(autouse=True)
    def _reporting(self, _world):
        self.organs = {
            self.w.a.area.pk: unit_org(self.w),
            self.w.b.area.pk: unit_org(self.w, name="乙区教育局机关党支部", area=self.w.b.building),
        }
        self.today = timezone.localdate()

    def in_service(self, community, *, employer_org=None):
        """A new in-service member of ``community`` who reported to it today, with hours of two
        sources; employed by ``employer_org``, by default the organization located in ``community``."""
        employer_org = employer_org or self.organs.get(community.area.pk)
        member = make_in_service(community, name=f"在职{next(_serial)}", employer_org=employer_org)
        MemberReport.objects.create(member=member, community=community.area, reported_on=self.today,
                                    valid_until=self.today + timedelta(days=180), skills="义诊")
        hours(member, "2", self.today, note="社区义诊")
        hours(member, "1", self.today, ServiceSource.WISH, note="完成微心愿")
        return member

    def report(self, community):
        return MemberReport.objects.get(member=self.in_service(community))

    def agreement(self, community, actor):
        org = unit_org(self.w, name=f"单位{next(_serial)}党支部", area=community.building)
        return actions.agreement_create(actor=actor, org=org, community=community.area, title=f"共建{next(_serial)}",
                                        text="联合主题党日", starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31),
                                        branches=[community.branch])


def _more_hours(member):
    """One more service record of ``member`` (a page of the member lists the year's records)."""
    hours(member, "1.5", timezone.localdate(), note=f"志愿服务{next(_serial)}")


# --------------------------------------------------------------------------- API
class TestMemberReportApi(ReportingWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/member-reports/"
    detail_url = by_pk("member-report-detail")
    list_budget = BUDGETS["member-report-list"]
    detail_budget = BUDGETS["member-report-detail"]

    def make_in_scope(self):
        return self.report(self.w.a)

    def make_out_of_scope(self):
        return self.report(self.w.b)


class TestCoBuildAgreementApi(ReportingWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/cobuild-agreements/"
    detail_url = by_pk("cobuild-agreement-detail")
    list_budget = BUDGETS["cobuild-agreement-list"]
    detail_budget = BUDGETS["cobuild-agreement-detail"]

    def make_in_scope(self):
        return self.agreement(self.w.a, self.cadre)

    def make_out_of_scope(self):
        return self.agreement(self.w.b, user_with(Role.COMMUNITY, self.w.b.area))

    def make_related(self, agreement):
        """One more paired branch."""
        agreement.branches.add(PartyOrgFactory(area=self.w.a.compound, parent=self.w.a.committee))


class TestMemberHoursApi(ReportingWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/member-hours/"
    detail_url = by_pk("member-hours-detail")
    list_budget = BUDGETS["member-hours-list"]
    detail_budget = BUDGETS["member-hours-detail"]

    def make_in_scope(self):
        return self.in_service(self.w.a)

    def make_out_of_scope(self):
        return self.in_service(self.w.b)

    def make_related(self, member):
        _more_hours(member)


# --------------------------------------------------------------------------- pages
class TestSummaryPage(ReportingWorld, PageListContract):
    """The summary (``index``) of a street cadre: one row of figures per community of the
    street (the rows are figures keyed by ``area_id``, not model rows)."""

    list_url = reverse_lazy("reporting:index")
    list_context = "children"
    list_budget = BUDGETS["reporting:index"]

    @pytest.fixture
    def user_in_scope(self):
        return user_with(Role.STREET, self.w.street)

    @pytest.fixture
    def user_without_permission(self):
        """A department (职能部门) has no roster role and no member record: 403."""
        return user_with(Role.DEPARTMENT, self.w.a.area)

    def listed(self, response):
        assert response.status_code == 200, f"GET {response.request['PATH_INFO']}: {response.status_code}"
        return {row.area_id for row in response.context[self.list_context]}

    def make_in_scope(self):
        """A new community of the street, with an in-service member reported in."""
        community = build_community(self.w.street, self.w.street_org, f"丙{next(_serial)}")
        self.in_service(community)
        return community.area

    def make_out_of_scope(self):
        """A community of another street."""
        street = AreaFactory(name="别的街道", level=AreaLevel.STREET, parent=self.w.district)
        street_org = PartyOrgFactory(kind=OrgKind.WORKING_COMMITTEE, category=OrgCategory.STREET, area=street)
        return build_community(street, street_org, f"丁{next(_serial)}").area


class TestBoardPage(ReportingWorld, PageDetailContract):
    """A community's board (its in-service members with status and hours): the object is the
    community — 甲, the cadre's (the same each time), or 乙."""

    detail_url = by_pk("reporting:board")
    detail_budget = BUDGETS["reporting:board"]

    @pytest.fixture
    def user_without_permission(self):
        """A department of 甲 has no roster role there: 403."""
        return user_with(Role.DEPARTMENT, self.w.a.area)

    def make_in_scope(self):
        return self.w.a.area

    def make_out_of_scope(self):
        return self.w.b.area

    def make_related(self, community):
        """One more in-service member on the board."""
        self.in_service(self.w.a)


class TestMemberPage(ReportingWorld, PageDetailContract):
    """A member's reports and hours (``member_detail``), for the cadre of their community."""

    detail_url = by_pk("reporting:member_detail")
    detail_budget = BUDGETS["reporting:member_detail"]

    def make_in_scope(self):
        return self.in_service(self.w.a)

    def make_out_of_scope(self):
        return self.in_service(self.w.b)

    def make_related(self, member):
        _more_hours(member)


class TestMemberSheet(ReportingWorld, PageDetailContract):
    """A member's quarterly feedback workbook (``member_sheet``)."""

    detail_url = by_pk("reporting:member_sheet")
    detail_budget = BUDGETS["reporting:member_sheet"]

    @pytest.fixture
    def user_without_permission(self):
        """A grid worker (网格员) of 甲 sees the member but may not export: 403."""
        return user_with(Role.GRID, self.w.a.area)

    def make_in_scope(self):
        return self.in_service(self.w.a)

    def make_out_of_scope(self):
        return self.in_service(self.w.b)

    def make_related(self, member):
        _more_hours(member)


class TestEmployerWorkbook(ReportingWorld, PageDetailContract):
    """An employer's workbook (``employer_workbook``): one sheet per member it employs who
    reported to the cadre's community."""

    detail_url = by_pk("reporting:employer_workbook")
    detail_budget = BUDGETS["reporting:employer_workbook"]

    @pytest.fixture
    def user_without_permission(self):
        """A grid worker (网格员) of 甲 may not export: 403."""
        return user_with(Role.GRID, self.w.a.area)

    def make_in_scope(self):
        org = unit_org(self.w, name=f"单位{next(_serial)}党支部")
        self.in_service(self.w.a, employer_org=org)
        return org

    def make_out_of_scope(self):
        org = unit_org(self.w, name=f"乙单位{next(_serial)}党支部", area=self.w.b.building)
        self.in_service(self.w.b, employer_org=org)
        return org

    def make_related(self, org):
        """One more member the employer employs, reported in (one more sheet)."""
        self.in_service(self.w.a, employer_org=org)


class TestAgreementPages(ReportingWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("reporting:agreement_list")
    detail_url = by_pk("reporting:agreement_detail")
    list_budget = BUDGETS["reporting:agreement_list"]
    detail_budget = BUDGETS["reporting:agreement_detail"]

    def make_in_scope(self):
        return self.agreement(self.w.a, self.cadre)

    def make_out_of_scope(self):
        return self.agreement(self.w.b, user_with(Role.COMMUNITY, self.w.b.area))

    def make_related(self, agreement):
        """One more paired branch."""
        agreement.branches.add(PartyOrgFactory(area=self.w.a.compound, parent=self.w.a.committee))
