"""The figures of every record source: one or two grouped queries over a period's records,
folded onto the subjects (``assessments.figures.subjects``)."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from assessments.checklists.choices import ItemKind, ItemStatus
from assessments.checklists.models import ChecklistItem
from assessments.figures.choices import COUNT_ACTIVITIES, COUNT_MEMBERS, MONTHS_ACTIVITIES
from assessments.figures.subjects import _by_place, day_start, fold_areas, fold_orgs, period_bounds
from assessments.life import schedule
from assessments.life.models import Activity
from assessments.scoring import metrics
from assessments.scoring.choices import IndicatorSource
from assessments.scoring.models import ManualScore
from dangjian import trees
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.members.models import CentralHousehold, Member
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg


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
            subjects.records_q(org="org"),
            activity_type_id__in=type_ids, starts_at__gte=day_start(since), starts_at__lt=day_start(judged_on),
        )
        .annotate(month=bucket).order_by().values_list("org_id", "activity_type_id", "month").annotate(n=Count("pk"))
    )
    for org_id, type_id, index, n in rows.iterator(chunk_size=20000):
        counts.setdefault(org_id, {}).setdefault(type_id, {})[months[index]] = n
    values = {}
    orgs = trees.with_spans(PartyOrg.objects.filter(subjects.records_q(org="")).order_by(), "pk", "kind", "category", "founded_on", prefix="area",
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
        Member.objects.filter(subjects.records_q(org="organization") if subjects.is_org else subjects.records_q(area="residence"),
                              in_service=True).annotate(has_report=Exists(valid)).order_by().values(key)
        .annotate(in_service=Count("pk"), reported=Count("pk", filter=Q(has_report=True)))
        .values_list(key, "in_service", "reported")
    )
    values = {node: {"in_service": n, "reported": r} for node, n, r in rows if node is not None}
    return fold_orgs(subjects, values) if subjects.is_org else fold_areas(subjects, values)


def figures_service_hours(subjects, period, indicator):
    """Members (by organization) and the hours of their service records in the period."""
    from services.ledger.models import ServiceRecord

    values: dict[int, dict] = defaultdict(dict)
    members = Member.objects.filter(subjects.records_q(org="organization")).order_by().values("organization_id")
    for org_id, n in members.annotate(n=Count("pk")).values_list("organization_id", "n"):
        values[org_id]["members"] = n
    hours = (
        ServiceRecord.objects.filter(subjects.records_q(org="member__organization"),
                                     occurred_on__gte=period.start, occurred_on__lte=period.end).order_by()
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
        Wish.objects.filter(subjects.records_q(area="community"), published_at__gte=first, published_at__lt=after)
        .exclude(status=WishStatus.CANCELLED)
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
        Wish.objects.filter(subjects.records_q(area="community"), rated_at__gte=first, rated_at__lt=after).exclude(rating="")
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
        ServiceRequest.objects.filter(subjects.records_q(area="community"), created_at__gte=first, created_at__lt=after)
        .exclude(status=RequestStatus.CANCELLED)
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
        WhistleTarget.objects.filter(subjects.records_q(area="whistle__area"),
                                     whistle__created_at__gte=first, whistle__created_at__lt=after)
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


def _items_of_year(subjects, period):
    return ChecklistItem.objects.filter(subjects.records_q(org="checklist__org"), checklist__year=period.start.year)


def figures_checklist_completion(subjects, period, indicator):
    """Responsibility and assessment items of the year's lists due by the end of the period
    (all of them for the year) and those done or closed — the same items the checklist
    pages count; problems and their rectifications are measured by ``rectification_closure``."""
    items = _items_of_year(subjects, period).filter(kind__in=(ItemKind.RESPONSIBILITY, ItemKind.ASSESSMENT))
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
        _items_of_year(subjects, period).filter(kind=ItemKind.PROBLEM, created_at__lt=after).order_by().values("checklist__org_id")
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
        rows = Area.objects.filter(subjects.records_q(area=""), level=AreaLevel.COMPOUND).annotate(flag=flag).order_by().values_list("pk", "flag")
        values = {pk: {"whole": 1, "part": int(bool(flag))} for pk, flag in rows.iterator(chunk_size=20000)}
    elif measure in ("buildings_with_group", "households_covered"):
        buildings = Area.objects.filter(subjects.records_q(area=""), level=AreaLevel.BUILDING)
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
            Grid.objects.filter(subjects.records_q(area="community")).order_by().values("community_id")
            .annotate(whole=Count("pk"), part=Count("pk", filter=Q(party_branch__isnull=False)))
            .values_list("community_id", "whole", "part")
        )
        values = {c: {"whole": w, "part": p} for c, w, p in rows}
    return fold_areas(subjects, values)


def figures_manual(subjects, period, indicator):
    rows = ManualScore.objects.filter(indicator=indicator, period_key=period.key).values_list("subject_id", "points", "note")
    return {subject_id: {"points": points, "note": note} for subject_id, points, note in rows}


def figures_dues_paid(subjects, period, indicator):
    """Yuan paid and yuan due of the period's months by the subjects' organizations (the
    dues ledger's monthly totals, ``DuesOrgMonth``, kept by its writers)."""
    from organizations.dues.models import DuesOrgMonth

    rows = (
        DuesOrgMonth.objects.filter(subjects.records_q(org="org"), month__gte=period.start.replace(day=1), month__lte=period.end)
        .order_by().values("org_id").annotate(paid=Sum("paid"), due=Sum("due")).values_list("org_id", "paid", "due")
    )
    return fold_orgs(subjects, {org_id: {"paid": Decimal(p or 0), "due": Decimal(d or 0)} for org_id, p, d in rows})


def figures_development_on_time(subjects, period, indicator):
    """Development cases open at the end of the period (not yet full members) and those with
    no step overdue then (``due_on``, derived by the development records' writers)."""
    from organizations.development.choices import Stage
    from organizations.development.models import DevelopmentCase

    judged = min(period.end, timezone.localdate())
    rows = (
        DevelopmentCase.objects.filter(subjects.records_q(org="organization"), applied_on__lte=period.end)
        .exclude(stage=Stage.FULL).order_by().values("organization_id")
        .annotate(open=Count("pk"), on_time=Count("pk", filter=Q(due_on__isnull=True) | Q(due_on__gte=judged)))
        .values_list("organization_id", "open", "on_time")
    )
    return fold_orgs(subjects, {org_id: {"open": n, "on_time": ok} for org_id, n, ok in rows})


def figures_activity_count(subjects, period, indicator):
    """Activities held in the period by the subjects' organizations (and those under them), of
    one type when ``params["type"]`` names an activity type's code."""
    type_code = (indicator.params or {}).get("type")
    rows = Activity.objects.filter(subjects.records_q(org="org"), starts_at__gte=period_bounds(period)[0],
                                   starts_at__lt=period_bounds(period)[1])
    if type_code:
        rows = rows.filter(activity_type__code=type_code)
    rows = rows.order_by().values("org_id").annotate(n=Count("pk")).values_list("org_id", "n")
    return fold_orgs(subjects, {org_id: {"count": n} for org_id, n in rows})


def figures_member_count(subjects, period, indicator):
    """Current members (transferred-out records left out, as the roster does) with the
    in-service among them: of an organization subject, those of its organization and the ones
    under it; of an area subject, by ``params["by"]`` — ``"organization"`` (the default, the
    党内统计 rule: members whose organization is placed in the area) or ``"residence"`` (members
    living in it: the area page's and the roster's rule)."""
    members = Member.objects.current()
    counts = {"count": Count("pk"), "in_service": Count("pk", filter=Q(in_service=True))}
    if subjects.is_org:
        rows = (members.filter(subjects.records_q(org="organization")).order_by().values("organization_id")
                .annotate(**counts).values_list("organization_id", "count", "in_service"))
        return fold_orgs(subjects, {org_id: {"count": n, "in_service": s} for org_id, n, s in rows})
    by_residence = (indicator.params or {}).get("by") == "residence"
    level = subjects.areas.level.get(subjects.ids[0]) if subjects.ids else None
    column = PLACE_COLUMNS.get(level)
    if column is not None:  # the members' place column of the level: one indexed equality
        key = f"{'res' if by_residence else 'org'}_{column}"
        rows = (members.filter(**{f"{key}__in": subjects.ids}).order_by().values(key).annotate(**counts)
                .values_list(key, "count", "in_service"))
        return {node: {"count": n, "in_service": s} for node, n, s in rows}
    key = "residence_id" if by_residence else "organization__area_id"
    path = "residence" if by_residence else "organization__area"
    rows = (members.filter(subjects.records_q(area=path)).order_by().values(key).annotate(**counts)
            .values_list(key, "count", "in_service"))
    return fold_areas(subjects, {a: {"count": n, "in_service": s} for a, n, s in rows if a is not None})


# The members' place columns by area level (``organizations.members.places``).
PLACE_COLUMNS = {AreaLevel.CITY: "city", AreaLevel.DISTRICT: "district", AreaLevel.STREET: "street",
                 AreaLevel.COMMUNITY: "community"}


def figures_activity_months(subjects, period, indicator):
    """The months of the period in which the subject held at least one activity (of one type
    when ``params["type"]`` names an activity type's code): a frequency, 主题党日 monthly.

    Folding is a union of months, never a sum: an organization subject holds a month when it
    or any organization under it held such an activity in that month; an area subject when
    an organization anchored in its subtree did.  Months are Asia/Shanghai calendar months
    (an activity at 00:30 on 1 March Beijing time is March's).  One grouped query."""
    from assessments.life.selectors import month_buckets

    type_code = (indicator.params or {}).get("type")
    first, after = period_bounds(period)
    months, bucket = month_buckets(period.start, period.end)
    rows = Activity.objects.filter(subjects.records_q(org="org"), starts_at__gte=first, starts_at__lt=after)
    if type_code:
        rows = rows.filter(activity_type__code=type_code)
    rows = rows.annotate(month=bucket).order_by().values_list("org_id", "month").distinct()
    wanted = set(subjects.ids)
    held: dict[int, set] = defaultdict(set)
    for org_id, month in rows:
        if month >= len(months):
            continue
        if subjects.is_org:
            nodes = subjects.orgs.chain(org_id)
        else:
            area_id = subjects.orgs.area.get(org_id)
            nodes = subjects.areas.chain(area_id) if area_id is not None and area_id in subjects.areas else ()
        for node in nodes:
            if node in wanted:
                held[node].add(month)
    return {node: {"months": len(m), "of": len(months)} for node, m in held.items()}


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
    IndicatorSource.DUES_PAID: figures_dues_paid,
    IndicatorSource.DEVELOPMENT_ON_TIME: figures_development_on_time,
    COUNT_ACTIVITIES: figures_activity_count,
    COUNT_MEMBERS: figures_member_count,
    MONTHS_ACTIVITIES: figures_activity_months,
    IndicatorSource.MANUAL: figures_manual,
}




# 居民议事 (services.deliberation): topics accepted in the period and settled of them; the
# ratings the proposers and supporters gave in the period (never supports: a position, not a score)
DELIBERATION_TOPICS = "deliberation_topics"


def figures_deliberation(subjects, period, indicator):
    from assessments.figures.subjects import _add
    from services.deliberation.choices import SETTLED_STATUSES
    from services.deliberation.models import Topic, TopicRating
    from services.resident.choices import Satisfaction

    first, after = period_bounds(period)
    topics = (
        Topic.objects.filter(subjects.records_q(area="community"), accepted_at__gte=first, accepted_at__lt=after)
        .order_by().values("building_id", "community_id")
        .annotate(accepted=Count("pk"), settled=Count("pk", filter=Q(status__in=SETTLED_STATUSES)))
        .values_list("building_id", "community_id", "accepted", "settled")
    )
    ratings = (
        TopicRating.objects.filter(subjects.records_q(area="topic__community"), created_at__gte=first, created_at__lt=after)
        .order_by().values("topic__building_id", "topic__community_id")
        .annotate(rated=Count("pk"), good=Count("pk", filter=Q(rating__in=(Satisfaction.SATISFIED, Satisfaction.BASIC))))
        .values_list("topic__building_id", "topic__community_id", "rated", "good")
    )
    values = _by_place(topics, ("accepted", "settled"))
    for key, counts in _by_place(ratings, ("rated", "good")).items():
        _add(values[key], counts)
    return fold_areas(subjects, values)


FIGURES[DELIBERATION_TOPICS] = figures_deliberation
