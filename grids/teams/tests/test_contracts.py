"""The list and detail contracts (dangjian.testing.contracts) of the grid teams API
(``/api/grid-team/``): refused when not permitted, 404 out of scope as for missing, in
scope visible, query count flat and within ``grids/tests/budgets.py``."""
from dangjian.testing.contracts import ApiDetailContract, ApiListContract, by_pk
from grids.tests.budgets import BUDGETS
from grids.tests.worlds import GridWorld, new_team_member


class TestGridTeamApi(GridWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/grid-team/"
    detail_url = by_pk("grid-team-detail")
    list_budget = BUDGETS["grid-team-list"]
    detail_budget = BUDGETS["grid-team-detail"]

    def make_in_scope(self):
        return new_team_member(self.grid_a, self.w.a)

    def make_out_of_scope(self):
        return new_team_member(self.grid_b, self.w.b)
