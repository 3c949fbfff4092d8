"""Query budgets of the organizations app's lists and details, by route name.

The most queries one GET may run, for a community cadre (社区党委) with the test world of
``organizations.tests.factories.build_city``; the contracts in ``test_contracts.py`` also
check the count stays the same with more rows.  Lower a budget when a page gets cheaper;
never raise one to make a test pass.
"""
BUDGETS = {
    # API (/api/...): DRF router names
    "area-list": 3,
    "area-detail": 2,
    "org-list": 3,
    "org-detail": 2,
    "member-list": 3,
    "member-detail": 2,
    "resident-unit-list": 3,
    "resident-unit-detail": 2,  # first pinned here
    "central-household-list": 3,
    "central-household-detail": 2,  # first pinned here
    # pages
    "organizations:area_index": 8,  # first pinned here (test_views_areas pins it only against itself)
    "organizations:area_detail": 16,  # a building with entrances runs 17: see test_contracts.TestAreaDetailPage
    "organizations:org_list": 10,
    "organizations:org_detail": 14,
    "organizations:member_list": 10,
    "organizations:member_detail": 10,
    "organizations:unit_list": 8,
    "organizations:unit_detail": 9,
}
