"""The positions-and-network part of ``seed_demo``: every feature's ``demo.py`` (listed in
``FEATURES``) offers

* ``seed_for_demo(ctx: DemoContext) -> dict[str, int]`` — its rows on the demo trees just
  loaded, through ``bulk_create`` (a fixed number of queries per batch, never a save per
  row); the counts it returns are printed, e.g. ``{"街道党群服务中心": 20}``;
* ``flush_for_demo(area_trees, org_trees)`` — deletes its rows on those trees before the
  trees are flushed (its foreign keys protect areas and organizations).

Each feature is one timed phase (``timings[<module>]``).
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module

# Dotted paths of the features' demo modules, in seeding order (a later one may read the rows
# of an earlier one: projects read centres, funds read projects, designations read the rest).
FEATURES: tuple[str, ...] = (
    "network.centres.demo",
    "network.designations.demo",
    "network.instructors.demo",
    "organizations.temporary.demo",
    "organizations.roles.demo",
    "network.committees.demo",
    "network.projects.demo",
    "network.funds.demo",
)


@dataclass
class DemoContext:
    scale: str                      # "small" | "dandong" | "province"
    seed: int
    today: date
    area_trees: list[int]           # the demo area trees (``dangjian.trees.in_trees_q``)
    org_trees: list[int]            # the demo organization trees
    users: dict = field(default_factory=dict)   # demo username → User (admin, district, street, community, …)
    nodes: dict = field(default_factory=dict)   # demo username → the Area its grant is on
    log: object = print

    def rng(self, name: str) -> random.Random:
        """A generator of its own per feature: the same seed gives the same rows whatever
        the other features draw."""
        return random.Random(f"{self.seed}-{name}")


def seed_all(ctx: DemoContext, timings: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in FEATURES:
        started = time.perf_counter()
        made = import_module(path).seed_for_demo(ctx) or {}
        timings[path] = time.perf_counter() - started
        counts.update(made)
    return counts


def flush_all(area_trees, org_trees) -> None:
    for path in reversed(FEATURES):
        import_module(path).flush_for_demo(area_trees, org_trees)
