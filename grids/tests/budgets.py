"""Query budgets of the grids app, by route name (and, for reads that are no route, by the
dotted name of the function measured).

The most queries one call may run.  Endpoints: one GET, the contracts (``*/tests/
test_contracts.py``, a community cadre of 甲 in ``build_city``) check the count stays the
same with more rows and within the budget; ``grids/tests/test_api.py`` and
``test_views.py`` pin the API and the pages at exactly these numbers for a district cadre
at two data sizes.  Pages count the session (one read, three writes:
SESSION_SAVE_EVERY_REQUEST), the user and the grants.  Lower a budget when a page gets
cheaper; never raise one to make a test pass.
"""
BUDGETS = {
    # API (/api/...): DRF router names
    "grid-list": 4,  # grants, count, rows, one prefetch of the grids' places
    "grid-detail": 3,
    "grid-team": 4,  # /api/grids/{id}/team/
    "grid-team-list": 3,
    "grid-team-detail": 2,
    "diary-list": 3,
    "diary-detail": 2,
    "diary-photo": 2,  # first pinned here
    "coverage-detail": 5,  # /api/coverage/{area}/, for a city as for a community
    "coverage-gaps": 4,  # /api/coverage/{area}/gaps/?kind=...
    # pages
    "grids:grid_list": 8,
    "grids:grid_detail": 11,
    "grids:grid_create": 9,
    "grids:grid_coverage_edit": 9,
    "grids:team_add": 7,  # 8 until the member list became a picker
    "grids:team_pick_members": 8,  # the team form's member picker (test_views), first pinned here
    "grids:community_board": 14,
    "grids:coverage": 10,  # for a city as for a community
    "grids:coverage_gaps": 10,
    "grids:diary_list": 8,
    "grids:diary_detail": 8,
    "grids:diary_create": 9,
    "grids:diary_photo": 7,  # first pinned here
    # selectors (grids/coverage/tests/test_selectors.py), exact
    "grids.coverage.selectors.coverage": 1,
    "grids.coverage.selectors.coverage_children": 2,
    "grids.coverage.selectors.coverage_report": 3,  # at most
    # actions (grids/tests/test_actions.py), exact
    "grids.grids.actions.check_coverage": 2,
}
