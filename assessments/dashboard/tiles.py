"""The dashboard's panel of positions and the regional network (阵地与区域化党建): current
figures of an area's subtree (service centres, projects, funds, joint committees,
instructors, temporary branches, positions held and terms, designations, residents'
deliberation), each feature's
``selectors.area_tiles(user, area)`` in ``SOURCES`` order.

They are read live, not from the nightly rollup: each source answers with a few grouped
queries over its own small tables whatever the subtree's size, and the panel is its own
request (``dashboard:network``, loaded by the area page after it is shown), so the area
page's budget does not carry them.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy

from dangjian.access import may_open_path

# (section title, dotted path of the feature's ``area_tiles``)
SOURCES: tuple[tuple[str, str], ...] = (
    (gettext_lazy("党群服务阵地"), "network.centres.selectors.area_tiles"),
    (gettext_lazy("示范点与星级党支部"), "network.designations.selectors.area_tiles"),
    (gettext_lazy("项目化服务"), "network.projects.selectors.area_tiles"),
    (gettext_lazy("经费"), "network.funds.selectors.area_tiles"),
    (gettext_lazy("区域化党建"), "network.committees.selectors.area_tiles"),
    (gettext_lazy("两新组织与党建指导员"), "network.instructors.selectors.area_tiles"),
    (gettext_lazy("临时党支部"), "organizations.temporary.selectors.area_tiles"),
    (gettext_lazy("任职与换届"), "organizations.roles.selectors.area_tiles"),
    (gettext_lazy("居民议事"), "services.deliberation.selectors.area_tiles"),
)


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    tiles: tuple[Tile, ...]


def _linked_if_open(user, tile: Tile) -> Tile:
    """A tile links to its list only for a user that list lets in (a grid worker reads the
    dashboard but not, say, the funds pages): otherwise it shows its figure without a link."""
    if tile.url and not may_open_path(user, tile.url):
        return Tile(label=tile.label, value=tile.value, note=tile.note)
    return tile


def sections(user, area, sources=None) -> list[Section]:
    """The panel's sections; a source with nothing to show (no tiles) is left out."""
    out = []
    for title, path in SOURCES if sources is None else sources:
        tiles = tuple(_linked_if_open(user, Tile(**tile)) for tile in import_string(path)(user, area))
        if tiles:
            out.append(Section(str(title), tiles))
    return out
