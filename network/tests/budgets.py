"""Query budgets of the network app, by route name: the most queries one request may run.

Lists and details are measured by the contracts in each feature's ``tests/test_contracts.py``
(``dangjian.testing.contracts``), which also check the count stays the same with more rows;
the other tests read their ceilings from here too.  Lower a budget when a page gets cheaper;
never raise one to make a test pass.
"""
BUDGETS: dict[str, int] = {
    # 党群服务中心/站 (network.centres)
    "centres:list": 8,
    "centres:detail": 7,
    "centres:coverage": 10,
    "service-centre-list": 3,
    "service-centre-detail": 2,
    "centres:public": 4,
    # 示范点与星级 (network.designations)
    "designations:list": 8,
    "designations:detail": 7,
    "designations:counts": 10,
    "designation-list": 3,
    "designation-detail": 2,
    # 党建指导员 (network.instructors)
    "instructors:list": 8,
    "instructors:detail": 9,
    "instructors:behind": 8,
    "instructors:coverage": 10,  # a street or above: its child areas (one query); a community is its own row
    "instructor-list": 4,
    "instructor-detail": 3,
    "instructor-visit-list": 3,
    "instructor-visit-detail": 2,
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
