"""The list and detail contracts (dangjian.testing.contracts) of the grids: the API
(``/api/grids/``, ``/api/grids/{id}/team/``) and the pages (grid list, grid page) —
refused when not permitted, 404 out of scope as for missing, in scope visible, query
count flat and within ``grids/tests/budgets.py``."""
from django.urls import reverse, reverse_lazy

from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from grids.tests.budgets import BUDGETS
from grids.tests.factories import GridAreaFactory, TeamMemberFactory, central_household
from grids.tests.worlds import GridWorld, new_compound, new_entry, new_grid, new_team_member
from organizations.areas.choices import AreaLevel
from organizations.tests.factories import AreaFactory


class TestGridApi(GridWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/grids/"
    detail_url = by_pk("grid-detail")
    list_budget = BUDGETS["grid-list"]
    detail_budget = BUDGETS["grid-detail"]

    def make_in_scope(self):
        return new_grid(self.w.a)

    def make_out_of_scope(self):
        return new_grid(self.w.b)

    def make_related(self, grid):
        """One more place the grid covers (its coverage is listed with it)."""
        return GridAreaFactory(grid=grid, area=new_compound(self.w.a))


class TestGridTeamAction(GridWorld, ApiDetailContract):
    """``GET /api/grids/{id}/team/``: the grid's team, ended assignments included."""

    detail_budget = BUDGETS["grid-team"]

    @staticmethod
    def detail_url(grid):
        return reverse("grid-team", args=[grid.pk])

    def make_in_scope(self):
        return new_grid(self.w.a)

    def make_out_of_scope(self):
        return new_grid(self.w.b)

    def make_related(self, grid):
        return new_team_member(grid, self.w.a)


class TestGridPages(GridWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("grids:grid_list")
    detail_url = by_pk("grids:grid_detail")
    list_budget = BUDGETS["grids:grid_list"]
    detail_budget = BUDGETS["grids:grid_detail"]

    def make_in_scope(self):
        return new_grid(self.w.a)

    def make_out_of_scope(self):
        return new_grid(self.w.b)

    def make_related(self, grid):
        """What the grid page shows: a building of its compound with a central household,
        a team member (one current, one ended) and a diary entry."""
        compound = grid.coverage.get().area
        building = AreaFactory(level=AreaLevel.BUILDING, parent=compound, households=10)
        central_household(self.w.a, building, 4)
        new_team_member(grid, self.w.a)
        TeamMemberFactory(grid=grid, ended_on="2026-01-31")
        new_entry(grid, building)
