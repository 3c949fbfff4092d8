"""Subtree scoping: what a user was granted, computed once per request.

A ``Grant`` gives a user a role at an area or an organization; it covers that node's whole
subtree.  ``get_scope(user)`` turns the user's grants into tree ranges (``dangjian.trees.Span``
with the role and the node) with one query and caches the result on the user object, so every
queryset in the request can be limited with plain range predicates (``trees.ranges_q``:
set-based, index-friendly).

Models expose ``visible_to(user)`` on their querysets; the base views and viewsets call it.
Objects out of scope are answered with 404, exactly like missing ones.  A scoped model's
queryset is a ``ScopedQuerySet`` that declares its rule instead of writing ``visible_to``:

    class ScoreQuerySet(ScopedQuerySet):
        scope_paths = (InArea("area"), InOrg("org"))   # the area or the organization is granted

    class MemberQuerySet(ScopedQuerySet):
        scope_paths = (InArea("residence", ROSTER_ROLES), InArea("organization__area", ROSTER_ROLES),
                       InOrg("organization", ROSTER_ROLES))

        def scope_q(self, scope, user):                # a richer rule: add to the declared one
            return super().scope_q(scope, user) | Q(user_id=user.pk)

    class DiaryEntryQuerySet(ScopedQuerySet):
        scope_paths = (Through("grid"),)                # visible with its (scoped) grid

The base answers a global user with every row and an anonymous one with none, once;
``scope_q(scope, user)`` is only asked for signed-in users without a global role.
``granted(user, *rules)`` applies other rules the same way (a selector narrowing a model to
the grants of some roles: ``Area.objects.granted(user, InArea("", MANAGE_ROLES))``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian import trees
from dangjian.trees import NOTHING, Span

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


# ------------------------------------------------------------------ scoped querysets
@dataclass(frozen=True)
class InArea:
    """Visible when the area reached through ``path`` ("" = the row itself) lies in one of
    the user's granted area ranges (only those of ``roles``, when given)."""

    path: str = ""
    roles: frozenset | None = None

    def q(self, queryset, scope, user) -> Q:
        return trees.ranges_q(scope.areas_for(self.roles), self.path)


@dataclass(frozen=True)
class InOrg:
    """Visible when the organization reached through ``path`` lies in one of the user's
    granted organization ranges (only those of ``roles``, when given)."""

    path: str = ""
    roles: frozenset | None = None

    def q(self, queryset, scope, user) -> Q:
        return trees.ranges_q(scope.orgs_for(self.roles), self.path)


@dataclass(frozen=True)
class Through:
    """Visible when the row that the foreign key ``path`` leads to is visible (that model's
    own ``visible_to``, as an ``IN`` subquery)."""

    path: str

    def q(self, queryset, scope, user) -> Q:
        related = queryset.model._meta.get_field(self.path).related_model
        return Q(**{f"{self.path}__in": related._default_manager.visible_to(user).values("pk")})


def _any(parts) -> Q:
    parts = list(parts)
    return reduce(or_, parts) if parts else NOTHING


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows who may see its rows: ``visible_to(user)`` is every row for a
    global user, none for an anonymous one, and ``scope_q(scope, user)`` otherwise — by
    default the OR of the ``scope_paths`` declarations (``InArea``, ``InOrg``, ``Through``);
    a richer rule overrides ``scope_q`` (and may add to ``super().scope_q``)."""

    scope_paths: tuple = ()

    def scope_q(self, scope: Scope, user) -> Q:
        """Rows a signed-in, non-global user may see (``scope`` is ``get_scope(user)``)."""
        return _any(rule.q(self, scope, user) for rule in self.scope_paths)

    def visible_to(self, user):
        return self._scoped(user, lambda scope: self.scope_q(scope, user))

    def granted(self, user, *rules):
        """Rows the given rules allow (``InArea``/``InOrg``/``Through``): every row for a global
        user, none for an anonymous one — for selectors narrowing to the grants of some roles."""
        return self._scoped(user, lambda scope: _any(rule.q(self, scope, user) for rule in rules))

    def _scoped(self, user, rows_q):
        """Global users see every row and anonymous ones none, whatever the rule; the others
        the rows of ``rows_q(scope)``."""
        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        if scope.user_id is None:
            return self.none()
        return self.filter(rows_q(scope))


def get_scope(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope(user_id=None)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    Grant = apps.get_model(settings.SCOPE_GRANT_MODEL)
    rows = Grant.objects.filter(user=user, is_active=True).values_list(
        "role", "area_id", *trees.range_fields("area"), "area__level", "org_id", *trees.range_fields("org"),
    )
    return _cache_scope(user, rows)


def scope_from_grants(user, grants) -> Scope:
    """The scope of ``user`` from their active grants already loaded with their area and
    organization (``select_related("area", "org")``, as a page listing them reads them),
    cached as ``get_scope`` caches it — a page that shows the grants need not read them twice."""
    if user is None or not getattr(user, "is_authenticated", False):
        return get_scope(user)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    rows = []
    for g in grants:
        area_span = trees.span(g.area) if g.area_id else trees.Span(None, None, None)
        org_span = trees.span(g.org) if g.org_id else trees.Span(None, None, None)
        rows.append((g.role, g.area_id, area_span.tree, area_span.start, area_span.end,
                     g.area.level if g.area_id else None, g.org_id, org_span.tree, org_span.start, org_span.end))
    return _cache_scope(user, rows)


def _cache_scope(user, rows) -> Scope:
    """Build the scope of ``user`` from ``(role, area_id, *area span, area level, org_id,
    *org span)`` rows and cache it on the user object."""
    area_ranges, org_ranges, roles = [], [], set()
    is_global = bool(user.is_superuser)
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
