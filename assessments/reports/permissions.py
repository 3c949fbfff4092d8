"""Who may do what with one-table reports.

* **The definer** — a district or street role (``DEFINE_ROLES``) whose grant covers the
  report's defining area: edits a draft, publishes, computes, closes, exports.
* **Staff of the definer's tree** see its reports (``Report.visible_to``); a community cadre
  sees the published reports that ask something of a subject it covers, and fills them.
* The figure catalogue page is open to every staff role (not to a party member's account).

Every rule reads the request's cached scope (no query); ``org.area`` must be loaded.
"""
from assessments.reports.choices import DEFINE_ROLES, FILL_ROLES, ReportAction, ReportStatus
from dangjian.scoping import get_scope
from organizations.grants.choices import Role

STAFF_ROLES = frozenset(set(Role) - {Role.MEMBER})


def can_open_reports(user) -> bool:
    """May open the report list (a definer, or a cadre who may be asked)."""
    return get_scope(user).has_role(*FILL_ROLES)


def can_define(user) -> bool:
    return get_scope(user).has_role(*DEFINE_ROLES)


def can_read_catalogue(user) -> bool:
    return get_scope(user).has_role(*STAFF_ROLES)


def is_definer(user, report) -> bool:
    """The report's defining area lies in the user's defining subtree (``report.area`` loaded)."""
    return get_scope(user).covers_area(report.area, DEFINE_ROLES)


def can_edit(user, report) -> bool:
    return report.status == ReportStatus.DRAFT and is_definer(user, report)


def can_publish(user, report) -> bool:
    return is_definer(user, report)


def can_close(user, report) -> bool:
    return is_definer(user, report)


def can_compute(user, report) -> bool:
    return report.status != ReportStatus.DRAFT and is_definer(user, report)


def can_export(user, report) -> bool:
    return is_definer(user, report)


def can_fill_area(user, area) -> bool:
    return area is not None and get_scope(user).covers_area(area, FILL_ROLES)


def can_fill_org(user, org) -> bool:
    return org is not None and get_scope(user).covers_org(org, FILL_ROLES)


REPORT_RULES = {
    ReportAction.PUBLISH: can_publish,
    ReportAction.CLOSE: can_close,
}
