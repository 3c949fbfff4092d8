"""Query budgets of the network app, by route name: the most queries one request may run.

Lists and details are measured by the contracts in each feature's ``tests/test_contracts.py``
(``dangjian.testing.contracts``), which also check the count stays the same with more rows;
the other tests read their ceilings from here too.  Lower a budget when a page gets cheaper;
never raise one to make a test pass.
"""
BUDGETS: dict[str, int] = {
    # 项目化服务 (network.projects)
    "projects:list": 8,
    "projects:detail": 13,
    "projects:brands": 9,
    "projects:brand_detail": 10,
    "service-project-list": 3,
    "service-project-detail": 2,
    "service-brand-list": 3,
    "service-brand-detail": 2,
    # 经费 (network.funds)
    "funds:allocations": 8,
    "funds:allocation_detail": 9,
    "funds:spendings": 8,
    "funds:spending_detail": 7,
    "fund-allocation-list": 3,
    "fund-allocation-detail": 2,
    "fund-spending-list": 3,
    "fund-spending-detail": 2,
}
