"""The scoring engine: one run scores every subject of a rubric for one period.

``score_run(run_id)`` works set-based, never one subject at a time:

1. *Subjects* — the areas of the rubric's level (or the organizations of its category) are
   loaded with the whole territory tree (``AreaIndex``) and organization tree
   (``OrgIndex``), one query each.  A skeleton ``Score`` row per subject is upserted and
   the rows of subjects that no longer exist are deleted.
2. *One step per indicator* — one or two ``GROUP BY`` queries over the period's records,
   keyed by the records' own foreign key (a building, a community, an organization);
   the per-node figures are folded onto the subjects in memory with the tree indexes;
   ``assessments.scoring.metrics`` turns every subject's figures into points with an
   explanation; the ``ScoreLine`` rows are upserted in batches
   (``bulk_create(update_conflicts=True)``).  Manual indicators read ``ManualScore``.
3. *Ranking* — totals are summed from the lines (one grouped query), stars given by the
   rubric's thresholds or quotas (quotas within each district), ranks by competition
   ranking among siblings (same ``parent_area``); the ``Score`` rows are upserted.
4. *Finish* — the run is marked done and the dashboard rollups of the period are
   refreshed (Celery task ``assessments.refresh_rollups``, sent after commit).

Each step commits on its own and advances ``done_steps`` (the progress bar); a run that
fails keeps the steps it finished and, when started again, resumes at the start of the
unfinished step.  Re-running a finished run recomputes everything and gives the same
figures (upserts keyed by subject and indicator).

Scale: the number of queries depends on the number of indicators, not of subjects; the
biggest inputs (a year of service records, a million members) are aggregated in the
database, and the Python side handles one row per node or organization.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, Least
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from assessments.checklists.choices import ItemKind, ItemStatus
from assessments.checklists.models import ChecklistItem
from assessments.life import schedule
from assessments.life.models import Activity
from assessments.scoring import metrics, periods, stars
from assessments.scoring.choices import IndicatorSource, RunState, StarMethod, SubjectKind
from assessments.scoring.models import Indicator, ManualScore, Score, ScoreLine, ScoringRun
from dangjian import jobs, trees
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.members.models import CentralHousehold, Member
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.trees.index import AreaIndex, OrgIndex

log = logging.getLogger(__name__)

BATCH = 5000
STALE_AFTER = timedelta(hours=2)  # a run "running" longer than this is taken to have died
ERROR_MAX = 2000


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=schedule.SHANGHAI)


def period_bounds(period) -> tuple[datetime, datetime]:
    """``[first moment, first moment after]`` of a period in Asia/Shanghai."""
    return day_start(period.start), day_start(period.end + timedelta(days=1))


def is_stale(run, now=None) -> bool:
    now = now or timezone.now()
    return run.state == RunState.RUNNING and (run.started_at is None or now - run.started_at > STALE_AFTER)


def total_steps_for(indicator_count: int) -> int:
    """One step per indicator, one for the ranking, one to finish."""
    return indicator_count + 2


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


# ---------------------------------------------------------------- figures by source
def figures_activity_compliance(subjects, period, indicator):
    """Organizations assessed / compliant over the period (the organizational-life rule
    calendar evaluated as of the day after the period: its last month is judged too)."""
    from assessments.life.selectors import RuleBook, month_buckets

    judged_on = period.end + timedelta(days=1)
    book = RuleBook(None, judged_on)
    type_ids = book.counted_type_ids
    if not type_ids:
        return {}
    since = schedule.earliest_period_start(period.start)
    months, bucket = month_buckets(since, judged_on)
    counts: dict[int, dict] = {}
    rows = (
        Activity.objects.filter(
            activity_type_id__in=type_ids, starts_at__gte=day_start(since), starts_at__lt=day_start(judged_on),
        )
        .annotate(month=bucket).order_by().values_list("org_id", "activity_type_id", "month").annotate(n=Count("pk"))
    )
    for org_id, type_id, index, n in rows.iterator(chunk_size=20000):
        counts.setdefault(org_id, {}).setdefault(type_id, {})[months[index]] = n
    values = {}
    orgs = trees.with_spans(PartyOrg.objects.order_by(), "pk", "kind", "category", "founded_on", prefix="area",
                            at_position=True, chunk_size=20000)
    for pk, kind, category, founded_on, place in orgs:
        if founded_on and founded_on > period.end:
            continue  # did not exist yet
        start = max(period.start, founded_on) if founded_on else period.start
        applied = book.rules_for(place=place, kind=kind, category=category, start=start)
        if not applied.plan:
            continue
        compliant = schedule.is_compliant(schedule.evaluate_plan(applied.plan, counts.get(pk, {})))
        values[pk] = {"assessed": 1, "compliant": int(compliant)}
    return fold_orgs(subjects, values)


def figures_member_reporting(subjects, period, indicator):
    """In-service members and those with a report to their residence community valid at
    some time in the period: by residence for area subjects, by their organization for
    organization subjects.  (The 双报到 board shows the same rule on one day; a period's
    score counts a member who was reported in at any time during it.)"""
    from services.checkins.models import MemberReport

    valid = MemberReport.objects.filter(
        trees.ancestors_q(trees.outer("residence"), "community"),
        member=OuterRef("pk"), reported_on__lte=period.end, valid_until__gte=period.start,
    )
    key = "organization_id" if subjects.is_org else "residence_id"
    rows = (
        Member.objects.filter(in_service=True).annotate(has_report=Exists(valid)).order_by().values(key)
        .annotate(in_service=Count("pk"), reported=Count("pk", filter=Q(has_report=True)))
        .values_list(key, "in_service", "reported")
    )
    values = {node: {"in_service": n, "reported": r} for node, n, r in rows if node is not None}
    return fold_orgs(subjects, values) if subjects.is_org else fold_areas(subjects, values)


def figures_service_hours(subjects, period, indicator):
    """Members (by organization) and the hours of their service records in the period."""
    from services.ledger.models import ServiceRecord

    values: dict[int, dict] = defaultdict(dict)
    for org_id, n in Member.objects.order_by().values("organization_id").annotate(n=Count("pk")).values_list("organization_id", "n"):
        values[org_id]["members"] = n
    hours = (
        ServiceRecord.objects.filter(occurred_on__gte=period.start, occurred_on__lte=period.end).order_by()
        .values("member__organization_id").annotate(h=Sum("hours")).values_list("member__organization_id", "h")
    )
    for org_id, h in hours:
        values[org_id]["hours"] = Decimal(h or 0)
    return fold_orgs(subjects, values)


def figures_wish_fulfilment(subjects, period, indicator):
    """Wishes published in the period (not cancelled since) and those fulfilled."""
    from services.wishes.choices import DONE_STATUSES, WishStatus
    from services.wishes.models import Wish

    first, after = period_bounds(period)
    rows = (
        Wish.objects.filter(published_at__gte=first, published_at__lt=after).exclude(status=WishStatus.CANCELLED)
        .order_by().values("building_id", "community_id")
        .annotate(due=Count("pk"), fulfilled=Count("pk", filter=Q(status__in=DONE_STATUSES)))
        .values_list("building_id", "community_id", "due", "fulfilled")
    )
    return fold_areas(subjects, _by_place(rows, ("due", "fulfilled")))


def _rating_counts(field_name="rating"):
    return {
        "satisfied": Count("pk", filter=Q(**{field_name: "satisfied"})),
        "basic": Count("pk", filter=Q(**{field_name: "basic"})),
        "unsatisfied": Count("pk", filter=Q(**{field_name: "unsatisfied"})),
    }


def figures_wish_satisfaction(subjects, period, indicator):
    from services.wishes.models import Wish

    first, after = period_bounds(period)
    rows = (
        Wish.objects.filter(rated_at__gte=first, rated_at__lt=after).exclude(rating="")
        .order_by().values("building_id", "community_id").annotate(**_rating_counts())
        .values_list("building_id", "community_id", "satisfied", "basic", "unsatisfied")
    )
    return fold_areas(subjects, _by_place(rows, ("satisfied", "basic", "unsatisfied")))


def figures_request_rates(subjects, period, indicator):
    """Requests made in the period (not cancelled): accepted within the response limit,
    resolved, and their ratings."""
    from services.requests.choices import REQUEST_DONE_STATUSES, RequestStatus
    from services.requests.models import ServiceRequest

    first, after = period_bounds(period)
    rows = (
        ServiceRequest.objects.filter(created_at__gte=first, created_at__lt=after).exclude(status=RequestStatus.CANCELLED)
        .order_by().values("building_id", "community_id")
        .annotate(
            total=Count("pk"),
            responded=Count("pk", filter=Q(accepted_at__isnull=False, accepted_at__lte=F("response_due"))),
            resolved=Count("pk", filter=Q(status__in=REQUEST_DONE_STATUSES)),
            **_rating_counts(),
        )
        .values_list("building_id", "community_id", "total", "responded", "resolved", "satisfied", "basic", "unsatisfied")
    )
    return fold_areas(subjects, _by_place(rows, ("total", "responded", "resolved", "satisfied", "basic", "unsatisfied")))


def figures_whistle_rates(subjects, period, indicator):
    """Departments and units named by whistles blown in the period (not withdrawn):
    reported in by the deadline, confirmed resolved, and their satisfaction."""
    from services.whistles.choices import TargetStatus, WhistleStatus
    from services.whistles.models import WhistleTarget

    first, after = period_bounds(period)
    rows = (
        WhistleTarget.objects.filter(whistle__created_at__gte=first, whistle__created_at__lt=after)
        .exclude(whistle__status=WhistleStatus.CANCELLED)
        .order_by().values("whistle__area_id")
        .annotate(
            total=Count("pk"),
            responded=Count("pk", filter=Q(reported_at__isnull=False, reported_at__lte=F("whistle__report_due"))),
            resolved=Count("pk", filter=Q(status=TargetStatus.CONFIRMED)),
            **_rating_counts("satisfaction"),
        )
        .values_list("whistle__area_id", "total", "responded", "resolved", "satisfied", "basic", "unsatisfied")
    )
    names = ("total", "responded", "resolved", "satisfied", "basic", "unsatisfied")
    values = {area_id: dict(zip(names, counts, strict=True)) for area_id, *counts in rows}
    return fold_areas(subjects, values)


def _items_of_year(period):
    return ChecklistItem.objects.filter(checklist__year=period.start.year)


def figures_checklist_completion(subjects, period, indicator):
    """Responsibility and assessment items of the year's lists due by the end of the period
    (all of them for the year) and those done or closed — the same items the checklist
    pages count; problems and their rectifications are measured by ``rectification_closure``."""
    items = _items_of_year(period).filter(kind__in=(ItemKind.RESPONSIBILITY, ItemKind.ASSESSMENT))
    if period.kind != "year":
        items = items.filter(due_on__lte=period.end)
    rows = (
        items.order_by().values("checklist__org_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(status__in=(ItemStatus.DONE, ItemStatus.CLOSED))))
        .values_list("checklist__org_id", "total", "done")
    )
    return fold_orgs(subjects, {org_id: {"total": t, "done": d} for org_id, t, d in rows})


def figures_rectification_closure(subjects, period, indicator):
    """Problems listed by the end of the period and those closed (销号) by then."""
    first, after = period_bounds(period)
    rows = (
        _items_of_year(period).filter(kind=ItemKind.PROBLEM, created_at__lt=after).order_by().values("checklist__org_id")
        .annotate(problems=Count("pk"), closed=Count("pk", filter=Q(status=ItemStatus.CLOSED, closed_at__lt=after)))
        .values_list("checklist__org_id", "problems", "closed")
    )
    return fold_orgs(subjects, {org_id: {"problems": p, "closed": c} for org_id, p, c in rows})


def figures_grid_coverage(subjects, period, indicator):
    """Coverage as it stands (coverage is a state, not an event of the period)."""
    from grids.grids.models import Grid, GridArea

    measure = metrics.grid_measure(indicator.params)
    values: dict[int, dict] = {}
    if measure in ("compounds_gridded", "compounds_with_branch"):
        if measure == "compounds_gridded":
            flag = ExpressionWrapper(
                Q(Exists(GridArea.objects.filter(area=OuterRef("pk")))) | Q(Exists(GridArea.objects.filter(area__parent=OuterRef("pk")))),
                output_field=BooleanField(),
            )
        else:
            flag = Exists(PartyOrg.objects.filter(area=OuterRef("pk"), kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND))
        rows = Area.objects.filter(level=AreaLevel.COMPOUND).annotate(flag=flag).order_by().values_list("pk", "flag")
        values = {pk: {"whole": 1, "part": int(bool(flag))} for pk, flag in rows.iterator(chunk_size=20000)}
    elif measure in ("buildings_with_group", "households_covered"):
        buildings = Area.objects.filter(level=AreaLevel.BUILDING)
        if measure == "buildings_with_group":
            rows = (
                buildings.annotate(has_group=Exists(PartyOrg.objects.filter(area=OuterRef("pk"), kind=OrgKind.GROUP)))
                .order_by().values("parent_id").annotate(whole=Count("pk"), part=Count("pk", filter=Q(has_group=True)))
                .values_list("parent_id", "whole", "part")
            )
        else:
            linked = Coalesce(
                CentralHousehold.objects.filter(building=OuterRef("pk")).order_by().values("building")
                .annotate(n=Sum("linked_households")).values("n"),
                Value(0), output_field=IntegerField(),
            )
            rows = (
                buildings.annotate(linked=Least(F("households"), linked)).order_by().values("parent_id")
                .annotate(whole=Coalesce(Sum("households"), 0), part=Coalesce(Sum("linked"), 0))
                .values_list("parent_id", "whole", "part")
            )
        values = {parent: {"whole": w, "part": p} for parent, w, p in rows if parent is not None}
    elif measure == "grids_with_branch":
        rows = (
            Grid.objects.order_by().values("community_id")
            .annotate(whole=Count("pk"), part=Count("pk", filter=Q(party_branch__isnull=False)))
            .values_list("community_id", "whole", "part")
        )
        values = {c: {"whole": w, "part": p} for c, w, p in rows}
    return fold_areas(subjects, values)


def figures_manual(subjects, period, indicator):
    rows = ManualScore.objects.filter(indicator=indicator, period_key=period.key).values_list("subject_id", "points", "note")
    return {subject_id: {"points": points, "note": note} for subject_id, points, note in rows}


FIGURES = {
    IndicatorSource.ACTIVITY_COMPLIANCE: figures_activity_compliance,
    IndicatorSource.MEMBER_REPORTING: figures_member_reporting,
    IndicatorSource.SERVICE_HOURS: figures_service_hours,
    IndicatorSource.WISH_FULFILMENT: figures_wish_fulfilment,
    IndicatorSource.WISH_SATISFACTION: figures_wish_satisfaction,
    IndicatorSource.REQUEST_RATES: figures_request_rates,
    IndicatorSource.WHISTLE_RATES: figures_whistle_rates,
    IndicatorSource.CHECKLIST_COMPLETION: figures_checklist_completion,
    IndicatorSource.RECTIFICATION_CLOSURE: figures_rectification_closure,
    IndicatorSource.GRID_COVERAGE: figures_grid_coverage,
    IndicatorSource.MANUAL: figures_manual,
}


# ---------------------------------------------------------------- links to records
def _reverse(name, args=(), fallback=None):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


class Links:
    """The records list behind a line, as a path + query (bases reversed once per indicator)."""

    def __init__(self, subjects: Subjects, period, indicator):
        self.subjects, self.period, self.indicator = subjects, period, indicator
        source = indicator.source
        self.make = {
            IndicatorSource.ACTIVITY_COMPLIANCE: self._compliance,
            IndicatorSource.MEMBER_REPORTING: self._reporting,
            IndicatorSource.SERVICE_HOURS: self._hours,
            IndicatorSource.WISH_FULFILMENT: self._wishes,
            IndicatorSource.WISH_SATISFACTION: self._wishes,
            IndicatorSource.REQUEST_RATES: self._requests,
            IndicatorSource.WHISTLE_RATES: self._whistles,
            IndicatorSource.CHECKLIST_COMPLETION: self._checklists,
            IndicatorSource.RECTIFICATION_CLOSURE: self._checklists,
            IndicatorSource.GRID_COVERAGE: self._coverage,
            IndicatorSource.MANUAL: self._manual,
        }.get(source)
        self.base = {}
        if source == IndicatorSource.ACTIVITY_COMPLIANCE:
            self.base["area"] = _reverse("assessments:compliance", args=[0])
            self.base["org"] = _reverse("assessments:org_calendar", args=[0])
        elif source == IndicatorSource.SERVICE_HOURS:
            self.base["list"] = _reverse("assessments:service_hours")
        elif source in (IndicatorSource.WISH_FULFILMENT, IndicatorSource.WISH_SATISFACTION):
            self.base["list"] = _reverse("services:wish_list", fallback="/services/wishes/")
        elif source == IndicatorSource.REQUEST_RATES:
            self.base["list"] = _reverse("requests:list", fallback="/services/requests/")
        elif source == IndicatorSource.WHISTLE_RATES:
            self.base["list"] = _reverse("whistles:list", fallback="/services/whistles/")
        elif source == IndicatorSource.MEMBER_REPORTING:
            self.base["board"] = _reverse("reporting:board", args=[0])
        elif source in (IndicatorSource.CHECKLIST_COMPLETION, IndicatorSource.RECTIFICATION_CLOSURE):
            self.base["list"] = _reverse("checklist:index", fallback="/checklists/")
        elif source == IndicatorSource.GRID_COVERAGE:
            self.base["area"] = _reverse("grids:coverage", args=[0])
        elif source == IndicatorSource.MANUAL:
            self.base["list"] = _reverse("scoring:manual")

    @staticmethod
    def _with_id(base, pk):
        return base.replace("/0/", f"/{pk}/") if base else None

    def __call__(self, subject_id) -> str | None:
        return self.make(subject_id) if self.make else None

    def _compliance(self, s):
        if self.subjects.is_org:
            return self._with_id(self.base["org"], s)
        return self._with_id(self.base["area"], s)

    def _hours(self, s):
        base = self.base.get("list")
        if not base:
            return None
        target = f"org={s}" if self.subjects.is_org else f"within={s}"
        return f"{base}?{target}&year={self.period.start.year}"

    def _community_link(self, base, s):
        community = self.subjects.community_of.get(s)
        if not base:
            return None
        return f"{base}?community={community}" if community else base

    def _wishes(self, s):
        return self._community_link(self.base.get("list"), s)

    def _requests(self, s):
        return self._community_link(self.base.get("list"), s)

    def _whistles(self, s):
        return self.base.get("list")

    def _reporting(self, s):
        community = self.subjects.community_of.get(s)
        return self._with_id(self.base.get("board"), community) if community else None

    def _checklists(self, s):
        base = self.base.get("list")
        return f"{base}?year={self.period.start.year}" if base else None

    def _coverage(self, s):
        return self._with_id(self.base.get("area"), self.subjects.area_of[s])

    def _manual(self, s):
        base = self.base.get("list")
        return f"{base}?indicator={self.indicator.pk}&subject={s}&period={self.period.key}" if base else None


# ---------------------------------------------------------------------- the steps
def indicator_lines(subjects: Subjects, period, indicator, score_ids: dict[int, int]) -> list[ScoreLine]:
    """Every subject's line for one indicator (one or two grouped queries)."""
    figures = FIGURES[indicator.source](subjects, period, indicator)
    link = Links(subjects, period, indicator)
    lines = []
    for subject_id in subjects.ids:
        score_id = score_ids.get(subject_id)
        if score_id is None:
            continue
        m = metrics.measure(indicator.source, figures.get(subject_id, {}), indicator.max_points, indicator.params,
                            months=period.months)
        evidence = dict(m.evidence)
        url = link(subject_id)
        if url:
            evidence["url"] = url
        lines.append(ScoreLine(
            score_id=score_id, indicator_id=indicator.pk, value=m.value, points=m.points, max_points=m.max_points,
            explanation=m.explanation[:500], evidence=evidence,
        ))
    return lines


def upsert_lines(lines) -> None:
    for i in range(0, len(lines), BATCH):
        ScoreLine.objects.bulk_create(
            lines[i:i + BATCH], update_conflicts=True, unique_fields=["score", "indicator"],
            update_fields=["value", "points", "max_points", "explanation", "evidence"],
        )


def _score_rows(run, subjects: Subjects, max_total, now, totals=None, ranking=None) -> list[Score]:
    rows = []
    for s in subjects.ids:
        stars_, rank, rank_of = (ranking or {}).get(s, (0, 0, 0))
        rows.append(Score(
            rubric_id=run.rubric_id, run_id=run.pk, period_key=run.period_key, subject_id=s,
            area_id=subjects.area_of[s], org_id=subjects.org_of[s], parent_area_id=subjects.parent_area[s],
            total=(totals or {}).get(s, Decimal("0.00")), max_total=max_total, stars=stars_, rank=rank, rank_of=rank_of,
            computed_at=now,
        ))
    return rows


def upsert_scores(rows, fields) -> None:
    for i in range(0, len(rows), BATCH):
        Score.objects.bulk_create(
            rows[i:i + BATCH], update_conflicts=True, unique_fields=["rubric", "period_key", "subject_id"], update_fields=fields,
        )


def prepare_scores(run, subjects: Subjects, max_total) -> tuple[dict[int, int], bool]:
    """Upsert the skeleton score of every subject, delete the scores of subjects that no
    longer exist; return ``({subject: score id}, whether any subject is new)``."""
    existing = dict(Score.objects.filter(rubric_id=run.rubric_id, period_key=run.period_key).values_list("subject_id", "pk"))
    wanted = set(subjects.ids)
    stale = [pk for subject_id, pk in existing.items() if subject_id not in wanted]
    for i in range(0, len(stale), BATCH):
        Score.objects.filter(pk__in=stale[i:i + BATCH]).delete()
    added = bool(wanted - existing.keys())
    upsert_scores(_score_rows(run, subjects, max_total, timezone.now()),
                  ["run", "area", "org", "parent_area", "max_total", "computed_at"])
    ids = dict(Score.objects.filter(rubric_id=run.rubric_id, period_key=run.period_key).values_list("subject_id", "pk"))
    return ids, added


def rank_scores(run, rubric, subjects: Subjects, max_total, indicator_ids) -> None:
    """Totals from the lines, stars and sibling ranks; one grouped query and the upserts."""
    sums = (
        ScoreLine.objects.filter(score__rubric_id=run.rubric_id, score__period_key=run.period_key, indicator_id__in=indicator_ids)
        .order_by().values("score__subject_id").annotate(t=Sum("points")).values_list("score__subject_id", "t")
    )
    totals = {s: Decimal(t or 0).quantize(metrics.POINTS) for s, t in sums}
    for s in subjects.ids:
        totals.setdefault(s, Decimal("0.00"))
    star_of = stars.assign_stars(
        StarMethod.QUOTA if rubric.star_method == StarMethod.QUOTA else StarMethod.THRESHOLD,
        ((s, subjects.quota_group[s], totals[s], max_total) for s in subjects.ids),
        thresholds=rubric.star_thresholds, quotas=rubric.star_quotas,
    )
    ranks = stars.rank_siblings((s, subjects.parent_area[s], totals[s]) for s in subjects.ids)
    ranking = {s: (star_of[s], *ranks[s]) for s in subjects.ids}
    upsert_scores(_score_rows(run, subjects, max_total, timezone.now(), totals, ranking),
                  ["run", "total", "max_total", "stars", "rank", "rank_of", "computed_at"])


# ------------------------------------------------------------------------ the run
def claim(run_id):
    """Take the run for this worker: pending, failed, done or a dead "running" → running.
    Returns ``(run, first step to compute)``, or ``(run, None)`` when another worker
    is already running it."""
    with transaction.atomic():
        run = ScoringRun.objects.select_for_update().select_related("rubric").get(pk=run_id)
        if run.state == RunState.RUNNING and not is_stale(run):
            return run, None
        resume = run.state in (RunState.FAILED, RunState.RUNNING, RunState.PENDING)
        indicator_count = Indicator.objects.filter(rubric_id=run.rubric_id).count()
        run.total_steps = total_steps_for(indicator_count)
        if not resume or run.done_steps > indicator_count:
            run.done_steps = 0
        run.state = RunState.RUNNING
        run.attempts += 1
        run.started_at = timezone.now()
        run.finished_at = None
        run.error = ""
        run.save(update_fields=["total_steps", "done_steps", "state", "attempts", "started_at", "finished_at", "error"])
        return run, run.done_steps


def _progress(run, done_steps, **fields) -> None:
    ScoringRun.objects.filter(pk=run.pk).update(done_steps=done_steps, **fields)
    run.done_steps = done_steps
    for name, value in fields.items():
        setattr(run, name, value)


def score_run(run_id: int):
    """Compute (or resume) one scoring run; see the module docstring.  Returns the run.
    A failure is written to the run (state failed, error text) and raised again."""
    run, first_step = claim(run_id)
    if first_step is None:
        log.info("scoring run %s is already running elsewhere", run_id)
        return run
    try:
        _compute(run, first_step)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
        ScoringRun.objects.filter(pk=run.pk).update(state=RunState.FAILED, error=message, finished_at=timezone.now())
        run.state, run.error = RunState.FAILED, message
        log.exception("scoring run %s failed at step %s", run.pk, run.done_steps + 1)
        raise
    return run


def _compute(run, first_step: int) -> None:
    rubric = run.rubric
    period = periods.parse(run.period_key)
    indicators = list(Indicator.objects.filter(rubric_id=rubric.pk).order_by("sort_order", "pk"))
    max_total = sum((i.max_points for i in indicators), Decimal("0")).quantize(metrics.POINTS)
    subjects = load_subjects(rubric)
    with transaction.atomic():
        score_ids, added = prepare_scores(run, subjects, max_total)
        if added and first_step:
            first_step = 0  # a new subject has no lines of the steps already done: start over
        _progress(run, first_step, subjects=len(subjects.ids))
    for step in range(first_step, len(indicators)):
        indicator = indicators[step]
        lines = indicator_lines(subjects, period, indicator, score_ids)
        with transaction.atomic():
            upsert_lines(lines)
            _progress(run, step + 1)
    with transaction.atomic():
        rank_scores(run, rubric, subjects, max_total, [i.pk for i in indicators])
        _progress(run, len(indicators) + 1)
    with transaction.atomic():
        _progress(run, run.total_steps, state=RunState.DONE, finished_at=timezone.now())
        refresh_rollups_later(run.period_key)


def refresh_rollups_later(period_key: str) -> None:
    """Ask for the dashboard rollups of the period: a job of the outbox (``dangjian.jobs``),
    written with the caller's transaction and sent after it commits, so a broker that is down
    never fails a finished run and the sweeper sends it later.  Requests for one period fold
    into the one still waiting; the request carries its time, so a refresh that already
    happened since (``seed_demo`` refreshing synchronously) makes it a no-op."""
    from assessments.dashboard.tasks import refresh_rollups_task

    jobs.enqueue(refresh_rollups_task, dedupe=f"rollups:{period_key}",
                 period_key=period_key, requested_at=timezone.now().isoformat())
