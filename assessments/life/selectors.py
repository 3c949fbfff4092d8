"""Reads for organizational life: scoped querysets, the rule set in force for a place, an
organization's compliance calendar, an area's compliance share (set-based), members
without organizational life, service hours and quorum.

The rule calendar itself (which periods, due when, done or overdue) is pure and lives in
``assessments.life.schedule``; the functions here fetch what it needs in a fixed number of
queries — never one query per organization or per child area — and hand it over.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property

from django.db import connections
from django.db.models import Case, Count, DecimalField, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from assessments.life import schedule
from assessments.life.choices import AttendanceStatus, Frequency, PeriodStatus, QuorumBasis
from assessments.life.models import (
    Activity,
    ActivityRule,
    ActivityType,
    Attendance,
    MemberLastPresent,
    OrgVerdict,
    RuleSet,
)
from dangjian import trees
from dangjian.scoping import InArea, InOrg
from organizations.areas.models import Area
from organizations.grants.choices import MANAGE_ROLES
from organizations.members.choices import COMMITTEE_ROLES, MemberStatus
from organizations.members.models import Member
from organizations.orgs.choices import OrgKind
from organizations.orgs.models import PartyOrg
from services.ledger.models import ServiceRecord


# ------------------------------------------------------------------------ scoped sets
def activities_for(user):
    return Activity.objects.visible_to(user)


def rule_sets_for(user):
    return RuleSet.objects.visible_to(user)


def manageable_orgs(user):
    """Organizations the user may file activities for (a managing role over them)."""
    return PartyOrg.objects.granted(user, InOrg("", MANAGE_ROLES), InArea("area", MANAGE_ROLES))


def with_attendance_counts(activities):
    """Present / absent / excused counts per activity (one aggregate join).  For a single
    activity or a few; a paginated list uses ``attach_attendance_counts`` on its page, so
    the database never aggregates the attendance of every activity just to sort them."""
    return activities.annotate(
        present_count=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
        absent_count=Count("attendance", filter=Q(attendance__status=AttendanceStatus.ABSENT)),
        excused_count=Count("attendance", filter=Q(attendance__status=AttendanceStatus.EXCUSED)),
    )


def attach_attendance_counts(activities):
    """Set ``present_count`` / ``absent_count`` / ``excused_count`` on already fetched
    activities (one grouped query for all of them); returns them."""
    activities = list(activities)
    rows = (
        Attendance.objects.filter(activity_id__in=[a.pk for a in activities])
        .order_by()
        .values("activity_id")
        .annotate(
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
            absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
            excused=Count("pk", filter=Q(status=AttendanceStatus.EXCUSED)),
        )
    ) if activities else []
    counts = {r["activity_id"]: r for r in rows}
    for a in activities:
        row = counts.get(a.pk, {})
        a.present_count, a.absent_count, a.excused_count = row.get("present", 0), row.get("absent", 0), row.get("excused", 0)
    return activities


def open_sign_ins_for(user, now):
    """Activities of the user's own branch whose QR sign-in is open now (``schedule.signin_window``)
    and where the user's member record is not yet marked present, soonest first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Activity.objects.none()
    present = Attendance.objects.filter(activity=OuterRef("pk"), member__user_id=user.pk,
                                        status=AttendanceStatus.PRESENT)
    return (
        Activity.objects.filter(
            org__in=Member.objects.filter(user_id=user.pk).values("organization_id"),
            starts_at__lte=now + schedule.SIGNIN_OPENS_BEFORE, ends_at__gte=now - schedule.SIGNIN_CLOSES_AFTER,
        )
        .filter(~Exists(present))
        .select_related("org", "activity_type").order_by("starts_at", "pk")
    )


def visible_attendance(user, activity, order=("member__name", "pk")):
    """The activity's attendance rows of members the user may see, with the members (two
    queries, bounded by the size of one activity)."""
    rows = list(activity.attendance.select_related("member").order_by(*order))
    ids = [r.member_id for r in rows]
    visible = set(Member.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    return [r for r in rows if r.member_id in visible]


def day_start(day: date) -> datetime:
    """Midnight of a Shanghai calendar day, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=schedule.SHANGHAI)


# ----------------------------------------------------------------------------- roster
def roster_q(org) -> Q:
    """Members who belong to an organization's organizational life.

    Members are registered with their branch (``Member.organization``).  A party group
    (楼道党小组) has no members of its own: its roster is the parent branch's members who
    live in the group's building (its area subtree).  ``org.area`` must be loaded."""
    q = Q(organization_id=org.pk)
    if org.kind == OrgKind.GROUP and org.parent_id:
        area = org.area
        q |= Q(trees.subtree_q(area, "residence"), organization_id=org.parent_id)
    return q


def roster(org):
    return Member.objects.filter(roster_q(org))


def basis_q(basis: str) -> Q:
    """Whose presence counts for a quorum: voting (full) members, or the committee."""
    if basis == QuorumBasis.FULL_MEMBERS:
        return Q(status=MemberStatus.FULL)
    if basis == QuorumBasis.COMMITTEE:
        return Q(org_role__in=COMMITTEE_ROLES)
    return Q(pk__in=[])


# Short names of the quorum bases for the verdict line ("应到正式党员 5 人，实到 4 人").
BASIS_NAMES = {QuorumBasis.FULL_MEMBERS: _("正式党员"), QuorumBasis.COMMITTEE: _("支部委员")}


@dataclass(frozen=True)
class Quorum:
    basis: str
    basis_label: str
    expected: int
    present: int

    @property
    def met(self) -> bool:
        return schedule.quorum_met(self.present, self.expected)


def activity_quorum(activity) -> Quorum | None:
    """Expected and present members for a type with a quorum (one query).

    Expected: the members of the basis (full members / committee) on the organization's
    roster, plus any who have an attendance row (so a member who has since moved away still
    counts for the meeting they were recorded at).  Present: those of them marked present.
    ``activity.activity_type`` and ``activity.org.area`` must be loaded."""
    basis = activity.activity_type.quorum_basis
    if not basis:
        return None
    rows = Attendance.objects.filter(activity_id=activity.pk, member=OuterRef("pk"))
    row = (
        Member.objects.filter(basis_q(basis))
        .filter(roster_q(activity.org) | Q(Exists(rows)))
        .aggregate(
            expected=Count("pk"),
            present=Count("pk", filter=Q(Exists(rows.filter(status=AttendanceStatus.PRESENT)))),
        )
    )
    return Quorum(basis, str(BASIS_NAMES[basis]), row["expected"], row["present"])


# ------------------------------------------------------------------------- rule sets
def rule_set_for(area, on_date: date) -> RuleSet | None:
    """The rule set in force for ``area`` on ``on_date`` (one query): among the sets
    effective by then whose area is the nearest ancestor-or-self of ``area``, the newest;
    the default set (no area) when no ancestor has its own."""
    return (
        RuleSet.objects.filter(_ancestor_or_self_q(area), effective_from__lte=on_date)
        .select_related("area")
        .order_by(F("area__depth").desc(nulls_last=True), "-effective_from", "-version")
        .first()
    )


def effective_rules(area, on_date: date):
    """``(rule set, its rules with their types)`` in force for an area (two queries)."""
    rule_set = rule_set_for(area, on_date)
    if rule_set is None:
        return None, []
    rules = list(rule_set.rules.select_related("activity_type").order_by("activity_type__sort_order", "activity_type_id"))
    return rule_set, rules


def _ancestor_or_self_q(area) -> Q:
    return Q(area__isnull=True) | trees.ancestors_q(area, "area")


class RuleBook:
    """The rule sets that may apply to a place (or anywhere in a subtree) up to ``today``,
    with their rules: two queries, then everything else is computed in memory.  The number
    of sets is bounded by configuration (a few versions per district), not by data."""

    def __init__(self, area, today: date, *, subtree: bool = False):
        """``area`` None: every rule set (for bulk work across several trees)."""
        q = Q()
        if area is not None:
            q = _ancestor_or_self_q(area)
            if subtree:
                q |= trees.subtree_q(area, "area")
        rows = RuleSet.objects.filter(q, effective_from__lte=today).values(
            "id", "name", "version", "effective_from", *trees.range_fields("area"), "area__depth", "area__name"
        )
        self.today = today
        self.infos = []
        self.names = {}
        for r in rows:
            area_span = trees.span(r, "area")  # all None for the default set
            self.infos.append(schedule.RuleSetInfo(
                id=r["id"], effective_from=r["effective_from"], version=r["version"],
                area_tree=area_span.tree, area_start=area_span.start, area_end=area_span.end,
                area_depth=r["area__depth"],
            ))
            self.names[r["id"]] = f"{r['name']} v{r['version']}"
        self.rules: dict[int, list[ActivityRule]] = {info.id: [] for info in self.infos}
        self.types: dict[int, ActivityType] = {}
        if self.infos:
            for rule in ActivityRule.objects.filter(rule_set_id__in=list(self.rules)).select_related("activity_type"):
                self.rules[rule.rule_set_id].append(rule)
                self.types[rule.activity_type_id] = rule.activity_type
        self._memo = {}

    @property
    def counted_type_ids(self) -> list[int]:
        """Types some rule asks for periodically (as-needed types are never due)."""
        return sorted({r.activity_type_id for rules in self.rules.values() for r in rules if r.frequency != Frequency.AS_NEEDED})

    def rules_for(self, *, place, kind: str, category: str, start: date) -> AppliedRules:
        """The rules in force over [start, today] for an organization anchored at ``place``
        (its area, or the area's ``trees.position``); memoized per (covering sets, kind,
        category, start), so organizations sharing rules share the work (and the period plan)."""
        at = trees.position(place)
        covering = tuple(info for info in self.infos if info.covers(at.tree, at.start))
        key = (tuple(i.id for i in covering), kind, category, start)
        found = self._memo.get(key)
        if found is None:
            segments = []
            for first, last, set_id in schedule.rule_segments(covering, start, self.today):
                specs = [
                    schedule.RuleSpec(r.activity_type_id, r.frequency, r.min_count)
                    for r in self.rules.get(set_id, ())
                    if schedule.rule_applies(r.org_kinds, r.org_categories, kind, category)
                ]
                segments.append((first, last, specs, set_id))
            plan = schedule.plan_segments(
                segments=[(first, last, specs) for first, last, specs, _ in segments], window_start=start, today=self.today
            )
            found = self._memo[key] = AppliedRules(tuple(segments), plan)
        return found


@dataclass(frozen=True)
class AppliedRules:
    segments: tuple  # ((first, last, [RuleSpec], rule set id), ...)
    plan: tuple  # calendar.plan_segments(...)

    def __iter__(self):
        return iter(self.segments)

    @property
    def names_ids(self):
        return [set_id for _, _, _, set_id in self.segments if set_id is not None]


def _org_window_start(founded_on, today: date, window: date | None = None) -> date:
    start = window or schedule.window_start(today)
    if founded_on and founded_on > start:
        start = min(founded_on, today)
    return start


# ------------------------------------------------------------ organization calendar
@dataclass
class CalendarCell:
    period: schedule.Period
    status: str
    done: int
    activities: list = field(default_factory=list)
    colspan: int = 1

    @property
    def status_label(self):
        return PeriodStatus(self.status).label


@dataclass
class CalendarRow:
    activity_type: ActivityType
    frequency: str
    min_count: int
    cells: list

    @property
    def frequency_label(self):
        return Frequency(self.frequency).label

    @property
    def overdue(self):
        return [c for c in self.cells if c.status == PeriodStatus.OVERDUE]


@dataclass
class OrgCalendar:
    org: PartyOrg
    today: date
    start: date
    months: list  # first day of every month column
    rows: list
    rule_sets: list  # names of the sets in force over the window, oldest first

    @property
    def compliant(self) -> bool:
        return not any(row.overdue for row in self.rows)

    @property
    def assessed(self) -> bool:
        return bool(self.rows)

    @property
    def overdue(self):
        return [(row.activity_type, cell.period) for row in self.rows for cell in row.overdue]

    @property
    def current(self):
        """What is due now: the current period of every rule, with its status."""
        return [(row, row.cells[-1]) for row in self.rows if row.cells]


def org_calendar(org, today: date) -> OrgCalendar:
    """Every applicable rule's periods over the rolling window, with their status and the
    activities counted (four queries: two for the rule sets, one for the types' rules, one
    for the organization's activities in the window).  ``org.area`` must be loaded."""
    start = _org_window_start(org.founded_on, today)
    book = RuleBook(org.area, today)
    applied = book.rules_for(place=org.area, kind=org.kind, category=org.category, start=start)
    activities = list(
        Activity.objects.filter(
            org_id=org.pk,
            starts_at__gte=day_start(schedule.earliest_period_start(start)),
            starts_at__lt=day_start(today + timedelta(days=1)),
        )
        .select_related("activity_type")
        .order_by("starts_at", "pk")
    )
    by_type: dict[int, list] = {}
    for activity in activities:
        by_type.setdefault(activity.activity_type_id, []).append((schedule.local_date(activity.starts_at), activity))
    counts = {t: schedule.month_counts(d for d, _ in rows) for t, rows in by_type.items()}
    lines = schedule.evaluate_plan(applied.plan, counts)
    months = schedule.months_in(schedule.Period(schedule.month_start(start), schedule.month_end(today.year, today.month)))
    index = {m: i for i, m in enumerate(months)}
    last_spec = {spec.activity_type_id: spec for _, _, specs, _ in applied for spec in specs}
    rows = []
    for line in lines:
        cells, next_col = [], 0
        for period, status, done in line.periods:
            first_col = max(index.get(schedule.month_start(period.start), 0), next_col)
            last_col = index.get(schedule.month_start(period.end), len(months) - 1)
            counted = [a for d, a in by_type.get(line.activity_type_id, ()) if d in period]
            cells.append(CalendarCell(period, status, done, counted, colspan=max(0, last_col - first_col + 1)))
            next_col = last_col + 1
        spec = last_spec[line.activity_type_id]
        rows.append(CalendarRow(book.types[line.activity_type_id], line.frequency, spec.min_count, cells))
    rows.sort(key=lambda r: (r.activity_type.sort_order, r.activity_type.pk))
    return OrgCalendar(
        org=org, today=today, start=start, months=months, rows=rows,
        rule_sets=[book.names[set_id] for set_id in applied.names_ids],
    )


# ---------------------------------------------------------------- area compliance
@dataclass
class ComplianceShare:
    """Organizations assessed (at least one periodic rule applies) and compliant."""

    area_id: int | None
    name: str
    assessed: int = 0
    compliant: int = 0
    total: int = 0

    @property
    def share(self) -> float | None:
        return self.compliant / self.assessed if self.assessed else None

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(self.share * 100)


@dataclass
class OrgCompliance:
    """One assessed organization's verdict; the lists of periods are built from its rule
    lines only when read (a city page shows fifty organizations of thousands)."""

    id: int
    name: str
    kind: str
    area_id: int
    area_name: str
    child_area_id: int | None
    compliant: bool
    plan: tuple = field(repr=False)  # the rules' planned periods (schedule.plan_segments)
    counts: dict = field(repr=False)  # {type id: {month: activities}} of the organization
    type_names: dict = field(repr=False)  # {activity type id: name}

    @cached_property
    def lines(self) -> list:
        """``schedule.RuleLine`` per rule: every period's status and count."""
        return schedule.evaluate_plan(self.plan, self.counts)

    @cached_property
    def overdue(self) -> list:
        """``[(activity type name, period label)]`` of every overdue period."""
        return [
            (self.type_names[line.activity_type_id], period.label)
            for line in self.lines for period, status, _ in line.periods if status == PeriodStatus.OVERDUE
        ]

    @cached_property
    def due(self) -> list:
        """Current periods still open: ``[(activity type name, period label)]``."""
        return [
            (self.type_names[line.activity_type_id], line.current[0].label)
            for line in self.lines if line.current and line.current[1] == PeriodStatus.DUE
        ]


@dataclass
class AreaCompliance:
    area: Area
    today: date
    window_start: date
    summary: ComplianceShare
    children: list  # ComplianceShare per child area, in tree order
    own: ComplianceShare  # organizations anchored at the area itself
    orgs: list  # OrgCompliance of every assessed organization, in tree order

    @property
    def noncompliant(self):
        return [o for o in self.orgs if not o.compliant]


def month_buckets(since: date, today: date):
    """``(months, expression)``: the months from ``since``'s to today's, and a SQL CASE
    giving a timestamp's month index among them in Asia/Shanghai.

    The month boundaries are Shanghai midnights computed here, so the database only
    compares timestamps: the same result as ``TruncMonth(..., tzinfo=Asia/Shanghai)``, but
    portable and cheap (on SQLite a Trunc with a time zone is a Python call per row, five
    times slower on a city's year of activities)."""
    months = schedule.months_in(schedule.Period(schedule.month_start(since), schedule.month_end(today.year, today.month)))
    whens = [
        When(starts_at__lt=day_start((m + timedelta(days=32)).replace(day=1)), then=Value(i))
        for i, m in enumerate(months)
    ]
    return months, Case(*whens, default=Value(len(months)), output_field=IntegerField())


def _raw_rows(queryset):
    """The rows of a ``values_list`` queryset of plain integers as the driver returns them,
    without Django's per-row converters (a city's grouped counts are 10⁵ rows)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _compliance_counts(area, since: date, today: date, type_ids, org_ids=None):
    """``{org id: {type id: {month: n}}}`` for the organizations anchored in the subtree (area
    None: everywhere; ``org_ids``: only those): one grouped query, the months bucketed in SQL
    in Asia/Shanghai."""
    months, bucket = month_buckets(since, today)
    rows = Activity.objects.filter(
        activity_type_id__in=type_ids,
        starts_at__gte=day_start(schedule.month_start(since)), starts_at__lt=day_start(today + timedelta(days=1)),
    )
    if area is not None:
        rows = rows.filter(trees.subtree_q(area, "org__area"))
    if org_ids is not None:
        rows = rows.filter(org_id__in=list(org_ids))
    rows = rows.annotate(month=bucket).order_by().values_list("org_id", "activity_type_id", "month").annotate(n=Count("pk"))
    out: dict[int, dict[int, dict[date, int]]] = {}
    for org_id, type_id, index, n in _raw_rows(rows):
        if index < len(months):
            out.setdefault(org_id, {}).setdefault(type_id, {})[months[index]] = n
    return out


ORG_COLUMNS = ("pk", "name", "kind", "category", "founded_on", "area_id", "area__name", *trees.position_fields("area"))


def evaluate_orgs(orgs, book: RuleBook, today: date, *, area=None):
    """``(org row, OrgCompliance or None)`` for each of ``orgs`` (``values(*ORG_COLUMNS)`` rows):
    None when no periodic rule asks anything of it.  One grouped count of activities for all
    of them (in ``area``'s subtree, or by their ids)."""
    orgs = list(orgs)
    start_window = schedule.window_start(today)
    type_ids = book.counted_type_ids
    since = schedule.earliest_period_start(start_window)
    if not (type_ids and orgs):
        counts = {}
    elif area is not None:
        counts = _compliance_counts(area, since, today, type_ids)
    else:
        counts = _compliance_counts(None, since, today, type_ids, org_ids=[o["pk"] for o in orgs])
    type_names = {pk: t.name for pk, t in book.types.items()}
    for org in orgs:
        place = trees.position(org, "area")
        start = _org_window_start(org["founded_on"], today, start_window)
        applied = book.rules_for(place=place, kind=org["kind"], category=org["category"], start=start)
        if not applied.plan:
            yield org, None  # no periodic rule asks anything of this organization
            continue
        org_counts = counts.get(org["pk"], {})
        yield org, OrgCompliance(
            id=org["pk"], name=org["name"], kind=org["kind"], area_id=org["area_id"], area_name=org["area__name"],
            child_area_id=None, compliant=schedule.plan_compliant(applied.plan, org_counts),
            plan=applied.plan, counts=org_counts, type_names=type_names,
        )


def area_compliance(area, today: date) -> AreaCompliance:
    """Share of the organizations anchored in ``area``'s subtree that have nothing overdue
    in the rolling window, overall, per child area and for the area's own organizations —
    evaluated now (the definition; the page reads the stored verdicts, ``stored_compliance``).

    Five queries whatever the size of the subtree: rule sets, their rules, the organizations
    (with their areas' tree columns), the child areas, and one grouped count of activities
    per (organization, type, month).  Organizations are grouped by the rule sets covering
    them; the calendar is then evaluated in memory with the pure functions."""
    book = RuleBook(area, today, subtree=True)
    orgs = PartyOrg.objects.anchored_within(area).order_by(*trees.tree_order()).values(*ORG_COLUMNS)
    children = list(area.get_children().order_by(*trees.preorder()).values("pk", "name", *trees.range_fields()))
    child_holding = trees.Locator((trees.span(c), c) for c in children)
    shares = {c["pk"]: ComplianceShare(c["pk"], c["name"]) for c in children}
    own = ComplianceShare(area.pk, area.name)
    summary = ComplianceShare(area.pk, area.name)
    results = []
    for org, verdict in evaluate_orgs(orgs, book, today, area=area):
        child = child_holding.find(trees.position(org, "area"))
        bucket = shares[child["pk"]] if child else own
        bucket.total += 1
        summary.total += 1
        if verdict is None:
            continue
        verdict.child_area_id = child["pk"] if child else None
        for share in (bucket, summary):
            share.assessed += 1
            share.compliant += int(verdict.compliant)
        results.append(verdict)
    return AreaCompliance(
        area=area, today=today, window_start=schedule.window_start(today), summary=summary,
        children=[shares[c["pk"]] for c in children], own=own, orgs=results,
    )


# ------------------------------------------------------- stored compliance verdicts
@dataclass
class StoredCompliance:
    area: Area
    today: date
    window_start: date
    summary: ComplianceShare
    children: list
    own: ComplianceShare
    noncompliant: object  # a queryset of OrgVerdict, in tree order (paginated by the page)
    as_of: date | None
    computed_at: datetime | None
    stale: bool = False  # some organization has no verdict of ``today``: evaluate, then read again
    noncompliant_count: int = 0


def stored_compliance(area, today: date) -> StoredCompliance:
    """The compliance figures of ``area`` from the stored verdicts (``OrgVerdict``): three
    queries — the child areas, one row an organization of the subtree with its verdict
    (assessed, compliant, day, place; ``stale`` when one is missing or not of ``today``), and
    the page of those not compliant (``noncompliant``, counted from those rows)."""
    children = list(area.get_children().order_by(*trees.preorder()).values("pk", "name", *trees.range_fields()))
    child_holding = trees.Locator((trees.span(c), c) for c in children)
    shares = {c["pk"]: ComplianceShare(c["pk"], c["name"]) for c in children}
    own = ComplianceShare(area.pk, area.name)
    summary = ComplianceShare(area.pk, area.name)
    as_of = computed_at = None
    stale = False
    failing = 0
    for assessed, compliant, day, at, *place in PartyOrg.objects.anchored_within(area).order_by().values_list(
        "life_verdict__assessed", "life_verdict__compliant", "life_verdict__as_of", "life_verdict__computed_at",
        *trees.position_fields("area"),
    ):
        if day != today:  # no verdict yet (None), or yesterday's
            stale = True
            continue
        child = child_holding.find(trees.Span(place[0], place[1], place[1]))
        for share in (shares[child["pk"]] if child else own, summary):
            share.total += 1
            share.assessed += int(assessed)
            share.compliant += int(assessed and compliant)
        failing += int(assessed and not compliant)
        as_of = day if as_of is None else min(as_of, day)
        computed_at = at if computed_at is None else min(computed_at, at)
    noncompliant = OrgVerdict.objects.filter(trees.subtree_q(area, "org__area"), assessed=True, compliant=False).select_related(
        "org__area").order_by(*trees.tree_order("org"))
    return StoredCompliance(
        area=area, today=today, window_start=schedule.window_start(today), summary=summary,
        children=[shares[c["pk"]] for c in children], own=own, noncompliant=noncompliant,
        as_of=as_of, computed_at=computed_at, stale=stale, noncompliant_count=failing,
    )


# ------------------------------------------------------------ inactive members
def inactive_members(area_or_org, today: date):
    """Members with no organizational life attended (present) on or after the inactivity
    cutoff (six months back, 党章第九条), as a queryset: an anti-join on their last attendance
    (``MemberLastPresent``, one row a member, kept by the attendance writers).  Members who
    joined the party, or were registered in the portal, after the cutoff are left out: they
    cannot have missed six months (the portal holds no record of them before).  Not scoped:
    combine with ``Member.objects.visible_to(user)`` (``&``, not ``pk__in``: an IN-subquery of
    a whole city's roster defeats SQLite's planner).  The date of each one's last attended
    activity comes from ``last_attended`` for the page shown."""
    cutoff = schedule.inactivity_cutoff(today)
    since = day_start(cutoff)
    recent = MemberLastPresent.objects.filter(member=OuterRef("pk"), at__gte=since)
    qs = Member.objects.filter(~Exists(recent)).exclude(joined_on__gt=cutoff).exclude(created_at__gt=since)
    if isinstance(area_or_org, PartyOrg):
        return qs.filter(roster_q(area_or_org))
    a = area_or_org
    return qs.filter(trees.subtree_q(a, "organization__area"))


def last_attended(members) -> dict:
    """``{member id: start of the last activity attended}`` (one query on the members' last
    attendance); sets ``last_present`` on the members too."""
    members = list(members)
    rows = MemberLastPresent.objects.filter(member_id__in=[m.pk for m in members]).values_list("member_id", "at") if members else []
    out = dict(rows)
    for m in members:
        m.last_present = out.get(m.pk)
    return out


# ----------------------------------------------------------------- service hours
HOURS = DecimalField(max_digits=8, decimal_places=1)


def with_service_hours(members, start: date, end: date):
    """Annotate members with ``service_hours``: the sum of their service records dated
    within [start, end] (a correlated subquery, so no join multiplies rows)."""
    hours = (
        ServiceRecord.objects.filter(member=OuterRef("pk"), occurred_on__gte=start, occurred_on__lte=end)
        .order_by()
        .values("member")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return members.annotate(service_hours=Coalesce(Subquery(hours, output_field=HOURS), Value(Decimal("0")), output_field=HOURS))


def member_service_hours(member, start: date, end: date) -> Decimal:
    total = ServiceRecord.objects.filter(member=member, occurred_on__gte=start, occurred_on__lte=end).aggregate(
        total=Sum("hours")
    )["total"]
    return Decimal(total or 0).quantize(Decimal("0.1"))
