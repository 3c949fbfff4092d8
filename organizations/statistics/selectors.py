"""Reads of the annual statistical tables: pure set-based counts over the roster, the
organizations, the development records and the transfers of an area.

Whom an area counts: the current members (``Member.objects.current()``) of the organizations
anchored in the area's subtree (``places.anchored_q``: 党内统计 counts members where their
organizational relation is), joined on or before the as-of date.  A past year is read from
today's roster: members who joined later are left out and those made full later count as
probationary (``tables.full_on_q``), but transfers since are not undone.  The caller has checked the
user covers the area (out of scope = 404), so every member counted is one the user may see —
the same number ``members.selectors.roster_count`` gives for that filter.

Each group of tables is ONE query: the member tables are one ``SELECT`` of conditional counts
(the bands are date comparisons, ``tables.band_q``), the organization tables one ``GROUP BY``
of kind and category, the year's development and departures one ``SELECT`` of sub-counts."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from dangjian import trees
from organizations.development.choices import Stage
from organizations.development.models import DevelopmentCase, DevelopmentStep, StepRule
from organizations.members.choices import MemberStatus, OrgRole
from organizations.members.models import Member
from organizations.members.places import anchored_q
from organizations.orgs.models import PartyOrg
from organizations.statistics import tables
from organizations.transfers.choices import TransferKind, TransferStatus
from organizations.transfers.models import Transfer


def as_of_date(year: int, today: date) -> date:
    """The tables' date: 31 December of ``year``, or today for the current year."""
    return today if year >= today.year else date(year, 12, 31)


# ------------------------------------------------------------------------------- members
def area_members_q(area, as_of: date) -> Q:
    """The members an area's tables count, as one filter (also for ``roster_count``)."""
    return anchored_q(area) & ~Q(joined_on__gt=as_of)


def area_members(area, as_of: date):
    return Member.objects.current().filter(area_members_q(area, as_of))


@dataclass
class Figure:
    key: str
    label: str
    value: int
    female: int | None = None
    extra: int | None = None  # the organization tables: those with a secretary
    url: str = ""


@dataclass
class TableResult:
    table: tables.Table
    rows: list = field(default_factory=list)
    total: Figure | None = None

    @property
    def key(self):
        return self.table.key


def member_tables(area, as_of: date) -> list[TableResult]:
    """Every member table of the area as of ``as_of``: one query."""
    defs = tables.member_tables(as_of)
    members = area_members(area, as_of).annotate(**{tables.PARTY_START: Coalesce(
        "full_member_on", Case(When(status=MemberStatus.FULL, then=F("joined_on")), default=None))})
    aggregates = {"total": Count("pk"), "total__f": Count("pk", filter=tables.FEMALE)}
    for table in defs:
        for row in table.rows:
            aggregates[row.key] = Count("pk", filter=row.q)
            if table.female_column:
                aggregates[f"{row.key}__f"] = Count("pk", filter=row.q & tables.FEMALE)
    counts = members.order_by().aggregate(**aggregates)
    out = []
    for table in defs:
        female = (lambda key: counts[f"{key}__f"]) if table.female_column else (lambda key: None)
        out.append(TableResult(
            table, [Figure(row.key, row.label, counts[row.key], female(row.key)) for row in table.rows],
            Figure("total", "", counts["total"], female("total")),
        ))
    return out


# -------------------------------------------------------------------------- organizations
def area_orgs(area):
    return PartyOrg.objects.filter(trees.subtree_q(area, "area"))


def org_tables(area) -> list[TableResult]:
    """The organizations anchored in the area, by kind and by category, with those that have a
    secretary — the organization's 书记 (``PartyOrg.secretary``, as the organization page shows)
    or a member of it whose role there is 书记, either a current member: one ``GROUP BY`` query."""
    current = Member.objects.current()
    led = Exists(current.filter(pk=OuterRef("secretary_id"))) | Exists(
        current.filter(organization=OuterRef("pk"), org_role=OrgRole.SECRETARY))
    grouped = (
        area_orgs(area).order_by().values("kind", "category")
        .annotate(n=Count("pk"), led=Count("pk", filter=led))
    )
    by = {"kind": {}, "category": {}}
    total = [0, 0]
    for row in grouped:
        for name in ("kind", "category"):
            n, with_secretary = by[name].get(row[name], (0, 0))
            by[name][row[name]] = (n + row["n"], with_secretary + row["led"])
        total[0] += row["n"]
        total[1] += row["led"]
    out = []
    for table, name in zip(tables.org_tables(), ("kind", "category"), strict=True):
        rows = []
        for row in table.rows:
            value = row.key.removeprefix(f"org_{name}_")
            n, with_secretary = by[name].get(value, (0, 0))
            rows.append(Figure(row.key, row.label, n, extra=with_secretary))
        out.append(TableResult(table, rows, Figure("total", "", total[0], extra=total[1])))
    return out


# --------------------------------------------------------------------- development and flow
def _year_bounds(year: int, as_of: date):
    start = date(year, 1, 1)
    zone = timezone.get_current_timezone()
    return start, as_of, (datetime.combine(start, time.min, zone), datetime.combine(as_of + timedelta(days=1), time.min, zone))


def _entered(stage, first, last) -> Q:
    """Cases with a step in [first, last] whose rule puts the case into ``stage``."""
    rule = StepRule.objects.filter(rule_set=OuterRef("rule_set"), code=OuterRef("code"), enters_stage=stage)
    steps = DevelopmentStep.objects.filter(case=OuterRef("pk"), on__gte=first, on__lte=last).filter(Exists(rule))
    return Q(Exists(steps))


def flow_querysets(area, year: int, as_of: date) -> dict:
    """The year's figures of development and departures, each as the queryset of its records."""
    first, last, (since, until) = _year_bounds(year, as_of)
    cases = DevelopmentCase.objects.filter(trees.subtree_q(area, "organization__area"))
    to_here = trees.subtree_q(area, "to_org__area")
    from_here = trees.subtree_q(area, "from_org__area")
    answered = Q(status=TransferStatus.ACCEPTED, answered_at__gte=since, answered_at__lt=until)
    letters_out = Q(kind=TransferKind.OUT, letter__issued_on__gte=first, letter__issued_on__lte=last) & ~Q(
        status__in=[TransferStatus.CANCELLED, TransferStatus.RETURNED])
    return {
        "applied": cases.filter(applied_on__gte=first, applied_on__lte=last),
        "activists": cases.filter(_entered(Stage.ACTIVIST, first, last)),
        "candidates": cases.filter(_entered(Stage.CANDIDATE, first, last)),
        "admitted": cases.filter(_entered(Stage.PROBATIONARY, first, last)),
        "converted": Member.objects.filter(anchored_q(area), full_member_on__gte=first, full_member_on__lte=last),
        "transferred_in": Transfer.objects.filter(answered, to_here).exclude(
            kind=TransferKind.WITHIN, from_org__in=PartyOrg.objects.filter(trees.subtree_q(area, "area"))),
        "transferred_out": Transfer.objects.filter(from_here).filter(
            (answered & Q(kind=TransferKind.WITHIN) & ~Q(to_org__in=PartyOrg.objects.filter(trees.subtree_q(area, "area"))))
            | letters_out),
    }


def counts_in_one_query(querysets: dict) -> dict:
    """``{key: queryset.count()}`` for every queryset, in ONE ``SELECT`` of sub-counts."""
    sqls, params = [], []
    for qs in querysets.values():
        try:
            sql, part = qs.order_by().values("pk").distinct().query.sql_with_params()
        except EmptyResultSet:
            sqls.append("0")
            continue
        sqls.append(f"(SELECT COUNT(*) FROM ({sql}) part)")
        params += list(part)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(sqls), params)
        row = cursor.fetchone()
    return {key: int(value) for key, value in zip(querysets, row, strict=True)}


def flow_table(area, year: int, as_of: date, links: dict | None = None) -> TableResult:
    counts = counts_in_one_query(flow_querysets(area, year, as_of))
    counts["net"] = counts["admitted"] + counts["transferred_in"] - counts["transferred_out"]
    links = links or {}
    rows = [Figure(key, str(label), counts[key], url=links.get(key, "")) for key, label in tables.FLOW_ROWS]
    return TableResult(tables.FLOW_TABLE, rows, None)


def all_tables(area, year: int, as_of: date, links: dict | None = None) -> list[TableResult]:
    """Every table of the page and the export: three queries whatever the area's size."""
    return [*member_tables(area, as_of), *org_tables(area), flow_table(area, year, as_of, links)]
