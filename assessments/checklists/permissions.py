"""Who may do what with an organization's four lists (四张清单).

Two parties, both decided from the request's cached scope (``dangjian.scoping``):

* **The organization's own cadres** — a managing role (``MANAGE_ROLES``: 系统管理员,
  区委组织部, 街道党工委, 社区党委/社区工作者) whose grant covers the organization or the
  area it is anchored to (``scope.covers_org(org, MANAGE_ROLES)``).  They draft the list,
  add, edit and delete its items, submit it, fill in progress during the year (complete
  items, 销号 rectifications, add problems found by 月调度/半年督查/观摩评议) and write the
  year-end report (书记述职).
* **The superior** — a managing role whose grant covers the organization's *parent*
  organization (or the parent's area), held on a node that is **not** the organization
  itself nor inside its subtree.  They approve or return the list, write the mid-year
  check notes and appraise the year-end report (好/较好/一般/差).

A cadre never approves or appraises their own organization's list: a user holding a
managing grant on the organization (or its area) or inside its subtree is refused even if
another of their grants sits above it.  So a community cadre granted on the community
area cannot approve the community committee's list (their grant is the committee's own
area, and it does not reach the street organization above it) but approves the list of a
compound branch under the committee; a street cadre approves the community's list.
A root organization (no parent) has no superior in the tree: only a global administrator
(superuser) approves it.  Superusers may do everything.

Out of scope (the list's organization is not visible) is a 404 everywhere; the helpers
here only answer in-scope questions.  ``superior_q(user)`` is the same rule as a ``Q`` on
checklists, for "lists awaiting my approval" (constant queries).
"""
from __future__ import annotations

from django.db.models import Q

from assessments.checklists.choices import ChecklistAction
from dangjian import trees
from dangjian.scoping import get_scope
from dangjian.trees import NOTHING
from organizations.grants.choices import MANAGE_ROLES

CHECKLIST_ROLES = frozenset(MANAGE_ROLES)


def _is_own(scope, org) -> bool:
    """A managing grant on the organization (or its area) itself or inside its subtree."""
    area = org.area
    if any(trees.contains(org, r) for r in scope.orgs_for(CHECKLIST_ROLES)):
        return True
    return area is not None and any(trees.contains(area, r) for r in scope.areas_for(CHECKLIST_ROLES))


def _covers_parent(scope, org) -> bool:
    parent = org.parent
    if parent is None:
        return False
    if any(r.contains(parent) for r in scope.orgs_for(CHECKLIST_ROLES)):
        return True
    area = parent.area
    return area is not None and any(r.contains(area) for r in scope.areas_for(CHECKLIST_ROLES))


# ------------------------------------------------------------------- own cadres
def can_edit(user, org) -> bool:
    """Draft, edit items, submit, record progress, write the 述职 report (``org.area`` loaded)."""
    return org is not None and get_scope(user).covers_org(org, CHECKLIST_ROLES)


def can_create_anywhere(user) -> bool:
    return get_scope(user).has_role(*CHECKLIST_ROLES)


# --------------------------------------------------------------------- superior
def is_superior(user, org) -> bool:
    """Approve, return, mid-year check notes, appraise (``org.area``, ``org.parent.area`` loaded)."""
    if org is None:
        return False
    scope = get_scope(user)
    if scope.is_global:
        return True
    return _covers_parent(scope, org) and not _is_own(scope, org)


def can_review_anywhere(user) -> bool:
    return get_scope(user).has_role(*CHECKLIST_ROLES)


def superior_q(user, prefix: str = "org") -> Q:
    """Checklists (``prefix`` leads to the organization) the user reviews as the superior,
    as one ``Q`` built from the user's grants (no query)."""
    scope = get_scope(user)
    if scope.is_global:
        return Q()
    p = f"{prefix}__"
    above = NOTHING
    for r in scope.orgs_for(CHECKLIST_ROLES):
        above |= trees.subtree_q(r, f"{p}parent")
    for r in scope.areas_for(CHECKLIST_ROLES):
        above |= trees.subtree_q(r, f"{p}parent__area")
    own = NOTHING  # the organization (or its area) holds a grant: on its path up from the grant
    for r in scope.orgs_for(CHECKLIST_ROLES):
        own |= trees.ancestors_q(trees.position(r), prefix)
    for r in scope.areas_for(CHECKLIST_ROLES):
        own |= trees.ancestors_q(trees.position(r), f"{p}area")
    return above & ~own


def can_submit(user, checklist) -> bool:
    return can_edit(user, checklist.org)


def can_review(user, checklist) -> bool:
    """Approve or return (``checklist.org`` with its parent loaded)."""
    return is_superior(user, checklist.org)


# Who may take each step of a list (``dangjian.workflow.available_transitions``).
CHECKLIST_RULES = {
    ChecklistAction.SUBMIT: can_submit,
    ChecklistAction.APPROVE: can_review,
    ChecklistAction.RETURN: can_review,
}
