from __future__ import annotations

from dangjian.scoping import get_scope
from organizations.grants.choices import Role
from organizations.orgs.models import PartyOrg

SCORE_READ_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.STREET, Role.COMMUNITY})
RUN_ROLES = frozenset({Role.ADMIN, Role.DISTRICT})
MANUAL_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.STREET})


# ----------------------------------------------------------------------- permissions
def can_read_scores(user) -> bool:
    return get_scope(user).has_role(*SCORE_READ_ROLES)


def can_start_runs(user) -> bool:
    return get_scope(user).has_role(*RUN_ROLES)


def can_score_manually_anywhere(user) -> bool:
    return get_scope(user).has_role(*MANUAL_ROLES)


def can_score_subject(user, subject) -> bool:
    scope = get_scope(user)
    if isinstance(subject, PartyOrg):
        return scope.covers_org(subject, MANUAL_ROLES)
    return scope.covers_area(subject, MANUAL_ROLES)
