"""Every model of the app (阵地、项目、经费、区域化党建), defined in its feature folder and
re-exported here (tables and migrations are unchanged)."""
from network.instructors.models import Instructor, InstructorAssignment, InstructorVisit  # noqa: F401
