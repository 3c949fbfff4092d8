"""Who may do what with 临时党支部: the managing roles read the temporary branches of their
subtree; they set one up under an organization they manage, second members to it, end a
secondment and dissolve it where their grant covers the temporary branch.  Every rule reads
the request's cached scope (``branch.org.area`` loaded)."""
from dangjian.scoping import get_scope
from organizations.temporary.choices import TEMPORARY_ROLES


def can_view_temporary(user) -> bool:
    return get_scope(user).has_role(*TEMPORARY_ROLES)


def can_create_temporary(user) -> bool:
    return can_view_temporary(user)


def can_manage_branch(user, branch) -> bool:
    return get_scope(user).covers_org(branch.org, TEMPORARY_ROLES)
