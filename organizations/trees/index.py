"""Whole-tree indexes for set-based rollups: load the territory (or organization) tree once,
then answer "which ancestor of level L contains node X" in memory.

Aggregates over many subtrees at once — every community's wishes, every street's service
hours, every district's members — are computed in two steps: one ``GROUP BY`` query on
the records' own foreign key (a building, a community, an organization), then a fold of
those per-node figures up the tree with an index loaded in one more query.  That keeps the
number of queries fixed however many subjects there are, and avoids a range join per
subject.  Only selectors, scoring and rollups use this; views never do.

    index = AreaIndex.load()                       # one query
    index.ancestor_at(building_id, AreaLevel.COMMUNITY)
    index.fold({building_id: 3, ...}, levels=(AreaLevel.STREET,))   # {street_id: 3, ...}
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass
class TreeIndex:
    """Parent links and levels of the nodes of a tree (any model with ``parent``)."""

    parent: dict[int, int | None] = field(default_factory=dict)
    level: dict[int, int] = field(default_factory=dict)
    _chains: dict[int, tuple[int, ...]] = field(default_factory=dict, repr=False)

    def add(self, pk: int, parent_id: int | None, level: int) -> None:
        self.parent[pk] = parent_id
        self.level[pk] = level

    def __contains__(self, pk) -> bool:
        return pk in self.parent

    def __len__(self) -> int:
        return len(self.parent)

    def chain(self, pk: int) -> tuple[int, ...]:
        """``pk`` and its ancestors up to the root, nearest first (empty if unknown)."""
        cached = self._chains.get(pk)
        if cached is not None:
            return cached
        path = []
        node = pk
        while node is not None and node in self.parent:
            hit = self._chains.get(node)
            if hit is not None:
                path.extend(hit)
                break
            path.append(node)
            node = self.parent[node]
        chain = tuple(path)
        # memoize the chains of the nodes walked, so a second walk through them is O(1)
        for i, node in enumerate(chain):
            if node in self._chains:
                break
            self._chains[node] = chain[i:]
        return chain

    def ancestor_at(self, pk: int, level: int) -> int | None:
        """The node of ``level`` on the path from ``pk`` to the root (``pk`` itself if it is of that level)."""
        for node in self.chain(pk):
            node_level = self.level[node]
            if node_level == level:
                return node
            if node_level < level:
                return None
        return None

    def nodes_of(self, level: int) -> list[int]:
        return [pk for pk, lv in self.level.items() if lv == level]

    def fold(self, values: Mapping[int, float | int], levels: Iterable[int] | None = None) -> dict[int, float | int]:
        """Sum per-node ``values`` onto every ancestor (and the node itself) of the given
        ``levels`` (all levels when None).  Nodes missing from the index are ignored."""
        wanted = None if levels is None else frozenset(levels)
        totals: dict[int, float | int] = defaultdict(int)
        for pk, value in values.items():
            if not value:
                continue
            for node in self.chain(pk):
                if wanted is None or self.level[node] in wanted:
                    totals[node] += value
        return dict(totals)

    def fold_many(self, values: Mapping[int, Mapping[str, float | int]], levels: Iterable[int] | None = None) -> dict[int, dict]:
        """``fold`` for several named figures at once: ``{node: {"a": 1, "b": 2}}``."""
        wanted = None if levels is None else frozenset(levels)
        totals: dict[int, dict] = defaultdict(lambda: defaultdict(int))
        for pk, figures in values.items():
            chain = [n for n in self.chain(pk) if wanted is None or self.level[n] in wanted]
            for name, value in figures.items():
                if not value:
                    continue
                for node in chain:
                    totals[node][name] += value
        return {node: dict(figures) for node, figures in totals.items()}


class AreaIndex(TreeIndex):
    """The territory tree by the domain ``level`` (市 1 … 单元 7)."""

    @classmethod
    def load(cls, *, max_level: int | None = None, queryset=None) -> AreaIndex:
        """One query: every area (of at most ``max_level``) with its parent and level."""
        from organizations.areas.models import Area

        rows = Area.objects.all() if queryset is None else queryset
        if max_level is not None:
            rows = rows.filter(level__lte=max_level)
        index = cls()
        for pk, parent_id, level in rows.values_list("pk", "parent_id", "level").iterator(chunk_size=20000):
            index.add(pk, parent_id, level)
        return index


class OrgIndex(TreeIndex):
    """The party-organization tree by mptt depth (0 = root), with each organization's anchor area."""

    area: dict[int, int | None]

    @classmethod
    def load(cls, *, queryset=None) -> OrgIndex:
        from organizations.orgs.models import PartyOrg

        rows = PartyOrg.objects.all() if queryset is None else queryset
        index = cls()
        index.area = {}
        for pk, parent_id, depth, area_id in rows.values_list("pk", "parent_id", "depth", "area_id").iterator(chunk_size=20000):
            index.add(pk, parent_id, depth)
            index.area[pk] = area_id
        return index
