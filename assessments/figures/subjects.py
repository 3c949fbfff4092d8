"""The subjects a figure is computed for, and the folds of per-node figures onto them.

A figure (``assessments.figures.sources``) counts the records of a period set-based, keyed by
the records' own foreign key (a building, a community, an organization), and folds those
per-node figures onto its subjects — areas of one level or organizations of one category —
with the whole-tree indexes (``organizations.trees.index``).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from assessments.life import schedule
from assessments.scoring.choices import SubjectKind
from dangjian import trees
from organizations.areas.choices import AreaLevel
from organizations.orgs.models import PartyOrg
from organizations.trees.index import AreaIndex, OrgIndex


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=schedule.SHANGHAI)


def period_bounds(period) -> tuple[datetime, datetime]:
    """``[first moment, first moment after]`` of a period in Asia/Shanghai."""
    return day_start(period.start), day_start(period.end + timedelta(days=1))




# ----------------------------------------------------------------------- subjects
@dataclass
class Subjects:
    kind: str
    ids: list[int]
    area_of: dict[int, int]
    org_of: dict[int, int | None]
    parent_area: dict[int, int | None]
    quota_group: dict[int, int | None]
    areas: AreaIndex
    orgs: OrgIndex
    community_of: dict[int, int | None] = field(default_factory=dict)
    # Subjects inside one subtree (a report over a district's communities, one organization's
    # checklist): the records are read from that subtree only.  None: the whole city (scoring).
    root_area: trees.Span | None = None
    root_org: trees.Span | None = None

    @property
    def is_org(self) -> bool:
        return self.kind == SubjectKind.ORG

    def records_q(self, *, org: str | None = None, area: str | None = None) -> Q:
        """The records a figure reads, limited to the subjects' subtree: ``org`` names the
        path from the record to its organization, ``area`` to its place (either may be
        missing).  Nothing is limited for the whole city."""
        if self.root_org is not None and org is not None:
            return trees.subtree_q(self.root_org, org)
        root = self.root_area
        if root is None:
            return Q()
        if area is not None:
            return trees.subtree_q(root, area)
        if org is not None:
            return trees.subtree_q(root, f"{org}__area" if org else "area")
        return Q()


def load_subjects(rubric) -> Subjects:
    """The rubric's subjects with the two tree indexes (three queries)."""
    areas = AreaIndex.load()
    orgs = OrgIndex.load()
    if rubric.subject_kind == SubjectKind.ORG:
        ids = list(PartyOrg.objects.filter(category=rubric.org_category).order_by("pk").values_list("pk", flat=True))
        area_of = {pk: orgs.area[pk] for pk in ids}
        org_of = {pk: pk for pk in ids}
        parent_area = {}
        for pk in ids:
            parent = orgs.parent.get(pk)
            parent_area[pk] = orgs.area.get(parent) if parent is not None else areas.parent.get(area_of[pk])
    else:
        level = rubric.area_level
        ids = sorted(areas.nodes_of(level))
        area_of = {pk: pk for pk in ids}
        org_of = dict.fromkeys(ids)
        parent_area = {pk: areas.parent.get(pk) for pk in ids}
    quota_group = {pk: areas.ancestor_at(area_of[pk], AreaLevel.DISTRICT) for pk in ids}
    community_of = {pk: areas.ancestor_at(area_of[pk], AreaLevel.COMMUNITY) for pk in ids}
    return Subjects(rubric.subject_kind, ids, area_of, org_of, parent_area, quota_group, areas, orgs, community_of)


def subjects_within(*, areas=None, orgs=None) -> Subjects:
    """Subjects given as nodes — ``areas`` (Area rows of one level) or ``orgs`` (PartyOrg
    rows) — inside one subtree: the indexes hold that subtree and its ancestors only, and the
    figures read the records of that subtree only.  Three queries whatever the number of
    subjects; the subtree is the smallest node holding them all (their common ancestor)."""
    from organizations.areas.models import Area

    if orgs is not None:
        orgs = list(orgs)
        root = _common_root(PartyOrg, orgs)
        org_index = OrgIndex.load(queryset=PartyOrg.objects.filter(_subtree_and_up(root)) if root else PartyOrg.objects.none())
        anchors = [org_index.area.get(o.pk) for o in orgs]
        anchor_root = _common_root(Area, list(Area.objects.filter(pk__in=[a for a in anchors if a])))
        area_index = AreaIndex.load(queryset=Area.objects.filter(_subtree_and_up(anchor_root)) if anchor_root else Area.objects.none())
        ids = [o.pk for o in orgs]
        area_of = {o.pk: org_index.area.get(o.pk) for o in orgs}
        org_of = {pk: pk for pk in ids}
        parent_area = {pk: area_index.parent.get(area_of[pk]) for pk in ids}
        kind, root_area, root_org = SubjectKind.ORG, (trees.span(anchor_root) if anchor_root else None), (trees.span(root) if root else None)
    else:
        areas = list(areas or ())
        root = _common_root(Area, areas)
        area_index = AreaIndex.load(queryset=Area.objects.filter(_subtree_and_up(root)) if root else Area.objects.none())
        org_index = OrgIndex.load(queryset=PartyOrg.objects.filter(trees.subtree_q(root, "area")) if root else PartyOrg.objects.none())
        ids = [a.pk for a in areas]
        area_of = {pk: pk for pk in ids}
        org_of = dict.fromkeys(ids)
        parent_area = {pk: area_index.parent.get(pk) for pk in ids}
        kind, root_area, root_org = SubjectKind.AREA, (trees.span(root) if root else None), None
    quota_group = {pk: area_index.ancestor_at(area_of[pk], AreaLevel.DISTRICT) if area_of[pk] else None for pk in ids}
    community_of = {pk: area_index.ancestor_at(area_of[pk], AreaLevel.COMMUNITY) if area_of[pk] else None for pk in ids}
    subjects = Subjects(kind, ids, area_of, org_of, parent_area, quota_group, area_index, org_index, community_of)
    subjects.root_area, subjects.root_org = root_area, root_org
    return subjects


def _subtree_and_up(root) -> Q:
    return trees.subtree_q(root) | trees.ancestors_q(root)


def _common_root(model, nodes):
    """The smallest node of ``model`` whose subtree holds every node (one query; None for none
    or for nodes of different trees)."""
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return None
    if len(nodes) == 1:
        return nodes[0]
    spans = [trees.span(n) for n in nodes]
    if len({s.tree for s in spans}) > 1:
        return None
    first = min(spans, key=lambda s: s.start)
    last = max(spans, key=lambda s: s.end)
    holder = trees.Span(first.tree, first.start, last.end)
    return (
        model.objects.filter(trees.ancestors_q(holder)).order_by(*trees.preorder()).last()
    )


# -------------------------------------------------------------------------- folding
def _add(into: dict, figures: dict) -> None:
    for name, value in figures.items():
        if value:
            into[name] = into.get(name, 0) + value


def fold_areas(subjects: Subjects, values: dict[int, dict]) -> dict[int, dict]:
    """Per-area figures (any node) summed onto each subject's area subtree."""
    index = subjects.areas
    if subjects.is_org:
        anchors = {subjects.area_of[s] for s in subjects.ids}
        levels = {index.level[a] for a in anchors if a in index.level}
        folded = index.fold_many(values, levels=levels)
        return {s: folded[subjects.area_of[s]] for s in subjects.ids if subjects.area_of[s] in folded}
    wanted = set(subjects.ids)
    level = index.level[subjects.ids[0]] if subjects.ids else None
    folded = index.fold_many(values, levels=(level,)) if level is not None else {}
    return {s: figures for s, figures in folded.items() if s in wanted}


def fold_orgs(subjects: Subjects, values: dict[int, dict]) -> dict[int, dict]:
    """Per-organization figures summed onto the subjects: for area subjects by the
    organizations' anchor areas; for organization subjects over each one's subtree of
    the organization tree (the subject and the organizations under it)."""
    if not subjects.is_org:
        by_area: dict[int, dict] = defaultdict(dict)
        for org_id, figures in values.items():
            area_id = subjects.orgs.area.get(org_id)
            if area_id is not None:
                _add(by_area[area_id], figures)
        return fold_areas(subjects, by_area)
    wanted = set(subjects.ids)
    out: dict[int, dict] = defaultdict(dict)
    for org_id, figures in values.items():
        for node in subjects.orgs.chain(org_id):
            if node in wanted:
                _add(out[node], figures)
    return dict(out)


def _by_place(rows, names) -> dict[int, dict]:
    """Rows ``(building_id, community_id, *counts)`` keyed by the building, else the community."""
    out: dict[int, dict] = defaultdict(dict)
    for building_id, community_id, *counts in rows:
        key = building_id or community_id
        if key is not None:
            _add(out[key], dict(zip(names, counts, strict=True)))
    return out


