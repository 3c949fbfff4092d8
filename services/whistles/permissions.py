from dangjian.scoping import get_scope
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import MANAGE_ROLES, Role
from services.whistles.choices import TargetAction, WhistleAction
from services.whistles.models import Responder

WHISTLE_ROLES = frozenset(MANAGE_ROLES)
DEPARTMENT_ROLES = frozenset({Role.ADMIN, Role.DISTRICT})
WHISTLE_LEVELS = (AreaLevel.STREET, AreaLevel.COMMUNITY)


# ------------------------------------------------------------------------ permissions
def responder_parties(user):
    """``(department ids, unit ids)`` the user answers for (one query, cached on the user)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset(), frozenset()
    cached = getattr(user, "_whistle_parties", None)
    if cached is None:
        depts, units = set(), set()
        for dept_id, unit_id in Responder.objects.filter(user_id=user.pk).values_list("department_id", "unit_id"):
            if dept_id:
                depts.add(dept_id)
            if unit_id:
                units.add(unit_id)
        cached = (frozenset(depts), frozenset(units))
        user._whistle_parties = cached
    return cached


def is_responder(user) -> bool:
    """The account answers whistles for a department or a unit (a scope fact: no query of its own)."""
    return get_scope(user).has_fact("responder")


def can_read_whistles(user) -> bool:
    """The whistle list: street and community cadres (and those above them), and the
    departments' and units' accounts (who see the whistles sent to them)."""
    return get_scope(user).has_role(*WHISTLE_ROLES) or is_responder(user)


def can_read_area_rates(user) -> bool:
    """三率 of areas and of every department and unit in them: the managing roles."""
    return get_scope(user).has_role(*WHISTLE_ROLES)


def answers_for(user, target) -> bool:
    depts, units = responder_parties(user)
    return (target.department_id is not None and target.department_id in depts) or (
        target.unit_id is not None and target.unit_id in units
    )


def can_whistle_somewhere(user) -> bool:
    return get_scope(user).has_role(*WHISTLE_ROLES)


def can_whistle(user, area) -> bool:
    return area is not None and area.level in WHISTLE_LEVELS and get_scope(user).covers_area(area, WHISTLE_ROLES)


def is_whistler(user, whistle) -> bool:
    """The whistling side of ``whistle`` (``whistle.area`` loaded): managers over its area."""
    return get_scope(user).covers_area(whistle.area, WHISTLE_ROLES)


def can_manage_department(user, department) -> bool:
    return get_scope(user).covers_area(department.area, DEPARTMENT_ROLES)


def can_manage_departments(user) -> bool:
    return get_scope(user).has_role(*DEPARTMENT_ROLES)


def can_manage_unit_accounts(user, unit) -> bool:
    return get_scope(user).covers_area(unit.community, WHISTLE_ROLES)


def is_whistler_of_target(user, target) -> bool:
    """Confirm or send back a target's answer (``target.whistle`` with its area loaded)."""
    return is_whistler(user, target.whistle)


# Who may take each step of a whistle and of its targets
# (``dangjian.workflow.available_transitions``).  The whistle's other status changes
# follow its targets: no one takes them.
WHISTLE_RULES = {
    WhistleAction.CANCEL: is_whistler,
}
TARGET_RULES = {
    TargetAction.REPORT: answers_for,
    TargetAction.RESOLVE: answers_for,
    TargetAction.CONFIRM: is_whistler_of_target,
    TargetAction.REOPEN: is_whistler_of_target,
}
