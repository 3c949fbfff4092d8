"""Every model of the app (阵地、项目、经费、区域化党建), defined in its feature folder and
re-exported here (tables and migrations are unchanged)."""
from network.funds.models import FundAllocation, FundSpending  # noqa: F401, E402
from network.projects.models import (  # noqa: F401
    ProjectActivity,
    ProjectEvent,
    ProjectRequest,
    ProjectWish,
    ServiceBrand,
    ServiceProject,
)
