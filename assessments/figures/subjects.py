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

from assessments.life import schedule
from assessments.scoring.choices import SubjectKind
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

    @property
    def is_org(self) -> bool:
        return self.kind == SubjectKind.ORG


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


