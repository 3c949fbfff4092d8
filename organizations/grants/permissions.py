"""Who may do what, for views and templates.

Thin helpers over the request's cached scope (``dangjian.scoping.get_scope``): they run no
query of their own once the scope is loaded, provided the objects passed in carry the
relations they look at (``org.area``, ``member.organization.area``, ``member.residence``),
so views ``select_related`` those.  The actions in ``organizations.areas.actions`` check the
same rules again on every write; these helpers only decide what to show.
"""

from dangjian.scoping import get_scope
from organizations.grants.choices import MANAGE_ROLES


def can_manage_anything(user) -> bool:
    return get_scope(user).has_role(*MANAGE_ROLES)
