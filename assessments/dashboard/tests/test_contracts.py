"""The detail contracts (dangjian.testing.contracts) of the district dashboards: the API
(``/api/dashboard/{area}/``) and the pages (an area's dashboard, a chart's Excel export)
— refused when not permitted, 404 out of scope as for missing, in scope visible, query
count flat and within ``assessments/tests/budgets.py``.

The areas are compounds of 甲 (in scope) and 乙 (out of it); the rows a dashboard shows
are its children's rollups, refreshed as the nightly task does."""
from django.urls import reverse

from assessments.dashboard import rollups
from assessments.tests.budgets import BUDGETS, SESSION_WRITES
from assessments.tests.worlds import OverseerWorld, new_compound
from dangjian.testing.contracts import ApiDetailContract, PageDetailContract, by_pk
from organizations.areas.choices import AreaLevel
from organizations.tests.factories import AreaFactory, MemberFactory


class DashboardWorld(OverseerWorld):
    def make_in_scope(self):
        return new_compound(self.w.a)

    def make_out_of_scope(self):
        return new_compound(self.w.b)

    def make_related(self, compound):
        """A building of the compound with a resident member, then the rollups refreshed."""
        building = AreaFactory(level=AreaLevel.BUILDING, parent=compound, households=12)
        MemberFactory(organization=self.w.a.branch, residence=building)
        rollups.refresh_rollups()
        return building


class TestDashboardApi(DashboardWorld, ApiDetailContract):
    detail_url = by_pk("dashboard-detail")
    detail_budget = BUDGETS["dashboard-detail"]


class TestDashboardPage(DashboardWorld, PageDetailContract):
    detail_url = by_pk("dashboard:area")
    detail_budget = BUDGETS["dashboard:area"] + SESSION_WRITES


class TestDashboardExport(DashboardWorld, PageDetailContract):
    detail_budget = BUDGETS["dashboard:export"] + SESSION_WRITES

    @staticmethod
    def detail_url(area):
        return reverse("dashboard:export", args=[area.pk, "children"])
