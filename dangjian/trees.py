"""The one tree API: subtree and ancestor tests, tree order, tree-write serialization and the
bulk tree path.

Both trees (territory and party organizations) are django-mptt nested sets: a node holds
``tree_id`` (which tree), ``lft`` and ``rght`` (its pre-order interval; its subtree is every
node of the same tree whose ``lft`` lies in ``[lft, rght]``).  Code outside this module does
not name those columns: it asks for what it means —

    Area.objects.filter(subtree_q(area))                    # the area and its subtree
    Member.objects.filter(subtree_q(area, "residence"))     # members living in it
    PartyOrg.objects.filter(ranges_q(scope.org_ranges))     # inside any granted range
    GridArea.objects.filter(ancestors_q(area, "area"))      # places on the path to the root
    containing(Area.objects, building, level=AreaLevel.COMMUNITY).first()   # its community
    qs.order_by(*tree_order("community"), "name")           # tree order (index friendly)
    qs.values_list("pk", *range_fields("area"))             # the columns, for a fold in memory

so the predicates are written once, exactly as the ``(tree_id, lft)`` indexes want them
(``tree_id = t AND lft >= a AND lft <= b`` for a subtree; ``lft <= x AND rght >= y`` for
ancestors), and the tree library could be swapped behind this module.

Nodes and spans.  Every function taking a ``node`` accepts a tree model instance (loaded with
its tree columns), a ``values()`` row (with ``prefix``), a ``Span`` (what ``span(node)``
returns; a granted ``dangjian.scoping.Range`` is one), a ``position(node)`` (a zero-width
span at the node's start: "the path from this node up" without reading ``rght``), or
``outer(prefix)`` / ``ref(prefix)`` (the columns of the outer row of a correlated subquery,
or of the row itself, as expressions).

Modules that still name the columns, and why (a search for the three names outside
migrations and tests finds only these):

* ``organizations/areas/models.py``, ``organizations/orgs/models.py`` — the tree models
  themselves: their ``(tree_id, lft)`` indexes (everything else there goes through here).
* ``organizations/trees/check.py`` — the consistency check (``check_trees``) tests the
  columns themselves (``lft < rght``, a child strictly inside its parent, no shared values);
  ``organizations/trees/index.py`` (the in-memory index of parent links) needs none today.
* ``organizations/demo/generator.py``, ``organizations/imports/importers.py`` — bulk loads
  that number new nodes (next free tree id; ``assign_tree_fields`` for new trees,
  ``make_room`` + ``graft_tree_fields`` under existing nodes) and write the columns with
  ``bulk_create`` (Habit 5).
* ``organizations/members/places.py`` — the members' denormalized ancestor columns are
  derived from the nested ranges set-based: ``chain_of`` joins the area table to itself in
  raw SQL (one query per member save) and ``chains`` walks the nested ranges of many trees
  in memory.
"""
from __future__ import annotations

import zlib
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import F, OuterRef, Q

# mptt's column names (both trees use the defaults)
_TREE, _LEFT, _RIGHT = "tree_id", "lft", "rght"

NOTHING = Q(pk__in=[])  # matches no row; Django drops it from an OR and skips a query on its own


def _path(prefix: str, column: str) -> str:
    """``prefix`` may be written with or without its trailing ``__``."""
    prefix = prefix.removesuffix("__")
    return f"{prefix}__{column}" if prefix else column


@dataclass(frozen=True)
class Span:
    """Where a node sits: its tree and the pre-order interval ``[start, end]`` its subtree fills.

    ``contains`` tests in memory what ``subtree_q`` tests in SQL."""

    tree: int
    start: int
    end: int

    def contains(self, node, *, include_self: bool = True) -> bool:
        """``node`` lies in this span's subtree (``include_self``: or is this node); only
        ``node``'s position is read."""
        other = position(node)
        if other.tree != self.tree:
            return False
        if include_self:
            return self.start <= other.start <= self.end
        return self.start < other.start <= self.end

    @property
    def key(self) -> tuple:
        """Sort key: tree order (``tree_order``), in memory."""
        return (self.tree, self.start)


def span(node, prefix: str = "") -> Span:
    """The ``Span`` of a tree node, of a ``values()`` row (the node reached through
    ``prefix``), or ``node`` itself when it already is one."""
    if isinstance(node, Span):
        return node
    if isinstance(node, Mapping):
        return Span(node[_path(prefix, _TREE)], node[_path(prefix, _LEFT)], node[_path(prefix, _RIGHT)])
    return Span(node.tree_id, node.lft, node.rght)


def position(node, prefix: str = "") -> Span:
    """A zero-width span at ``node``'s start: its place in the tree.  ``ancestors_q`` of a
    position matches every node whose interval holds that place (``lft <= p AND rght >= p``);
    a values() row needs only ``position_fields``."""
    if isinstance(node, Span):
        return Span(node.tree, node.start, node.start)
    if isinstance(node, Mapping):
        return Span(node[_path(prefix, _TREE)], node[_path(prefix, _LEFT)], node[_path(prefix, _LEFT)])
    return Span(node.tree_id, node.lft, node.lft)


def outer(prefix: str = "", *, at_position: bool = False) -> Span:
    """The node of the outer query's row (reached through ``prefix``) as ``OuterRef``
    expressions, for correlated subqueries: ``subtree_q(outer(), "residence")`` are the rows
    living in the outer area's subtree.  ``at_position``: as ``position``."""
    return Span(
        OuterRef(_path(prefix, _TREE)), OuterRef(_path(prefix, _LEFT)),
        OuterRef(_path(prefix, _LEFT if at_position else _RIGHT)),
    )


def ref(prefix: str = "") -> Span:
    """The node of the row itself (reached through ``prefix``) as ``F`` expressions, for
    ``annotate`` (``start`` is its pre-order position)."""
    return Span(F(_path(prefix, _TREE)), F(_path(prefix, _LEFT)), F(_path(prefix, _RIGHT)))


# ------------------------------------------------------------------------ predicates
def subtree_q(node, prefix: str = "", *, include_self: bool = True, check_tree: bool = True) -> Q:
    """Rows whose node (reached through ``prefix``) lies in ``node``'s subtree, ``node``
    itself included unless ``include_self=False``:
    ``tree_id = t AND lft >= start AND lft <= end`` (strictly inside: ``> start AND < end``).
    ``check_tree=False`` leaves out the tree test, for rows already limited to ``node``'s
    tree (a ``CASE`` over the children of one node)."""
    s = span(node)
    lookups = {_path(prefix, _TREE): s.tree} if check_tree else {}
    if include_self:
        lookups[_path(prefix, f"{_LEFT}__gte")] = s.start
        lookups[_path(prefix, f"{_LEFT}__lte")] = s.end
    else:
        lookups[_path(prefix, f"{_LEFT}__gt")] = s.start
        lookups[_path(prefix, f"{_LEFT}__lt")] = s.end
    return Q(**lookups)


def ranges_q(ranges: Iterable, prefix: str = "", *, include_self: bool = True) -> Q:
    """Rows whose node (reached through ``prefix``) lies in any of the subtrees of ``ranges``
    (nodes or spans, e.g. a user's granted ranges; ``include_self`` as in ``subtree_q``);
    ``NOTHING`` when there are none."""
    parts = [subtree_q(r, prefix, include_self=include_self) for r in ranges]
    return reduce(or_, parts) if parts else NOTHING


def ancestors_q(node, prefix: str = "", *, include_self: bool = True) -> Q:
    """Rows whose node (reached through ``prefix``) is an ancestor of ``node`` (or ``node``
    itself unless ``include_self=False``): ``tree_id = t AND lft <= start AND rght >= end``
    (strictly: ``<``, ``>``)."""
    s = span(node)
    lt, gt = ("lte", "gte") if include_self else ("lt", "gt")
    return Q(**{
        _path(prefix, _TREE): s.tree,
        _path(prefix, f"{_LEFT}__{lt}"): s.start,
        _path(prefix, f"{_RIGHT}__{gt}"): s.end,
    })


def containing(queryset, node, *, include_self: bool = True, **filters):
    """The nodes of ``queryset`` on the path from ``node`` to its root that also match
    ``filters`` — e.g. ``containing(Area.objects, building, level=AreaLevel.COMMUNITY)`` is
    the community holding the building (``.first()``)."""
    return queryset.filter(ancestors_q(node, include_self=include_self), **filters)


def tree_q(node, prefix: str = "") -> Q:
    """Rows whose node (reached through ``prefix``) belongs to ``node``'s tree."""
    return Q(**{_path(prefix, _TREE): span(node).tree})


def in_trees_q(tree_ids: Iterable, prefix: str = "") -> Q:
    """Rows whose node (reached through ``prefix``) belongs to one of these trees."""
    return Q(**{_path(prefix, f"{_TREE}__in"): list(tree_ids)})


def contains(ancestor, node, *, include_self: bool = True) -> bool:
    """In memory: ``node`` lies in ``ancestor``'s subtree (both loaded with tree columns)."""
    return span(ancestor).contains(node, include_self=include_self)


def outermost(nodes: Iterable) -> list:
    """The nodes (or spans), one per node, that lie in no other one of them — in their order;
    of several entries for one node, the last is kept."""
    unique = list({span(n).key: n for n in nodes}.values())
    return [n for n in unique if not any(o is not n and contains(o, n, include_self=False) for o in unique)]


# ------------------------------------------------------------------ columns and order
def tree_field(prefix: str = "") -> str:
    """The path of the node's tree column (for ``values()``/``values_list()``: the tree)."""
    return _path(prefix, _TREE)


def range_fields(prefix: str = "") -> tuple[str, str, str]:
    """The paths of the node's tree columns, in ``Span`` order, for ``values()``,
    ``values_list()`` and ``only()``; ``span(row, prefix)`` reads them back."""
    return (_path(prefix, _TREE), _path(prefix, _LEFT), _path(prefix, _RIGHT))


def position_fields(prefix: str = "") -> tuple[str, str]:
    """The paths of the columns ``position(row, prefix)`` reads."""
    return (_path(prefix, _TREE), _path(prefix, _LEFT))


def with_spans(rows, *fields, prefix: str = "", at_position: bool = False, chunk_size: int | None = None):
    """``(*fields, span)`` for each row of the queryset ``rows``: one ``values_list`` query
    reading ``fields`` and the node's columns (reached through ``prefix``; ``at_position``:
    only what ``position`` needs).  ``chunk_size``: streamed with ``iterator()``."""
    columns = position_fields(prefix) if at_position else range_fields(prefix)
    rows = rows.values_list(*fields, *columns)
    if chunk_size:
        rows = rows.iterator(chunk_size=chunk_size)
    n = len(fields)
    for row in rows:
        tree, start = row[n], row[n + 1]
        yield (*row[:n], Span(tree, start, start if at_position else row[n + 2]))


def tree_order(prefix: str = "") -> tuple[str, str]:
    """``order_by(*tree_order())``: tree by tree, each in pre-order (depth first, a node before
    its subtree) — the ``(tree_id, lft)`` index order."""
    return (_path(prefix, _TREE), _path(prefix, _LEFT))


def preorder(prefix: str = "") -> tuple[str]:
    """``order_by(*preorder())``: pre-order position alone, for rows of one tree (the children
    or the subtree of one node)."""
    return (_path(prefix, _LEFT),)


class Locator:
    """Which of some spans that do not nest (the nodes of one level, the children of one node)
    holds a node, in memory: ``Locator((span, value), ...).find(node)`` is the value of the
    span containing ``node`` (None if none does), by binary search per tree."""

    def __init__(self, pairs: Iterable[tuple[Span, object]]):
        by_tree = defaultdict(list)
        for s, value in pairs:
            by_tree[s.tree].append((s.start, s.end, value))
        self._trees = {}
        for tree, rows in by_tree.items():
            rows.sort(key=lambda r: r[0])
            self._trees[tree] = ([r[0] for r in rows], rows)

    def find(self, node, default=None):
        s = position(node)
        found = self._trees.get(s.tree)
        if found is None:
            return default
        starts, rows = found
        i = bisect_right(starts, s.start) - 1
        if i >= 0 and rows[i][1] >= s.start:
            return rows[i][2]
        return default


# ------------------------------------------------------------------------- writes
def lock_tree_writes(model) -> None:
    """Serialize writes to one tree table until the current transaction ends.

    PostgreSQL: a transaction-level advisory lock keyed on the table name (every tree write
    in the project takes it, so concurrent inserts cannot interleave their lft/rght shifts).
    SQLite: writers are already serialized (transactions open IMMEDIATE), nothing to do.
    Must be called inside ``transaction.atomic()``.
    """
    if connection.vendor == "postgresql":
        key = zlib.crc32(model._meta.db_table.encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _children_and_roots(nodes, parent_key):
    children = defaultdict(list)
    roots = []
    get_parent = parent_key or (lambda n: getattr(n, "_bulk_parent", None))
    for node in nodes:
        parent = get_parent(node)
        if parent is None:
            roots.append(node)
        else:
            children[id(parent)].append(node)
    return roots, children


def _number(roots, children, tree_id: int, start: int, depth: int) -> int:
    """Number the forest ``roots`` depth-first from ``start`` in tree ``tree_id``; returns
    the next free position."""
    counter = start
    stack = [(root, depth, False) for root in reversed(roots)]
    while stack:
        node, level, closing = stack.pop()
        if closing:
            node.rght = counter
            counter += 1
            continue
        node.tree_id = tree_id
        node.lft = counter
        node.depth = level
        counter += 1
        stack.append((node, level, True))
        for child in reversed(children.get(id(node), ())):
            stack.append((child, level + 1, False))
    return counter


def assign_tree_fields(nodes, *, first_tree_id: int = 1, parent_key=None, existing=None) -> int:
    """Fill mptt fields (tree_id, lft, rght, depth) on unsaved nodes in memory.

    ``nodes`` are model instances whose ``parent`` is another node of the list (by
    identity) or None for a root; numbering is depth-first in list order, exactly what
    ``TreeManager.rebuild()`` would write, but in O(n) and without one UPDATE per row, so a
    bulk load is ``assign_tree_fields`` + ``bulk_create``.  Returns the next free tree id.
    """
    roots, children = _children_and_roots(nodes, parent_key)
    tree_id = first_tree_id
    for root in roots:
        _number([root], children, tree_id, 1, 0)
        tree_id += 1
    return tree_id


def graft_tree_fields(nodes, *, under: Span, depth: int, start: int, parent_key=None) -> int:
    """Fill mptt fields on unsaved nodes that become the last children (and their
    subtrees) of an existing node: ``under`` is that node's span, ``depth`` its children's
    depth, ``start`` the first free position (its ``rght`` once ``make_room`` has opened the
    gap).  Nodes whose parent (``parent_key``, as in ``assign_tree_fields``) is None hang
    directly under it, in list order.  Returns the position after the last one."""
    roots, children = _children_and_roots(nodes, parent_key)
    return _number(roots, children, under.tree, start, depth)


def make_room(model, tree: int, gaps: Iterable[tuple[int, int]], *, chunk: int = 100) -> None:
    """Open gaps in one tree's numbering for nodes about to be inserted, set-based.

    ``gaps`` are ``(position, width)`` in the current numbering (to append under a node:
    its ``rght`` and twice the number of new nodes); every ``lft``/``rght`` at or after a
    position moves right by the widths of all gaps at or before it.  Only the nodes after
    the first gap (on its right, and the ancestors around it) are touched, by one UPDATE
    per ``chunk`` gaps — however large the tree, a one-node insert is one statement.
    Call it under ``lock_tree_writes``."""
    from django.db.models import Case, IntegerField, Value, When

    gaps = sorted(gaps)
    for end in range(len(gaps), 0, -chunk):  # the highest positions first: lower gaps are still unmoved
        part = gaps[max(0, end - chunk):end]

        def shifted(column, part=part):
            whens, total = [], sum(width for _, width in part)
            for position, width in reversed(part):
                whens.append(When(**{f"{column}__gte": position}, then=Value(total)))
                total -= width
            return F(column) + Case(*whens, default=Value(0), output_field=IntegerField())

        model._default_manager.filter(**{_TREE: tree, f"{_RIGHT}__gte": part[0][0]}).update(
            **{_LEFT: shifted(_LEFT), _RIGHT: shifted(_RIGHT)}
        )
