"""Query budgets of the assessments app, by route name (and, for reads that are no route,
by the dotted name of the function measured).

The most queries one call may run.  Endpoints: one GET; the contracts (``assessments/*/
tests/test_contracts.py``, a community cadre of 甲 in ``build_city``) check the count stays
the same with more rows and within the budget; the hand-written query tests of
``test_api.py`` / ``test_views.py`` hold other roles (street, district) to the same
numbers.  Pages count the session (one read, three writes: SESSION_SAVE_EVERY_REQUEST),
the user and the grants.  Lower a budget when a page gets cheaper; never raise one to
make a test pass.
"""
BUDGETS = {
    # ---------------------------------------------------------------- life (组织生活)
    # first pinned here: life/tests/test_api.py and test_views.py hold a street cadre to
    # the count they measure on the small world, with no number of their own
    # API
    "activity-list": 4,
    "activity-detail": 2,
    "activity-attendance": 5,
    "activity-type-list": 1,
    "activity-type-detail": 1,
    "rule-set-list": 5,
    "rule-set-detail": 4,
    "rule-set-effective": 7,
    "compliance-detail": 6,
    "org-calendar-detail": 5,
    "inactive-member-list": 5,
    "service-hours-list": 4,
    # pages
    "assessments:activity_list": 10,
    "assessments:activity_detail": 11,
    "assessments:org_activities": 11,
    "assessments:org_month": 8,
    "assessments:org_calendar": 10,
    # the organizations with their stored verdicts in one query, the page counted from them
    "assessments:compliance": 10,
    # +1 (issue 15): the count of members six months without dues beside it (one index count)
    "assessments:inactive": 10,
    # both lists counted in one aggregate, then the page read by the yearly totals' index (was one
    # windowed query sorting every member of a city)
    "assessments:service_hours": 9,
    # the member's activities open for sign-in: session (4), user, the page (count + rows)
    "assessments:my_sign_ins": 8,
    "assessments:rules": 10,
    # ---------------------------------------------------------- checklists (四张清单)
    "pick:checklist_orgs": 7,  # the create form's picker (checklists/tests/test_pickers.py), first pinned here
    "pick:checklist_records": 8,  # the 销号 form's record pickers (test_pickers)
    # API, also for a street cadre with ?awaiting=true / ?overdue=true (test_api)
    "checklist-list": 6,
    "checklist-detail": 6,
    "checklist-item-list": 6,
    "checklist-item-detail": 3,  # first pinned here; +1: the records cited by 销号
    # pages, also for a street cadre (test_views)
    "checklist:index": 10,
    "checklist:awaiting": 12,
    "checklist:overdue": 12,
    "checklist:detail": 9,
    "checklist:detail:bound": 10,  # with bound items: +1 for the activity types' names (test_bound)
    # ----------------------------------------------------------------- scoring (考核)
    # API, also for a district cadre (test_api)
    "rubric-list": 6,
    "rubric-detail": 2,  # first pinned here
    "score-list": 6,
    "score-detail": 6,
    "scoring-run-list": 6,
    "scoring-run-detail": 2,  # first pinned here
    # pages, also for a district cadre (test_views)
    "scoring:index": 14,
    "scoring:stars": 14,
    "scoring:score_detail": 14,
    "scoring:history": 14,
    "scoring:runs": 14,
    "scoring:run_detail": 14,
    # --------------------------------------------------------------- dashboard (看板)
    # also for a district cadre (test_views); pages here without the session write-back
    # (a savepoint, the UPDATE, its release: SESSION_WRITES), as test_views counts them
    "dashboard-detail": 10,
    "dashboard:area": 10,
    "dashboard:network": 4,  # first pinned here: the panel's own reads; its sources (tiles.SOURCES) add theirs
    "dashboard:export": 10,
    # ---------------------------------------------------- reads that are no route
    "assessments.life.selectors.org_calendar": 4,  # test_compliance, at most
    "assessments.life.demo.seed_activities": 5,  # SELECTs per batch, exact (test_demo)
    "assessments.checklists.selectors.checklist_figures": 1,  # at most (test_selectors)
    "assessments.checklists.selectors.checklist_sections": 1,  # at most (test_selectors)
    "assessments.checklists.selectors.overdue_items": 2,  # the grants, then the items (test_selectors)
    "assessments.checklists.demo.seed_checklists": 2,  # SELECTs, at most (test_demo)
    # two figure groups, whatever the number of items: the items, then per group subjects_within (3),
    # compute (1-2) and one bulk_update (test_bound)
    "assessments.checklists.actions.checklist_items_refresh": 15,
    "assessments.scoring.engine.score_run": 20,  # fixed part, at most (test_engine) ...
    "assessments.scoring.engine.score_run per indicator": 8,  # ... plus this per indicator of the rubric
    "assessments.dashboard.rollups.refresh_rollups": 20,  # at most (test_rollups)
    # ---------------------------------------------------- appraisal (民主评议党员)
    # first pinned here: appraisal/tests/test_contracts.py (a community cadre of 甲) and
    # test_views.py (the sheet, figures, member pages), counts measured on the small world
    "appraisal-list": 3,
    "appraisal-detail": 3,
    "assessments:appraisal:index": 9,
    "assessments:appraisal:detail": 10,  # the round, its grades, its counts, its history
    "assessments:appraisal:sheet": 8,  # every member with 双报到, attendance and grade in one query
    "assessments:appraisal:figures": 10,  # the area and its children counted in one query
    "assessments:appraisal:member_history": 8,
    "assessments:appraisal:mine": 7,
    # ------------------------------------------------- burden meter (减负监测)
    # first pinned here: burden/tests/test_pages.py (a street cadre; the API also for a
    # community cadre), counts measured on the small world and flat with more rows
    "burden-list": 5,
    "burden:area": 11,  # the area, the communities (count + page), their tallies, the score lines
    "burden:community": 10,  # the community, the year's tallies, its score lines by month, the sources
    # ------------------------------------------------------- reports (一表通, assessments.reports)
    # first pinned here: reports/tests/test_contracts.py (the district cadre and the cadre of
    # 甲) and test_queries.py (table, fill and export flat from few subjects to many)
    "report-list": 3,
    "report-detail": 3,
    "report-cell-list": 3,
    "report-cell-detail": 2,
    "reports:list": 8,
    "reports:detail": 10,  # the report, its columns, one page of subjects with their count (the range filter
    # and a cadre's own rows as subqueries), their cells
    "reports:create": 9,  # the definer's area, the picker's chosen area, the tree's fields
    "reports:field_create": 8,
    "reports:fill": 10,  # the cells asking the subject, their fields, the values: one query each
    "reports:export": 11,  # the subjects, the columns, every cell
    "reports:figures": 6,  # no query of its own: the catalogue is code
}

#: the session write-back of every page request (SESSION_SAVE_EVERY_REQUEST): a savepoint,
#: the UPDATE of the session row and the savepoint's release
SESSION_WRITES = 3
