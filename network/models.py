"""Every model of the app (阵地、项目、经费、区域化党建), defined in its feature folder and
re-exported here (tables and migrations are unchanged)."""

# 党群服务中心/站 (network.centres)
from network.centres.models import FloorAreaStandard, ServiceCentre  # noqa: E402,F401

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

# 示范点与星级 (network.designations)
from network.designations.models import Designation  # noqa: E402,F401
from network.funds.models import FundAllocation, FundSpending  # noqa: F401, E402
from network.instructors.models import Instructor, InstructorAssignment, InstructorVisit  # noqa: F401
from network.projects.models import (  # noqa: F401
    ProjectActivity,
    ProjectEvent,
    ProjectRequest,
    ProjectWish,
    ServiceBrand,
    ServiceProject,
)
