"""The detail contracts (dangjian.testing.contracts) of the coverage figures: the API
(``/api/coverage/{area}/`` and its gap lists) and the pages (coverage, gap list, community
board) — refused when not permitted, 404 out of scope as for missing, in scope visible,
query count flat and within ``grids/tests/budgets.py``.

The areas are compounds (their children are buildings) and, for the community board,
communities of their own granted to the cadre besides 甲."""
import pytest
from django.urls import reverse

from dangjian.testing.contracts import ApiDetailContract, PageDetailContract, by_pk
from grids.tests.budgets import BUDGETS
from grids.tests.factories import grid_over
from grids.tests.worlds import NON_READERS, GridWorld, grow_place, new_community, new_compound
from organizations.areas.choices import AreaLevel
from organizations.tests.factories import AreaFactory, user_with

GAP = "buildings_without_group"


class CompoundWorld(GridWorld):
    def make_in_scope(self):
        return new_compound(self.w.a)

    def make_out_of_scope(self):
        return new_compound(self.w.b)

    def make_related(self, compound):
        return grow_place(compound, self.w.a)


class TestCoverageApi(CompoundWorld, ApiDetailContract):
    detail_url = by_pk("coverage-detail")
    detail_budget = BUDGETS["coverage-detail"]


class TestCoverageGapsApi(CompoundWorld, ApiDetailContract):
    detail_budget = BUDGETS["coverage-gaps"]

    @staticmethod
    def detail_url(area):
        return f"{reverse('coverage-gaps', args=[area.pk])}?kind={GAP}"


class TestCoveragePage(CompoundWorld, PageDetailContract):
    detail_url = by_pk("grids:coverage")
    detail_budget = BUDGETS["grids:coverage"]


class TestCoverageGapsPage(CompoundWorld, PageDetailContract):
    detail_budget = BUDGETS["grids:coverage_gaps"]

    @staticmethod
    def detail_url(area):
        return reverse("grids:coverage_gaps", args=[area.pk, GAP])


class TestCommunityBoardPage(GridWorld, PageDetailContract):
    detail_url = by_pk("grids:community_board")
    detail_budget = BUDGETS["grids:community_board"]

    @pytest.fixture(params=NON_READERS)
    def user_without_permission(self, request):
        """Granted on the street, so the new communities are in their subtree."""
        return user_with(request.param, self.w.street)

    def make_in_scope(self):
        return new_community(self.w, self.cadre)

    def make_out_of_scope(self):
        return new_community(self.w)

    def make_related(self, community):
        """A compound with a building, covered by a grid of its own."""
        compound = AreaFactory(level=AreaLevel.COMPOUND, parent=community)
        grow_place(compound, self.w.a)
        return grid_over(community, compound)
