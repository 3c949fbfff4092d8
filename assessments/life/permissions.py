"""Who may do what with organizational life, for views and templates.

Thin helpers over the request's cached scope; the actions check the same rules again on
every write.

* Anyone who can see an organization sees its activities and its compliance calendar
  (attendance lists show only the members the viewer may see).
* Filing and editing activities: a managing role over the organization (MANAGE_ROLES).
* An area's compliance overview and the list of members without organizational life:
  the roster roles over that area (they name members and judge organizations).
* Publishing a rule-set version: 区委组织部 or 系统管理员 over the area.
"""
from assessments.life.actions import RULE_ROLES
from dangjian.access import has_scope
from dangjian.scoping import get_scope
from organizations.grants.choices import MANAGE_ROLES
from organizations.members.choices import ROSTER_ROLES

OVERSIGHT_ROLES = ROSTER_ROLES


def can_file_for(user, org) -> bool:
    return org is not None and get_scope(user).covers_org(org, MANAGE_ROLES)


def can_file_anywhere(user) -> bool:
    return get_scope(user).has_role(*MANAGE_ROLES)


def can_open_life(user) -> bool:
    """The organizational-life hub: anyone with a grant (who sees some organizations' activities)
    and a party member (their own attendance and service time)."""
    return has_scope(user) or get_scope(user).has_fact("member")


def can_oversee_somewhere(user) -> bool:
    """Compliance overviews and the members without organizational life: a roster role."""
    return get_scope(user).has_role(*OVERSIGHT_ROLES)


def can_oversee(user, area) -> bool:
    return area is not None and get_scope(user).covers_area(area, OVERSIGHT_ROLES)


def can_oversee_org(user, org) -> bool:
    return org is not None and get_scope(user).covers_org(org, OVERSIGHT_ROLES)


def can_publish_rules(user, area) -> bool:
    return area is not None and get_scope(user).covers_area(area, RULE_ROLES)


def can_publish_rules_anywhere(user) -> bool:
    return get_scope(user).has_role(*RULE_ROLES)
