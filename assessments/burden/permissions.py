"""Who may see the burden meter (减负监测).

* The page and the API: the community's cadres and their superiors — a managing role
  (admin, district, street, community: ``BURDEN_ROLES``) somewhere in the grants.  Party
  members, grid workers, departments and resident units do not see it (403).
* One community or area: the user's grants of those roles cover it; otherwise 404, as for a
  missing area.
"""
from assessments.burden.choices import BURDEN_ROLES
from dangjian.scoping import get_scope


def can_open(user) -> bool:
    return get_scope(user).has_role(*BURDEN_ROLES)


def can_view_area(user, area) -> bool:
    return area is not None and get_scope(user).covers_area(area, BURDEN_ROLES)
