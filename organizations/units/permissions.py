from organizations.areas.permissions import can_manage_area


def can_manage_unit(user, unit) -> bool:
    return can_manage_area(user, unit.community)
