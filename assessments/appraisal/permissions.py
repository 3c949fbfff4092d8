"""Who may do what in 民主评议党员.

* **The branch's cadres** — a managing role whose grant covers the branch
  (``organizations.orgs.permissions.can_manage_org``): open the round, grade the members,
  confirm the result; take a confirmed round back (reopen) before the superior approves.
* **The superior** — as for the four lists (``assessments.checklists.permissions.is_superior``:
  a managing grant over the branch's parent organization, never on the branch itself or
  inside it): approve a confirmed round, or send it back with a reason.
* **A party member** — their own grades, once confirmed (``my_appraisals``).

Pages and menus ask the cheap rules here (the request's cached scope, no query); out of
scope is a 404 everywhere.
"""
from __future__ import annotations

from assessments.appraisal.choices import AppraisalAction
from assessments.checklists import permissions as checklist_permissions
from dangjian.access import signed_in
from dangjian.scoping import get_scope
from organizations.grants.choices import MANAGE_ROLES
from organizations.orgs.permissions import can_manage_org


def can_open_appraisals(user) -> bool:
    """The rounds' pages (list, detail, figures): a managing role."""
    return signed_in(user) and get_scope(user).has_role(*MANAGE_ROLES)


def can_grade(user, org) -> bool:
    """Open, grade, confirm (``org.area`` loaded)."""
    return can_manage_org(user, org)


def is_superior(user, org) -> bool:
    """Approve or send back (``org.area``, ``org.parent.area`` loaded)."""
    return checklist_permissions.is_superior(user, org)


def can_confirm(user, appraisal) -> bool:
    return can_grade(user, appraisal.org)


def can_approve(user, appraisal) -> bool:
    return is_superior(user, appraisal.org)


def can_reopen(user, appraisal) -> bool:
    return can_grade(user, appraisal.org) or is_superior(user, appraisal.org)


def has_own_record(user) -> bool:
    """“我的评议”: a signed-in user linked to a member record (the scope's fact)."""
    return signed_in(user) and get_scope(user).has_fact("member")


APPRAISAL_RULES = {
    AppraisalAction.CONFIRM: can_confirm,
    AppraisalAction.APPROVE: can_approve,
    AppraisalAction.REOPEN: can_reopen,
}
