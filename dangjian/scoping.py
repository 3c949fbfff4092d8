"""Subtree scoping: what a user was granted, computed once per request.

A ``Grant`` gives a user a role at an area or an organization; it covers that node's whole
subtree.  ``get_scope(user)`` turns the user's grants into tree ranges (``dangjian.trees.Span``
with the role and the node) with one query and caches the result on the user object, so every
queryset in the request can be limited with plain range predicates (``trees.ranges_q``:
set-based, index-friendly).

Models expose ``visible_to(user)`` on their querysets; the base views and viewsets call it.
Objects out of scope are answered with 404, exactly like missing ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db.models import Q

from dangjian import trees
from dangjian.trees import NOTHING, Span  # noqa: F401 - NOTHING re-exported

_CACHE_ATTR = "_dangjian_scope"


@dataclass(frozen=True)
class Range(Span):
    """A granted node's span, with the role granted there and the node."""

    role: str
    node_id: int
    level: int | None = None  # an area's AreaLevel (None for organizations)

    @property
    def pk(self) -> int:
        return self.node_id


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
        return any(r.contains(area) for r in self.areas_for(roles))

    def covers_org(self, org, roles=None) -> bool:
        if self.is_global:
            return True
        if any(r.contains(org) for r in self.orgs_for(roles)):
            return True
        area = org.area
        return area is not None and self.covers_area(area, roles)


def range_q(prefix: str, ranges) -> Q:
    """``Q`` matching rows whose tree node (reached through ``prefix``) lies in any range."""
    return trees.ranges_q(ranges, prefix)


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
        "role", "area_id", *trees.range_fields("area"), "area__level", "org_id", *trees.range_fields("org"),
    )
    for role, area_id, a_tree, a_start, a_end, area_level, org_id, *org_span in rows:
        roles.add(role)
        if area_id:
            area_ranges.append(Range(a_tree, a_start, a_end, role=role, node_id=area_id, level=area_level))
        if org_id:
            org_ranges.append(Range(*org_span, role=role, node_id=org_id))
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
