"""Query budgets of the services app, by route name: the most queries one request may run.

Lists and details are measured by the contracts in each feature's ``tests/test_contracts.py``
(``dangjian.testing.contracts``), which also check the count stays the same with more rows;
the other tests read their ceilings from here too.  A few entries are not routes but bulk
jobs or selectors, keyed by their dotted path.  Lower a budget when a page gets cheaper;
never raise one to make a test pass.
"""
BUDGETS = {
    # ------------------------------------------------------------------ API (/api/...)
    "wish-list": 6,
    "wish-detail": 3,  # first pinned here
    "public-wish-detail": 2,  # first pinned here (anyone, by tracking code)
    "service-request-list": 5,
    "service-request-detail": 2,  # first pinned here
    "request-category-list": 1,  # first pinned here (public)
    "request-category-detail": 1,  # first pinned here (public)
    "member-report-list": 8,
    "member-report-detail": 2,  # first pinned here
    "cobuild-agreement-list": 8,
    "cobuild-agreement-detail": 3,  # first pinned here
    "member-hours-list": 8,
    "member-hours-detail": 2,  # first pinned here
    "whistle-list": 4,  # first pinned here
    "whistle-detail": 4,  # first pinned here
    "department-list": 3,  # first pinned here
    "department-detail": 2,  # first pinned here
    "deliberation-topic-list": 5,  # first pinned here
    "deliberation-topic-detail": 3,  # first pinned here
    "public-topic-detail": 9,  # first pinned here (anyone, by code)
    # ------------------------------------------------------- pages: 居民议事 (deliberation)
    "deliberation:topic_list": 10,  # first pinned here
    "deliberation:topic_detail": 22,  # first pinned here
    "deliberation:comment_queue": 8,  # first pinned here
    "deliberation:public_topic": 12,  # first pinned here (public, by code)
    "services.deliberation.selectors.area_tiles": 3,
    # ---------------------------------------------------------------- pages: wishes
    "services:wish_list": 10,
    "services:wish_detail": 14,
    "services:wish_wall": 12,
    "services:my_claims": 8,
    "services:wish_status": 4,  # public, by tracking code
    # -------------------------------------------------------------- pages: requests
    "requests:list": 11,
    "requests:detail": 16,
    "requests:team_list": 9,
    "requests:team_edit": 10,  # first pinned here
    "requests:my_tasks": 8,
    "requests:public_status": 4,  # public, by tracking code
    "requests:submit": 4,  # public form
    # -------------------------------------------------------------- pages: whistles
    "whistles:list": 10,  # first pinned here
    "whistles:detail": 10,  # first pinned here
    "whistles:inbox": 10,  # first pinned here
    "whistles:departments": 9,  # first pinned here
    "whistles:department": 9,  # first pinned here
    "whistles:unit_responders": 8,  # first pinned here
    "whistles:rates": 11,  # first pinned here (三率 of a street: not a list, measured in test_views)
    "whistles:my_rates": 8,  # first pinned here (a department's own 三率 and months: its parties, one grouped query)
    # ------------------------------------------------------------- pages: 双报到
    "reporting:index": 12,
    "reporting:board": 16,
    "reporting:member_detail": 12,  # first pinned here
    "reporting:member_sheet": 15,  # first pinned here
    "reporting:employer_workbook": 20,
    "reporting:agreement_list": 10,
    "reporting:agreement_detail": 8,  # first pinned here
    # --------------------------------------------------------------------- Open311
    "open311:requests": 3,  # .json and .xml
    "open311:request": 1,  # first pinned here (one request or wish by its id)
    # ------------------------------------------------- bulk jobs and selectors
    "services.checkins.demo.seed_reporting": 19,
    "services.requests.demo.seed_requests": 39,
    "services.checkins.selectors.area_figures": 3,  # exactly: with reporting_rates and service_hours, one each, for any number of roots
    # ------------------------------------------- picker endpoints (dangjian.pickers), first pinned here
    "pick:wish_orgs": 7,
    "pick:team_members": 8,
    "pick:assignees": 10,
    "pick:whistle_areas": 7,
    "pick:whistle_departments": 7,
    "pick:whistle_units": 7,
    "pick:agreement_orgs": 7,
    "pick:communities": 1,  # public: no session, no user
    "whistles:new": 6,  # the form: pickers, no option lists
    "requests:team_create": 7,
}
