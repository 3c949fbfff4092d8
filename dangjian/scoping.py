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
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Exists, FilteredRelation, OuterRef, Q

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
    facts: frozenset = field(default_factory=frozenset)  # the ``SCOPE_USER_FACTS`` true of the user

    @property
    def is_empty(self) -> bool:
        return not self.is_global and not self.area_ranges and not self.org_ranges

    def has_role(self, *roles) -> bool:
        return self.is_global or bool(self.roles.intersection(roles))

    def has_fact(self, name: str) -> bool:
        """A ``SCOPE_USER_FACTS`` fact about the user (not implied by a global role)."""
        return name in self.facts

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


class GoverningRulesQuerySet(ScopedQuerySet):
    """Versioned rule sets by area (``area`` empty = the default set): everyone signed in sees
    the default; a locality's override is seen by users above it (its area lies in their
    subtree) and by users inside it (its area is an ancestor-or-self of their grant), since it
    governs their organizations.  The organizational-life rules, the dues brackets and the
    development rules are such sets."""

    scope_paths = (InArea("area"),)

    def scope_q(self, scope, user):
        governing = Q(pk__in=[])
        for r in scope.area_ranges:
            governing |= trees.ancestors_q(r, "area")
        return Q(area__isnull=True) | super().scope_q(scope, user) | governing


def _user_facts() -> dict:
    """``settings.SCOPE_USER_FACTS`` as ``{name: (model, user field)}``: facts about a user
    (“has a party-member record”, “answers whistles for a unit”) that pages and the menu
    ask of every request, read with the grants in the scope's one query."""
    facts = {}
    for name, (label, field_name) in getattr(settings, "SCOPE_USER_FACTS", {}).items():
        facts[name] = (apps.get_model(label), field_name)
    return facts


def get_scope(user) -> Scope:
    """The user's scope: their active grants' ranges and roles, and the declared user facts
    (``Scope.has_fact``) — one query (the user row, its grants as a left join, one
    ``EXISTS`` a fact), cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope(user_id=None)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    Grant = apps.get_model(settings.SCOPE_GRANT_MODEL)
    grants = Grant._meta.get_field("user").related_query_name()
    facts = _user_facts()
    area_ranges, org_ranges, roles, true_facts = [], [], set(), set()
    is_global = bool(user.is_superuser)
    rows = (
        get_user_model()._default_manager.filter(pk=user.pk)
        .annotate(_grant=FilteredRelation(grants, condition=Q(**{f"{grants}__is_active": True})))
        .annotate(**{
            f"_fact_{name}": Exists(model._default_manager.filter(**{field_name: OuterRef("pk")}))
            for name, (model, field_name) in facts.items()
        })
        .values_list(
            "_grant__role", "_grant__area_id", *trees.range_fields("_grant__area"), "_grant__area__level",
            "_grant__org_id", *trees.range_fields("_grant__org"), *(f"_fact_{name}" for name in facts),
        )
    )
    for role, area_id, a_tree, a_start, a_end, area_level, org_id, o_tree, o_start, o_end, *flags in rows:
        true_facts.update(name for name, flag in zip(facts, flags, strict=True) if flag)
        if role is None:  # the user's row without an active grant
            continue
        roles.add(role)
        if area_id:
            area_ranges.append(Range(a_tree, a_start, a_end, role=role, node_id=area_id, level=area_level))
        if org_id:
            org_ranges.append(Range(o_tree, o_start, o_end, role=role, node_id=org_id))
    scope = Scope(
        user_id=user.pk,
        is_global=is_global,
        area_ranges=tuple(area_ranges),
        org_ranges=tuple(org_ranges),
        roles=frozenset(roles),
        facts=frozenset(true_facts),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope (after grants change within the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
