"""Query budgets of the portal pages, by route name: the most queries one GET may run,
counting the session (one read, three writes: SESSION_SAVE_EVERY_REQUEST), the user and
the grants.  Lower a budget when a page gets cheaper; never raise one to make a test pass.
"""
BUDGETS = {
    # The home page of each role, flat as the city grows and as work piles up
    # (test_queues): the session (4), the user, the grants listed, the scope (with the user's
    # facts: member record? responder?), the headline figures, the member record with its
    # community (members only), and every work-queue section in one query.
    "home": 10,
    "home-district": 10,
    "home-street": 10,
    "home-community": 10,
    "home-grid": 10,
    "home-member": 10,
    "home-department": 9,
}
