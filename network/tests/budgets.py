"""Query budgets of the network app, by route name: the most queries one request may run.

Lists and details are measured by the contracts in each feature's ``tests/test_contracts.py``
(``dangjian.testing.contracts``), which also check the count stays the same with more rows;
the other tests read their ceilings from here too.  Lower a budget when a page gets cheaper;
never raise one to make a test pass.
"""
BUDGETS: dict[str, int] = {
    # 区域化党建 (network.committees)
    "committees:list": 8,
    "committees:detail": 13,
    "committees:problems": 8,
    "committees:problem": 8,
    "committees:commitments": 10,
    "committees:pairings": 8,
    "joint-committee-list": 3,
    "joint-committee-detail": 3,
    "committee-problem-list": 3,
    "committee-problem-detail": 3,
    "branch-pairing-list": 3,
    "branch-pairing-detail": 2,
}
