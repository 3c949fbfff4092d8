"""Every model of the app (阵地、项目、经费、区域化党建), defined in its feature folder and
re-exported here (tables and migrations are unchanged)."""

# 区域化党建 (network.committees): joint committees, seats, meetings, problems, commitments, pairings
from network.committees.models import (  # noqa: E402,F401
    BranchPairing,
    CommitteeMeeting,
    CommitteeProblem,
    CommitteeProblemEvent,
    CommitteeSeat,
    JointCommittee,
    UnitCommitment,
)
