"""Who may do what with 党建指导员: the managing roles (district, street, community cadres)
read the instructors, assignments and visits of their subtree; they appoint, assign and
record visits where their grant covers the instructor's appointing area (and, to assign, the
unit's community).  Every rule reads the request's cached scope."""
from dangjian.scoping import get_scope
from network.instructors.choices import INSTRUCTOR_ROLES


def can_view_instructors(user) -> bool:
    return get_scope(user).has_role(*INSTRUCTOR_ROLES)


def can_create_instructor(user) -> bool:
    return can_view_instructors(user)


def can_manage_instructor(user, instructor) -> bool:
    return get_scope(user).covers_area(instructor.area, INSTRUCTOR_ROLES)


def can_assign_unit(user, instructor, unit) -> bool:
    scope = get_scope(user)
    return can_manage_instructor(user, instructor) and scope.covers_area(unit.community, INSTRUCTOR_ROLES)
