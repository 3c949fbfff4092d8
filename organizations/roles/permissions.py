"""Who may do what with positions, terms and leader links.

* Reading the people in several roles, the 换届 reminders and the leaders' progress of an
  area: a managing role (admin, district, street, community: ``MANAGE_ROLES``).
* Recording a position, a 换届, a leader link or a visit: a managing role covering the
  community (or the organization).
* A leader with an account sees their own links (``has_fact("leader")``) and logs visits there.
"""
from dangjian.scoping import get_scope
from organizations.grants.choices import MANAGE_ROLES
from organizations.orgs.permissions import can_manage_org

ROLES_READERS = MANAGE_ROLES


def can_read_roles(user) -> bool:
    return get_scope(user).has_role(*ROLES_READERS)


def can_read_area(user, area) -> bool:
    return area is not None and get_scope(user).covers_area(area, ROLES_READERS)


def can_manage_community(user, community) -> bool:
    return community is not None and get_scope(user).covers_area(community, MANAGE_ROLES)


def can_renew_term(user, org) -> bool:
    return can_manage_org(user, org)


def is_leader(user) -> bool:
    return get_scope(user).has_fact("leader")


def can_open_my_links(user) -> bool:
    return is_leader(user)


def can_open_link(user) -> bool:
    """A link's page: a reader of the communities' links, or a leader (their own links)."""
    return can_read_roles(user) or is_leader(user)


def can_log_visit(user, link) -> bool:
    if link.leader_id is not None and link.leader_id == getattr(user, "pk", None):
        return True
    return can_manage_community(user, link.community)
