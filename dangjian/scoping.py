"""Subtree scoping: what a user was granted, computed once per request.

A ``Grant`` gives a user a role at an area or an organization; it covers that node's whole
subtree.  ``get_scope(user)`` turns the user's grants into tree ranges ``(tree_id, lft,
rght)`` with one query and caches the result on the user object, so every queryset in the
request can be limited with plain range predicates (set-based, index-friendly).

Models expose ``visible_to(user)`` on their querysets; the base views and viewsets call it.
Objects out of scope are answered with 404, exactly like missing ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.apps import apps
from django.conf import settings
from django.db.models import Q

_CACHE_ATTR = "_dangjian_scope"


@dataclass(frozen=True)
class Range:
    role: str
    tree_id: int
    lft: int
    rght: int
    node_id: int
    level: int | None = None  # an area's AreaLevel (None for organizations)

    @property
    def pk(self) -> int:
        return self.node_id

    def covers(self, tree_id: int, lft: int) -> bool:
        return self.tree_id == tree_id and self.lft <= lft <= self.rght


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_global: bool = False
    area_ranges: tuple[Range, ...] = ()
    org_ranges: tuple[Range, ...] = ()
    roles: frozenset = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not self.is_global and not self.area_ranges and not self.org_ranges

    def has_role(self, *roles) -> bool:
        return self.is_global or bool(self.roles.intersection(roles))

    def areas_for(self, roles=None) -> tuple[Range, ...]:
        return tuple(r for r in self.area_ranges if roles is None or r.role in roles)

    def orgs_for(self, roles=None) -> tuple[Range, ...]:
        return tuple(r for r in self.org_ranges if roles is None or r.role in roles)

    def covers_area(self, area, roles=None) -> bool:
        if self.is_global:
            return True
        return any(r.covers(area.tree_id, area.lft) for r in self.areas_for(roles))

    def covers_org(self, org, roles=None) -> bool:
        if self.is_global:
            return True
        if any(r.covers(org.tree_id, org.lft) for r in self.orgs_for(roles)):
            return True
        area = org.area
        return area is not None and self.covers_area(area, roles)


NOTHING = Q(pk__in=[])


def range_q(prefix: str, ranges) -> Q:
    """``Q`` matching rows whose tree node (reached through ``prefix``) lies in any range."""
    if not ranges:
        return NOTHING
    p = f"{prefix}__" if prefix else ""
    return reduce(
        or_,
        (Q(**{f"{p}tree_id": r.tree_id, f"{p}lft__gte": r.lft, f"{p}lft__lte": r.rght}) for r in ranges),
    )


def get_scope(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope(user_id=None)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    Grant = apps.get_model(settings.SCOPE_GRANT_MODEL)
    area_ranges, org_ranges, roles = [], [], set()
    is_global = bool(user.is_superuser)
    rows = Grant.objects.filter(user=user, is_active=True).values_list(
        "role",
        "area_id", "area__tree_id", "area__lft", "area__rght", "area__level",
        "org_id", "org__tree_id", "org__lft", "org__rght",
    )
    for role, area_id, a_tree, a_lft, a_rght, a_level, org_id, o_tree, o_lft, o_rght in rows:
        roles.add(role)
        if area_id:
            area_ranges.append(Range(role, a_tree, a_lft, a_rght, area_id, a_level))
        if org_id:
            org_ranges.append(Range(role, o_tree, o_lft, o_rght, org_id))
    scope = Scope(
        user_id=user.pk,
        is_global=is_global,
        area_ranges=tuple(area_ranges),
        org_ranges=tuple(org_ranges),
        roles=frozenset(roles),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope (after grants change within the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
