"""Query budgets of the portal pages, by route name: the most queries one GET may run,
counting the session (one read, three writes: SESSION_SAVE_EVERY_REQUEST), the user and
the grants.  Lower a budget when a page gets cheaper; never raise one to make a test pass.
"""
BUDGETS = {
    # test_views: a district cadre, a community cadre and a member (a member's community
    # link is one query more), flat as the city grows
    "home": 11,
}
