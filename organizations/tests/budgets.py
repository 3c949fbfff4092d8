"""Query budgets of the organizations app, by route name (and, for reads that are no
route, by the dotted name of the function measured).

The most queries one GET may run, for a community cadre (社区党委) with the test world of
``organizations.tests.factories.build_city`` unless a comment says otherwise; the
contracts in ``test_contracts.py`` also check the count stays the same with more rows.
Lower a budget when a page gets cheaper; never raise one to make a test pass.
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
    "account-list": 4,  # 账号管理, a street cadre: scope, count, rows, their grants with nodes
    "account-detail": 3,  # scope, the account, its grants with nodes
    "area-summary": 7,  # /api/areas/{id}/summary/
    "area-children": 4,  # /api/areas/{id}/children/
    # the lists with ?within=<area> (and a filter): one query more, for the area (test_api)
    "area-list?within": 4,
    "org-list?within": 4,
    "member-list?within": 4,
    "resident-unit-list?within": 4,
    "central-household-list?within": 4,
    # pages
    # first pinned here (test_views_areas pins it only against itself); +1 the areas' current designations
    "organizations:area_index": 9,
    # a building with entrances (the children read too); test_contracts.TestAreaDetailPage; +1 the children's
    # current designations (network.designations)
    "organizations:area_detail": 14,
    "organizations:org_list": 8,
    "organizations:org_detail": 15,  # +1 the organization's current designations (network.designations)
    "organizations:member_list": 10,
    "organizations:member_detail": 10,
    "organizations:unit_list": 8,
    "organizations:unit_detail": 9,
    "organizations:import_start": 7,  # imports/tests/test_import.py, for the job's owner
    "organizations:import_job": 7,
    "organizations:import_job_progress": 7,
    "organizations:export": 8,  # imports/tests/test_export.py, a street cadre
    # 账号管理 (staff/tests/test_contracts.py), a street cadre: session, user, scope, count,
    # rows, their grants with nodes (one prefetch), the session's save (3)
    "organizations:account_list": 9,
    # session, user, scope, the account (with its state and device), its grants, audit rows,
    # the session's save (3)
    "organizations:account_detail": 9,
    # a one-row area import (validate, lock, open the gap, insert, audit), whatever the tree's
    # size (imports/tests/test_incremental_tree.py); 10 on SQLite (no advisory lock)
    "organizations.imports.importers.import_workbook[areas, one row]": 11,
    # picker endpoints (dangjian.pickers; organizations/tests/test_pickers.py), first pinned here
    "pick:areas": 7,
    "pick:areas?level": 7,
    "pick:orgs": 7,
    # 任职与换届 (roles/tests/test_contracts.py), a street cadre
    "position-list": 3,
    "position-detail": 2,
    "leader-link-list": 3,
    "leader-link-detail": 2,
    "term-reminder-list": 3,
    "term-reminder-detail": 2,
    # session, user, scope, the area, its children, communities and cross-appointed people by
    # child, count, rows, the session's save (3)
    "organizations:roles_area": 12,
    "organizations:roles_cross": 9,
    "organizations:roles_positions": 8,
    "organizations:roles_terms": 8,
    "organizations:roles_leaders": 8,
    "organizations:roles_leader_detail": 9,  # the link with this month's visits, visits count and rows
    "organizations:roles_leaders_mine": 8,  # test_pages.py, the leader
    "organizations.roles.selectors.area_tiles": 2,  # at most: the scope and one query of scalar subqueries
    # ---------------------------------------------------- reads that are no route
    "organizations.areas.selectors.area_summary": 1,  # at most (trees/tests/test_trees.py): four aggregates side by side
    "organizations.areas.selectors.area_children": 1,  # at most (trees/tests/test_trees.py)
    "organizations.trees.index.AreaIndex.load": 1,  # at most (trees/tests/test_index.py)
    "organizations.trees.index.OrgIndex.load": 1,  # at most (trees/tests/test_index.py)
    "organizations.trees.check.check_all_trees": 19,  # both trees (12), the members' place columns (7)
    "organizations.members.selectors.roster_count": 1,  # exact (members/tests/test_selectors.py)
    "organizations.members.models.Member.save (place links unchanged)": 1,  # the UPDATE alone, exact (members/tests/test_places.py)
    # ------------------------------------------- 党费 (dues/tests/test_contracts.py), a community cadre
    "dues-payment-list": 3,  # scope, count, rows with member and branch
    "dues-payment-detail": 2,
    "dues-base-list": 3,
    "dues-base-detail": 2,
    # session, user, scope, (top area), rows/count, … and the session's save (3)
    "organizations:dues_index": 10,
    "organizations:dues_sheet": 10,  # + the branch, the members' page, count, their year's payments and bases
    "organizations:dues_member": 9,  # + the member with branch and state, their bases, their payments
    "organizations:dues_mine": 9,
    "organizations:dues_lapsed": 9,  # + top area, one windowed read of the dues states, the page's bases
    "organizations:dues_arrears": 9,
    "organizations:dues_totals": 10,  # + the area, its children, one grouped read of the ledger
    # ------------------------------------- 党内统计 (statistics/tests/test_pages.py), a street cadre
    # session, user, scope, the area (or the top area), the member tables (one aggregate), the
    # organization tables (one GROUP BY), the year's figures (one SELECT of sub-counts), the
    # session's save (3); the area picker shows the area in hand (no query)
    "organizations:statistics_index": 10,
    # ---------------------------------------------------- 发展党员 (development/tests/test_contracts.py),
    # a community cadre; every page: session, user, scope, … , the session's save (3)
    "organizations:development_index": 10,  # top area, the stage counts (one aggregate), due rows, step names
    "organizations:development_branch": 10,  # the branch, the stage counts, due rows, step names
    "organizations:development_branch_notices": 10,  # the branch, notice steps with cases, sponsor steps, people
    "organizations:development_case_list": 9,  # count, rows, step names
    "organizations:development_case_detail": 10,  # the case, its rule set's steps, its steps, their people
    "organizations:development_case_notice": 10,  # the case, its notice step, sponsor steps, people
    "organizations:development_member_record": 8,  # the member, their case (none)
    "development-case-list": 3,  # user (token), count, rows
    "development-case-detail": 4,  # user, the case, its steps, their people
    # ---------------------------------------------------- 组织关系转接 (transfers/tests/test_contracts.py)
    # a community cadre: session, user, scope, rows with their count (one windowed query), the
    # session's save (3); the detail: the transfer with both ends and its letter, its events
    "organizations:transfer_list": 7,
    "organizations:transfer_detail": 9,  # + whether the member's record opens (the receiving side: once accepted)
    "organizations:transfer_letter": 7,
    "organizations:member_transfers": 9,  # the member, the count, the rows with their letters
    "transfer-list": 3,
    "transfer-detail": 4,  # scope, the transfer, it again with both ends and the letter, its events
    # 临时党支部 (organizations.temporary)
    "organizations:temporary_list": 8,
    "organizations:temporary_detail": 8,
    "temporary-branch-list": 4,
    "temporary-branch-detail": 3,
}
