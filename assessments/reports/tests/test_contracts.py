"""List and detail contracts of one-table reports (pages and API): refused when not
permitted, 404 out of scope as for missing, flat query counts within
``assessments/tests/budgets.py``.

Two worlds: the district cadre (its district's reports in scope, another district's out),
and the cadre of community 甲 (a report asking 甲 a field in scope; a report of the same
district asking nothing of it out: a community sees only what is asked of it)."""
import pytest
from django.urls import reverse_lazy

from assessments.reports import actions
from assessments.reports.models import ReportCell
from assessments.reports.tests import support as s
from assessments.tests.budgets import BUDGETS
from assessments.tests.worlds import NON_OVERSEERS, serial
from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.grants.choices import Role
from organizations.tests.factories import build_community, user_with


class DistrictWorld:
    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = s.make_world(city)
        self.other = s.make_world()

    @pytest.fixture
    def user_in_scope(self):
        return self.w.district

    @pytest.fixture(params=(*NON_OVERSEERS, Role.GRID))
    def user_without_permission(self, request):
        return user_with(request.param, self.w.city.a.area)

    def make_in_scope(self):
        return s.community_report(self.w, name=f"表{serial()}", figures=("members.count",))

    def make_out_of_scope(self):
        return s.community_report(self.other, name=f"外区表{serial()}", figures=("members.count",))

    def make_related(self, report):
        """One more community in the report's range, computed."""
        build_community(self.w.city.street, self.w.city.street_org, f"新{serial()}", 1)
        actions.report_compute(actor=self.w.district, report=report)
        return report


class CommunityWorld(DistrictWorld):
    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = s.make_world(city)
        self.field = s.area_field(self.w)

    @pytest.fixture
    def user_in_scope(self):
        return self.w.a_cadre

    def make_in_scope(self):
        return s.community_report(self.w, name=f"表{serial()}", figures=("members.count",), fields=[self.field])

    def make_out_of_scope(self):
        return actions.report_publish(actor=self.w.district, report=actions.report_create(
            actor=self.w.district, name=f"小区表{serial()}", within=self.w.city.district, subject_level="compound",
            period_key=s.PERIOD, columns=[{"figure": "members.count"}]))


class TestReportPagesForTheDistrict(DistrictWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("reports:list")
    detail_url = by_pk("reports:detail")
    list_budget = BUDGETS["reports:list"]
    detail_budget = BUDGETS["reports:detail"]


class TestReportPagesForACommunity(CommunityWorld, PageListContract, PageDetailContract):
    list_url = "/reports/?tab=asked"
    detail_url = by_pk("reports:detail")
    list_budget = BUDGETS["reports:list"]
    detail_budget = BUDGETS["reports:detail"]


class TestReportApi(DistrictWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/reports/"
    detail_url = by_pk("report-detail")
    list_budget = BUDGETS["report-list"]
    detail_budget = BUDGETS["report-detail"]


class TestReportCellApi(CommunityWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/report-cells/"
    detail_url = by_pk("report-cell-detail")
    list_budget = BUDGETS["report-cell-list"]
    detail_budget = BUDGETS["report-cell-detail"]

    def make_in_scope(self):
        return ReportCell.objects.filter(report=super().make_in_scope(), subject_id=self.w.city.a.area.pk).first()

    def make_out_of_scope(self):
        return ReportCell.objects.filter(report=super().make_out_of_scope()).first()

    def make_related(self, cell):
        return self.make_in_scope()


@pytest.mark.django_db
def test_a_community_reads_its_own_cells_of_a_report_never_another_communitys(city):
    from dangjian.testing.clients import api_client

    w = s.make_world(city)
    report = s.community_report(w, fields=[s.area_field(w)])
    mine = ReportCell.objects.filter(report=report, subject_id=city.a.area.pk)
    theirs = ReportCell.objects.filter(report=report, subject_id=city.b.area.pk)
    client = api_client(w.a_cadre)
    listed = {row["id"] for row in client.get(f"/api/report-cells/?report={report.pk}").json()["results"]}
    assert listed == set(mine.values_list("pk", flat=True))
    assert client.get(f"/api/report-cells/{theirs.first().pk}/").status_code == 404
    assert len(api_client(w.district).get(f"/api/report-cells/?report={report.pk}").json()["results"]) == 8
