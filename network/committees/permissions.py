"""Who may do what in the regional network: the cadres (区委组织部, 街道, 社区 and the
system administrator — ``MANAGE_ROLES``) over the committee's area read and keep its
committees, seats, meetings, problems and commitments; pairings likewise over the compound
branch's area."""
from dangjian.scoping import get_scope
from network.committees.choices import ProblemAction, ProblemStatus
from organizations.grants.choices import MANAGE_ROLES

ROLES = frozenset(MANAGE_ROLES)


def can_read(user) -> bool:
    """The committees, problems, commitments and pairings pages: the managing roles."""
    return get_scope(user).has_role(*ROLES)


def can_manage(user, committee) -> bool:
    """Keep a committee (seats, meetings, problems, commitments): managers over its area."""
    return committee is not None and get_scope(user).covers_area(committee.area, ROLES)


def can_create_somewhere(user) -> bool:
    return get_scope(user).has_role(*ROLES)


def can_manage_pairing(user, compound_branch) -> bool:
    return get_scope(user).covers_org(compound_branch, ROLES)


def whistle_live(problem) -> bool:
    """A whistled problem whose whistle is still being handled (``problem.whistle`` loaded)."""
    from services.whistles.choices import LIVE_STATUSES, WhistleStatus

    if problem.status != ProblemStatus.WHISTLED:
        return False
    whistle = problem.whistle
    return whistle is None or whistle.status in LIVE_STATUSES or whistle.status == WhistleStatus.CLOSED


def may_act_on_problem(user, problem) -> bool:
    """Settle, whistle or decline: managers over the committee's area, while the problem is
    open (or its whistle was cancelled)."""
    return not whistle_live(problem) and can_manage(user, problem.committee)


def may_whistle_problem(user, problem) -> bool:
    from services.whistles.permissions import WHISTLE_LEVELS

    return may_act_on_problem(user, problem) and problem.committee.area.level in WHISTLE_LEVELS


PROBLEM_RULES = {
    ProblemAction.SETTLE: may_act_on_problem,
    ProblemAction.WHISTLE: may_whistle_problem,
    ProblemAction.DECLINE: may_act_on_problem,
}
