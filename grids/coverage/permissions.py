from dangjian.scoping import get_scope
from grids.grids.permissions import GRID_READ_ROLES


def can_read_area_coverage(user, area) -> bool:
    """Coverage figures of an area's subtree need a reading role granted over that area."""
    return get_scope(user).covers_area(area, GRID_READ_ROLES)
