"""Dashboard rollups: every area's figures for a period, computed set-based and stored in
``AreaRollup`` so the dashboard pages never aggregate raw records.

How
    One ``GROUP BY`` per record table on the record's own foreign key (a community, a
    building, an area an organization is anchored to…), then a fold of those per-node
    figures onto every ancestor of the levels 市/区/街道/社区/小区 with ``AreaIndex``
    (loaded once).  The number of queries is fixed whatever the size of the trees: about
    fifteen per period plus the upsert batches.  Rows are upserted on ``(area,
    period_key)``: a second refresh of the same period replaces its rows (idempotent), so
    the refresh the scoring engine asks for after each run (``assessments.refresh_rollups``)
    invalidates what the page showed; the page shows ``computed_at``.

Periods
    Keys as the scoring engine uses them: ``"2026"`` (year), ``"2026-Q3"`` (quarter),
    ``"2026-11"`` (month).  Records are counted by the local (Asia/Shanghai) date of their
    creation inside the period; snapshot figures (members, organizations, grids) are the
    current ones; "as of" figures (compliance, reporting) are taken on the period's last
    day, or today for the period in progress.  By default the current year to date is
    refreshed; ``trends=True`` adds the last 12 months and the last 4 quarters.

Figures (``AreaRollup.figures``, every count for the area's whole subtree, itself included)
    ``period``      key, kind, start, end, as_of (ISO dates)
    ``areas``       descendant areas by level: streets, communities, compounds, buildings
    ``members``     total, full, probationary, in_service — by residence (as on the area pages)
    ``orgs``        total and by kind (committee, working_committee, general_branch, branch,
                    group), compound_branches (小区党支部), building_groups (楼栋党小组)
    ``grids``       grids, grids_with_branch (a community or above: the grids of its communities;
                    a compound: the distinct grids covering it or one of its buildings, as the
                    coverage page counts them), compounds, compounds_gridded (the compound or
                    one of its buildings is in a grid), compounds_with_branch, coverage (% gridded)
    ``compliance``  orgs (assessed: some periodic rule applies), compliant (nothing overdue in
                    the rolling 12 months up to as_of), total, rate (%)
    ``wishes``      created in the period: total, fulfilled (已完成/已评价), rejected, cancelled,
                    rated, satisfied, basic, unsatisfied, fulfilment_rate (% of those neither
                    rejected nor cancelled), satisfaction (%, 基本满意 counts 0.9)
    ``requests``    created in the period and not cancelled: total, overdue_open (still open and
                    past a deadline now), responded (accepted by response_due), resolved
                    (已办结/已评价), satisfied, basic, unsatisfied, and the 三率 in %:
                    response_rate, resolution_rate, satisfaction_rate, composite
    ``whistles``    targets of the whistles whistled in the period (not withdrawn): whistles,
                    targets, responded (reported by report_due), resolved (确认办结), escalated
                    (escalation stage > 0), satisfied, basic, unsatisfied, and the 三率 in %
    ``service``     hours (service records dated in the period, of members living in the
                    subtree), per_member (hours / members.total)
    ``reporting``   in_service (in-service members living there), reported (a valid report
                    to their residence community on as_of), rate (%)
    ``scores``      scores of the period whose subject lies in the subtree: count, avg_pct
                    (average of total / max total, %), stars {"0".."5"}, buckets (percent bands)
Rates are percentages with two decimals, ``None`` when the denominator is empty; the 三率
come from ``services.whistles.rates`` (weighting from settings).  The weakest units are not stored:
the page reads them from ``Score`` with an index.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from assessments.life import schedule
from assessments.scoring import periods
from assessments.scoring.choices import PeriodKind
from dangjian import trees
from organizations.areas.choices import AreaLevel
from organizations.members.choices import MemberStatus
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.trees.index import AreaIndex

ROLLUP_LEVELS = (AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.COMPOUND)
SATISFACTION_KEYS = ("satisfied", "basic", "unsatisfied")
# Score percent bands for the score distribution chart: (key, lower bound inclusive).
SCORE_BUCKETS = (("lt60", 0), ("60_70", 60), ("70_80", 70), ("80_90", 80), ("ge90", 90))
ORG_KINDS = tuple(OrgKind.values)
UPSERT_BATCH = 1000


# ---------------------------------------------------------------------------- periods
# Period keys, dates and labels are the scoring engine's (``assessments.scoring.periods``).
parse_period = periods.parse


def as_of(period, today: date) -> date:
    """The day "as of" figures are taken: the period's last day, or today while it runs."""
    return min(period.end, today)


def period_label(key: str) -> str:
    """``"2026"`` → 2026年度, ``"2026-Q3"`` → 2026年第3季度, ``"2026-11"`` → 2026年11月."""
    try:
        return periods.parse(key).label
    except periods.PeriodKeyError:
        return key


def current_period_key(today: date) -> str:
    """The year to date."""
    return str(today.year)


def trend_period_keys(today: date, months: int = 12, quarters: int = 4) -> list[str]:
    """The last ``months`` months and ``quarters`` quarters up to the current ones, newest first."""
    keys = []
    for kind, count in ((PeriodKind.MONTH, months), (PeriodKind.QUARTER, quarters)):
        period = periods.containing(kind, today)
        for _i in range(count):
            keys.append(period.key)
            period = periods.previous(period)
    return keys


def _created_in(period: periods.Period, field: str = "created_at") -> Q:
    start, end = periods.moments(period)  # the lists the figures link to filter the same way
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


# ------------------------------------------------------------------------ arithmetic
def percent(part, whole):
    """``part / whole`` in percent with two decimals, None when ``whole`` is 0."""
    return round(100 * part / whole, 2) if whole else None


def _rate_percent(value):
    return None if value is None else round(float(value) * 100, 2)


def _sanlv(counts: dict) -> dict:
    from services.whistles.rates import RateCounts, composite_rate, resolution_rate, response_rate, satisfaction_rate

    c = RateCounts(
        total=counts.get("total", counts.get("targets", 0)), responded=counts["responded"], resolved=counts["resolved"],
        satisfied=counts["satisfied"], basic=counts["basic"], unsatisfied=counts["unsatisfied"],
    )
    return {
        "response_rate": _rate_percent(response_rate(c)),
        "resolution_rate": _rate_percent(resolution_rate(c)),
        "satisfaction_rate": _rate_percent(satisfaction_rate(c)),
        "composite": _rate_percent(composite_rate(c)),
    }


# ------------------------------------------------------------------ snapshot figures
class Snapshot:
    """What does not depend on the period: the territory index, organizations (with the
    columns compliance needs), members by residence, grid coverage.  Loaded once per
    refresh (five queries) and shared by every period refreshed."""

    def __init__(self):
        from grids.grids.models import Grid, GridArea
        from organizations.members.models import Member
        from organizations.orgs.models import PartyOrg

        self.index = AreaIndex.load()
        self.orgs = list(trees.with_spans(  # (pk, area_id, kind, category, founded_on, area position)
            PartyOrg.objects.order_by(*trees.tree_order()), "pk", "area_id", "kind", "category", "founded_on",
            prefix="area", at_position=True, chunk_size=20000,
        ))
        raw: dict[int, dict] = defaultdict(lambda: defaultdict(int))
        # areas below each node, counted by level (the node itself is taken off after the fold)
        level_keys = {AreaLevel.STREET: "areas.streets", AreaLevel.COMMUNITY: "areas.communities",
                      AreaLevel.COMPOUND: "areas.compounds", AreaLevel.BUILDING: "areas.buildings"}
        for pk, level in self.index.level.items():
            if level in level_keys:
                raw[pk][level_keys[level]] += 1
        # organizations by kind, anchored where they are
        compounds_with_branch = set()
        for _pk, area_id, kind, category, *_rest in self.orgs:
            node = raw[area_id]
            node["orgs.total"] += 1
            node[f"orgs.{kind}"] += 1
            if kind == OrgKind.BRANCH and category == OrgCategory.COMPOUND:
                node["orgs.compound_branches"] += 1
                compounds_with_branch.add(area_id)
            elif kind == OrgKind.GROUP and category == OrgCategory.BUILDING_GROUP:
                node["orgs.building_groups"] += 1
        # members by residence
        rows = (
            Member.objects.current().filter(residence__isnull=False).order_by().values("residence_id")
            .annotate(
                total=Count("pk"),
                probationary=Count("pk", filter=Q(status=MemberStatus.PROBATIONARY)),
                in_service=Count("pk", filter=Q(in_service=True)),
            )
        )
        for row in rows.iterator(chunk_size=20000):
            node = raw[row["residence_id"]]
            node["members.total"] += row["total"]
            node["members.probationary"] += row["probationary"]
            node["members.full"] += row["total"] - row["probationary"]
            node["members.in_service"] += row["in_service"]
        # grids by community; compounds covered by a grid directly or through a building
        for row in Grid.objects.order_by().values("community_id").annotate(
            n=Count("pk"), with_branch=Count("pk", filter=Q(party_branch__isnull=False))
        ):
            raw[row["community_id"]]["grids.grids"] += row["n"]
            raw[row["community_id"]]["grids.grids_with_branch"] += row["with_branch"]
        level = self.index.level
        gridded = set()
        # from a compound down, a place's grids are the distinct grids covering it or one of its
        # buildings (``grids.coverage.selectors.coverage``), not the grids of its community
        self.compound_grids: dict[int, set] = defaultdict(set)
        self.grids_with_branch: set = set()
        places = GridArea.objects.values_list("area_id", "area__parent_id", "grid_id", "grid__party_branch_id")
        for area_id, parent_id, grid_id, branch_id in places.iterator(chunk_size=20000):
            compound = area_id if level.get(area_id) == AreaLevel.COMPOUND else (
                parent_id if level.get(parent_id) == AreaLevel.COMPOUND else None)
            if compound is None:
                continue
            gridded.add(compound)
            self.compound_grids[compound].add(grid_id)
            if branch_id is not None:
                self.grids_with_branch.add(grid_id)
        for pk in self.index.nodes_of(AreaLevel.COMPOUND):
            node = raw[pk]
            node["grids.compounds"] += 1
            node["grids.compounds_gridded"] += int(pk in gridded)
            node["grids.compounds_with_branch"] += int(pk in compounds_with_branch)
        self.raw = raw
        self.org_area = {pk: area_id for pk, area_id, *_ in self.orgs}


# -------------------------------------------------------------------- period figures
def _compliance(snapshot: Snapshot, as_of: date, raw) -> None:
    """Organizations assessed and compliant on ``as_of``, by anchor area: the machinery of
    ``assessments.life.selectors.area_compliance`` (rule book, month buckets, the pure calendar)
    applied to every organization at once — four queries."""
    from assessments.life.models import Activity
    from assessments.life.selectors import RuleBook, _org_window_start, day_start, month_buckets

    book = RuleBook(None, as_of)
    type_ids = book.counted_type_ids
    window = schedule.window_start(as_of)
    counts: dict[int, dict[int, dict[date, int]]] = {}
    if type_ids and snapshot.orgs:
        since = schedule.earliest_period_start(window)
        months, bucket = month_buckets(since, as_of)
        rows = (
            Activity.objects.filter(
                activity_type_id__in=type_ids,
                starts_at__gte=day_start(schedule.month_start(since)), starts_at__lt=day_start(as_of + timedelta(days=1)),
            )
            .annotate(month=bucket).order_by().values_list("org_id", "activity_type_id", "month").annotate(n=Count("pk"))
        )
        for org_id, type_id, i, n in rows.iterator(chunk_size=20000):
            if i < len(months):
                counts.setdefault(org_id, {}).setdefault(type_id, {})[months[i]] = n
    for pk, area_id, kind, category, founded_on, place in snapshot.orgs:
        node = raw[area_id]
        node["compliance.total"] += 1
        if founded_on and founded_on > as_of:
            continue  # not founded yet on that day
        start = _org_window_start(founded_on, as_of, window)
        applied = book.rules_for(place=place, kind=kind, category=category, start=start)
        if not applied.plan:
            continue
        node["compliance.orgs"] += 1
        node["compliance.compliant"] += int(schedule.plan_compliant(applied.plan, counts.get(pk, {})))


def _ratings(field: str) -> dict:
    return {key: Count("pk", filter=Q(**{field: key})) for key in SATISFACTION_KEYS}


def _add(raw, node_id, prefix: str, row: dict) -> None:
    if node_id is None:
        return
    node = raw[node_id]
    for key, value in row.items():
        if value:
            node[f"{prefix}.{key}"] += value


def _records(period: periods.Period, as_of: date, now: datetime, raw) -> None:
    """Wishes, requests, whistles, service hours, reporting and scores: one grouped query each."""
    from assessments.scoring.models import Score
    from services.checkins.selectors import ReportStatus, with_report_status
    from services.ledger.models import ServiceRecord
    from services.requests.choices import REQUEST_DONE_STATUSES, RequestStatus
    from services.requests.models import ServiceRequest
    from services.requests.selectors import overdue_q
    from services.whistles.choices import TargetStatus, WhistleStatus
    from services.whistles.models import WhistleTarget
    from services.wishes.choices import DONE_STATUSES, WishStatus
    from services.wishes.models import Wish

    for row in Wish.objects.filter(_created_in(period)).order_by().values("community_id").annotate(
        total=Count("pk"),
        fulfilled=Count("pk", filter=Q(status__in=DONE_STATUSES)),
        rejected=Count("pk", filter=Q(status=WishStatus.REJECTED)),
        cancelled=Count("pk", filter=Q(status=WishStatus.CANCELLED)),
        **_ratings("rating"),
    ):
        _add(raw, row.pop("community_id"), "wishes", row)

    requests = ServiceRequest.objects.filter(_created_in(period)).exclude(status=RequestStatus.CANCELLED)
    for row in requests.order_by().values("community_id").annotate(
        total=Count("pk"),
        overdue_open=Count("pk", filter=overdue_q(now)),
        responded=Count("pk", filter=Q(accepted_at__isnull=False, accepted_at__lte=F("response_due"))),
        resolved=Count("pk", filter=Q(status__in=REQUEST_DONE_STATUSES)),
        **_ratings("rating"),
    ):
        _add(raw, row.pop("community_id"), "requests", row)

    targets = WhistleTarget.objects.filter(_created_in(period, "whistle__created_at")).exclude(
        whistle__status=WhistleStatus.CANCELLED
    )
    for row in targets.order_by().values("whistle__area_id").annotate(
        whistles=Count("whistle_id", distinct=True),
        targets=Count("pk"),
        responded=Count("pk", filter=Q(reported_at__isnull=False, reported_at__lte=F("whistle__report_due"))),
        resolved=Count("pk", filter=Q(status=TargetStatus.CONFIRMED)),
        escalated=Count("pk", filter=Q(escalation_stage__gt=0)),
        **_ratings("satisfaction"),
    ):
        _add(raw, row.pop("whistle__area_id"), "whistles", row)

    for residence_id, hours in (
        ServiceRecord.objects.filter(occurred_on__gte=period.start, occurred_on__lte=period.end, member__residence__isnull=False)
        .order_by().values("member__residence_id").annotate(h=Sum("hours")).values_list("member__residence_id", "h")
    ):
        if hours:
            raw[residence_id]["service.hours"] += float(hours)

    from organizations.members.models import Member

    in_service = with_report_status(Member.objects.current().filter(in_service=True, residence__isnull=False), as_of)
    for row in in_service.order_by().values("residence_id").annotate(
        n=Count("pk"), reported=Count("pk", filter=Q(report_status=ReportStatus.VALID.value))
    ):
        _add(raw, row["residence_id"], "reporting", {"in_service": row["n"], "reported": row["reported"]})

    pct = Cast(F("total"), FloatField()) * Value(100.0) / Cast(F("max_total"), FloatField())
    bucket = Case(
        *[When(pct__gte=lower, then=Value(key)) for key, lower in reversed(SCORE_BUCKETS)],
        default=Value(SCORE_BUCKETS[0][0]),
    )
    scores = Score.objects.filter(period_key=period.key, max_total__gt=0).annotate(pct=pct, bucket=bucket)
    for row in scores.order_by().values("area_id", "stars", "bucket").annotate(n=Count("pk"), pct_sum=Sum("pct")):
        node = raw[row["area_id"]]
        node["scores.count"] += row["n"]
        node["scores.pct_sum"] += float(row["pct_sum"] or 0)
        node[f"scores.stars.{min(max(row['stars'], 0), 5)}"] += row["n"]
        node[f"scores.buckets.{row['bucket']}"] += row["n"]


# ------------------------------------------------------------------------- assembly
def _nest(flat: dict) -> dict:
    out: dict = {}
    for key, value in flat.items():
        parts = key.split(".")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def _finish(flat: dict, level: int, period: periods.Period, as_of: date) -> dict:
    """Zero-filled, nested figures with their rates, from the folded counts of one area."""
    f = _nest(flat)
    areas = f.setdefault("areas", {})
    own = {AreaLevel.STREET: "streets", AreaLevel.COMMUNITY: "communities", AreaLevel.COMPOUND: "compounds"}.get(level)
    for key in ("streets", "communities", "compounds", "buildings"):
        areas[key] = areas.get(key, 0) - (1 if key == own else 0)
    members = f.setdefault("members", {})
    for key in ("total", "full", "probationary", "in_service"):
        members.setdefault(key, 0)
    orgs = f.setdefault("orgs", {})
    for key in ("total", *ORG_KINDS, "compound_branches", "building_groups"):
        orgs.setdefault(key, 0)
    grids = f.setdefault("grids", {})
    for key in ("grids", "grids_with_branch", "compounds", "compounds_gridded", "compounds_with_branch"):
        grids.setdefault(key, 0)
    grids["coverage"] = percent(grids["compounds_gridded"], grids["compounds"])
    compliance = f.setdefault("compliance", {})
    for key in ("orgs", "compliant", "total"):
        compliance.setdefault(key, 0)
    compliance["rate"] = percent(compliance["compliant"], compliance["orgs"])
    wishes = f.setdefault("wishes", {})
    for key in ("total", "fulfilled", "rejected", "cancelled", *SATISFACTION_KEYS):
        wishes.setdefault(key, 0)
    wishes["rated"] = sum(wishes[k] for k in SATISFACTION_KEYS)
    wishes["fulfilment_rate"] = percent(wishes["fulfilled"], wishes["total"] - wishes["rejected"] - wishes["cancelled"])
    wishes["satisfaction"] = _sanlv({"total": 0, "responded": 0, "resolved": 0, **wishes})["satisfaction_rate"]
    requests = f.setdefault("requests", {})
    for key in ("total", "overdue_open", "responded", "resolved", *SATISFACTION_KEYS):
        requests.setdefault(key, 0)
    requests.update(_sanlv(requests))
    whistles = f.setdefault("whistles", {})
    for key in ("whistles", "targets", "responded", "resolved", "escalated", *SATISFACTION_KEYS):
        whistles.setdefault(key, 0)
    whistles.update(_sanlv({**whistles, "total": whistles["targets"]}))
    service = f.setdefault("service", {})
    service["hours"] = round(float(service.get("hours", 0)), 1)
    service["per_member"] = round(service["hours"] / members["total"], 2) if members["total"] else None
    reporting = f.setdefault("reporting", {})
    for key in ("in_service", "reported"):
        reporting.setdefault(key, 0)
    reporting["rate"] = percent(reporting["reported"], reporting["in_service"])
    scores = f.setdefault("scores", {})
    scores.setdefault("count", 0)
    pct_sum = scores.pop("pct_sum", 0)
    scores["avg_pct"] = round(pct_sum / scores["count"], 2) if scores["count"] else None
    stars = scores.get("stars", {})
    scores["stars"] = {str(n): stars.get(str(n), 0) for n in range(6)}
    buckets = scores.get("buckets", {})
    scores["buckets"] = {key: buckets.get(key, 0) for key, _lower in SCORE_BUCKETS}
    f["period"] = {
        "key": period.key, "kind": str(period.kind), "start": period.start.isoformat(), "end": period.end.isoformat(),
        "as_of": as_of.isoformat(),
    }
    return f


def compute_figures(period: periods.Period, *, now: datetime, snapshot: Snapshot | None = None) -> dict[int, dict]:
    """``{area id: figures}`` for every area of the rollup levels (a fixed number of queries)."""
    snapshot = snapshot or Snapshot()
    today = timezone.localtime(now).date()
    day = as_of(period, today)
    raw: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for node, figures in snapshot.raw.items():
        raw[node].update(figures)
    _compliance(snapshot, day, raw)
    _records(period, day, now, raw)
    folded = snapshot.index.fold_many(raw, levels=ROLLUP_LEVELS)
    level = snapshot.index.level
    for pk in snapshot.index.nodes_of(AreaLevel.COMPOUND):
        grids = snapshot.compound_grids.get(pk, set())
        node = folded.setdefault(pk, {})
        node["grids.grids"] = len(grids)
        node["grids.grids_with_branch"] = len(grids & snapshot.grids_with_branch)
    return {
        pk: _finish(folded.get(pk, {}), level[pk], period, day)
        for pk in level if level[pk] in ROLLUP_LEVELS
    }


def _store(period_key: str, figures: dict[int, dict], now: datetime) -> int:
    from assessments.dashboard.models import AreaRollup

    rows = [AreaRollup(area_id=pk, period_key=period_key, figures=f, computed_at=now) for pk, f in figures.items()]
    with transaction.atomic():
        AreaRollup.objects.filter(period_key=period_key, area__level__gt=max(ROLLUP_LEVELS)).delete()
        AreaRollup.objects.bulk_create(
            rows, batch_size=UPSERT_BATCH, update_conflicts=True,
            unique_fields=["area", "period_key"], update_fields=["figures", "computed_at"],
        )
    return len(rows)


def refresh_rollups(*, period_key: str | None = None, now: datetime | None = None, trends: bool = False) -> int:
    """Recompute and upsert the rollups of ``period_key`` (default: the current year to
    date; with ``trends`` also the last 12 months and 4 quarters).  Returns the number of
    rows written.  Safe to run twice: the second run replaces the same rows."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    keys = [period_key] if period_key else [current_period_key(today)]
    if trends:
        keys += [k for k in trend_period_keys(today) if k not in keys]
    periods = [parse_period(k) for k in keys]
    snapshot = Snapshot()
    written = 0
    for period in periods:
        if period.start > today:
            continue  # nothing to count in the future
        written += _store(period.key, compute_figures(period, now=now, snapshot=snapshot), now)
    return written
