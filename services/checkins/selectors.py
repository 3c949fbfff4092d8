"""Reads of 双报到 (reporting in) and of the members' service hours.

Every list here runs a constant number of queries whatever the number of rows: figures
are correlated subqueries (``COUNT``/``SUM`` over a range of the territory tree) or one
``GROUP BY`` for the rows of a page, never a query per row.

Report status of an in-service member on a day ``d`` (``ReportStatus``):
    * 已报到 (valid) — a report to the community they live in with
      ``reported_on ≤ d ≤ valid_until``;
    * 需重新报到 (expired) — reports there, but none valid on ``d``;
    * 未报到 (never) — no report to that community.
Only reports to the member's *residence* community count (the community whose subtree
holds the member's residence), so a member who moved must report to the new community.

Figures reused by the scoring engine (any number of subtree roots, fixed queries):

``reporting_rates(area_ids, on_date) -> {area_id: (reported, in_service)}``
    ``in_service``: in-service members (``Member.in_service``) whose residence lies in the
    area's subtree; ``reported``: those of them with a valid report on ``on_date`` to their
    residence community.  The 报到率 is ``reported / in_service`` (no rate when 0).
    One query.
``service_hours(area_ids, start, end, *, in_service_only=False) -> {area_id: (hours, members)}``
    ``hours``: the sum (``Decimal``) of the service records dated in ``[start, end]`` of the
    members counted; ``members``: how many members live in the subtree (by their current
    residence) — all members, or only in-service ones, and then only their hours — so the
    人均服务时长 ``hours / members`` always divides the hours of the members it counts.  A
    whole calendar year reads the yearly totals (``MemberYearHours``).  One query.
``area_figures(area_ids, on_date, year)``
    both of the above plus the in-service members who reached ``SERVICE_HOURS_TARGET``
    in ``year``, for the summary page.  One query.
Roots may be nested (a street and its communities at once); each is counted on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractQuarter
from django.utils.translation import gettext_lazy as _

from dangjian import trees
from dangjian.scoping import InArea, InOrg, get_scope
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.grants.choices import MANAGE_ROLES
from organizations.members.models import Member
from organizations.members.places import RES_FIELDS
from organizations.orgs.models import PartyOrg
from services.checkins.choices import AgreementStatus
from services.checkins.models import CoBuildAgreement, MemberReport
from services.checkins.rules import hours_target, progress_percent
from services.ledger import selectors as ledger_selectors
from services.ledger.models import MemberYearHours, ServiceRecord, ServiceSource

HOURS = DecimalField(max_digits=10, decimal_places=1)
ZERO = Decimal("0")
BOARD_RELATED = ("organization", "employer_org", "residence")


class ReportStatus(models.TextChoices):
    VALID = "valid", _("已报到")
    EXPIRED = "expired", _("需重新报到")
    NEVER = "never", _("未报到")


# ------------------------------------------------------------------ building blocks
class _SubCount(Subquery):
    """``COUNT(*)`` of a correlated queryset, as a scalar subquery (no GROUP BY)."""

    output_field = IntegerField()

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.order_by().annotate(_n=Func(Value(1), function="COUNT")).values("_n"), **kwargs)


class _SubSum(Subquery):
    """``SUM(field)`` of a correlated queryset, as a scalar subquery (no GROUP BY)."""

    output_field = HOURS

    def __init__(self, queryset, field="hours", **kwargs):
        super().__init__(
            queryset.order_by().annotate(_s=Func(F(field), function="SUM", output_field=HOURS)).values("_s"), **kwargs
        )


def _in_subtree(prefix):
    """Rows whose node (through ``prefix``) lies in the subtree of the outer area row."""
    return trees.subtree_q(trees.outer(), prefix)


def _residence_reports(member_ref="pk", residence_ref="residence"):
    """Reports of the outer member to the community that holds its residence."""
    return MemberReport.objects.filter(
        trees.ancestors_q(trees.outer(residence_ref, at_position=True), "community"), member=OuterRef(member_ref),
    )


def _valid_report(on_date):
    return Exists(_residence_reports().filter(reported_on__lte=on_date, valid_until__gte=on_date))


def reported_during(start, end):
    """Whether the outer member has a report to their residence community valid on some day
    of ``[start, end]`` (an ``Exists`` for ``annotate``/``filter``; the 民主评议 rule reads it
    for the appraisal year)."""
    return Exists(_residence_reports().filter(reported_on__lte=end, valid_until__gte=start))


def member_hours(start, end, source=None):
    """The outer member's service hours dated in [start, end] (one source, or all), 0 if none."""
    records = ServiceRecord.objects.filter(member=OuterRef("pk"), occurred_on__gte=start, occurred_on__lte=end)
    if source:
        records = records.filter(source=source)
    return Coalesce(_SubSum(records), Value(ZERO), output_field=HOURS)


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _whole_year(start, end) -> int | None:
    """The year ``[start, end]`` spans exactly, if it is one calendar year."""
    return start.year if (start, end) == year_bounds(start.year) else None


# --------------------------------------------------------------------------- members
def with_report_status(members, on_date):
    """Annotate members with ``report_valid_until`` and ``last_reported_on`` (their latest
    report to their residence community up to ``on_date``) and ``report_status``."""
    reports = _residence_reports().filter(reported_on__lte=on_date).order_by("-valid_until", "-reported_on")
    members = members.annotate(
        report_valid_until=Subquery(reports.values("valid_until")[:1], output_field=models.DateField()),
        last_reported_on=Subquery(
            _residence_reports().filter(reported_on__lte=on_date).order_by("-reported_on").values("reported_on")[:1],
            output_field=models.DateField()),
    )
    return members.annotate(report_status=Case(
        When(report_valid_until__gte=on_date, then=Value(ReportStatus.VALID.value)),
        When(report_valid_until__isnull=False, then=Value(ReportStatus.EXPIRED.value)),
        default=Value(ReportStatus.NEVER.value), output_field=models.CharField(),
    ))


def with_year_hours(members, year: int):
    return ledger_selectors.with_year_hours(members, year)


def in_service_residents(area):
    """In-service members living in ``area``'s subtree."""
    return Member.objects.residing_within(area).current().filter(in_service=True)


def community_board(community, *, on_date, year):
    """The community's in-service members with report status and hours of ``year``."""
    members = with_year_hours(with_report_status(in_service_residents(community), on_date), year)
    return members.select_related(*BOARD_RELATED)


def lapsed_reports(community, on_date):
    """In-service residents of the community whose report expired (``board?status=expired``
    lists the same rows), with ``report_valid_until``."""
    return with_report_status(in_service_residents(community), on_date).filter(report_status=ReportStatus.EXPIRED)


def my_reporting(user, *, on_date, year):
    """The user's own member record with its report status and the hours of ``year`` (at
    most one row), for the member's home page."""
    if user is None or not user.is_authenticated:
        return Member.objects.none()
    return with_year_hours(with_report_status(Member.objects.filter(user_id=user.pk), on_date), year)


def board_counts(members) -> dict:
    """``{status: n}`` and ``reached`` (hours ≥ target) of an annotated board, one query."""
    target = hours_target()
    figures = members.order_by().aggregate(
        total=Count("pk"),
        valid=Count("pk", filter=Q(report_status=ReportStatus.VALID)),
        expired=Count("pk", filter=Q(report_status=ReportStatus.EXPIRED)),
        never=Count("pk", filter=Q(report_status=ReportStatus.NEVER)),
        reached=Count("pk", filter=Q(year_hours__gte=target)),
    )
    return {key: value or 0 for key, value in figures.items()}


def search_board(members, *, status=None, employer=None, q=None):
    if status:
        members = members.filter(report_status=status)
    if employer:
        members = members.filter(Q(employer__icontains=employer) | Q(employer_org__name__icontains=employer))
    if q:
        members = members.filter(name__icontains=q)
    return members


def attach_hours_by_source(members, year: int) -> None:
    """Set ``hours_by_source`` ({source: Decimal}) and ``progress`` on each member of a page
    (one query for the whole page)."""
    members = list(members)
    start, end = year_bounds(year)
    rows = (
        ServiceRecord.objects.filter(member_id__in=[m.pk for m in members], occurred_on__gte=start, occurred_on__lte=end)
        .order_by().values("member_id", "source").annotate(total=Sum("hours"))
    ) if members else []
    by_member = {}
    for row in rows:
        by_member.setdefault(row["member_id"], {})[row["source"]] = row["total"]
    target = hours_target()
    for m in members:
        m.hours_by_source = {s: by_member.get(m.pk, {}).get(s, ZERO) for s in ServiceSource.values}
        m.progress = progress_percent(getattr(m, "year_hours", ZERO), target)
    return members


def employers_of(members):
    """Employer organizations of a set of members (for the export picker), one query."""
    return PartyOrg.objects.filter(pk__in=members.order_by().values("employer_org_id")).order_by("name")


# -------------------------------------------------------------------- member's page
@dataclass
class MemberOverview:
    member: Member
    year: int
    today: date
    status: str
    valid_until: date | None
    reports: list
    total: Decimal
    by_source: list  # [(source, label, hours)]
    by_quarter: list  # [{"quarter": q, "hours": {source: h}, "total": h}]
    records: list
    target: Decimal
    percent: int

    @property
    def status_label(self):
        return ReportStatus(self.status).label

    @property
    def remaining(self):
        return max(ZERO, self.target - self.total)


RECORDS_SHOWN = 200


def member_overview(member, *, today, year) -> MemberOverview:
    """A member's reports, their hours of ``year`` by source and quarter, and the target
    (four queries)."""
    community_reports = list(
        MemberReport.objects.filter(member=member).select_related("community").order_by("-reported_on", "-pk")
    )
    community = community_of(member.residence) if member.residence_id else None
    mine = [r for r in community_reports if community is not None and r.community_id == community.pk]
    valid_until = max((r.valid_until for r in mine if r.reported_on <= today), default=None)
    if valid_until is not None and valid_until >= today:
        status = ReportStatus.VALID
    elif valid_until is not None:
        status = ReportStatus.EXPIRED
    else:
        status = ReportStatus.NEVER
    start, end = year_bounds(year)
    records = ServiceRecord.objects.filter(member=member, occurred_on__gte=start, occurred_on__lte=end)
    grouped = records.order_by().annotate(q=ExtractQuarter("occurred_on")).values("q", "source").annotate(total=Sum("hours"))
    quarters = {q: {s: ZERO for s in ServiceSource.values} for q in (1, 2, 3, 4)}
    for row in grouped:
        quarters[row["q"]][row["source"]] += row["total"]
    by_source = [(s, label, sum((quarters[q][s] for q in quarters), ZERO)) for s, label in ServiceSource.choices]
    total = sum((h for _s, _l, h in by_source), ZERO)
    target = hours_target()
    return MemberOverview(
        member=member, year=year, today=today, status=status, valid_until=valid_until, reports=community_reports,
        total=total, by_source=by_source,
        by_quarter=[{"quarter": q, "hours": quarters[q], "total": sum(quarters[q].values(), ZERO)} for q in (1, 2, 3, 4)],
        records=list(records.order_by("-occurred_on", "-pk")[:RECORDS_SHOWN]),
        target=target, percent=progress_percent(total, target),
    )


# --------------------------------------------------------- figures for many subtrees
def _chain_of(level):
    """For roots all of one level from city to community: the members' residence chain column
    of that level (``places.RES_FIELDS``), so "residing in the root's subtree" is one indexed
    equality on the member instead of a join to its residence's tree columns."""
    field = RES_FIELDS.get(level)
    if field is None:
        return None
    return lambda prefix: Q(**{prefix[: -len("residence")] + field: OuterRef("pk")})


def _figures_queryset(area_ids, *, on_date=None, start=None, end=None, in_service_only=False, target=None,
                      own_only=False, level=None):
    """``own_only``: count the members residing on the area itself, not in its subtree;
    ``level``: the roots' level, when they share one (cheaper subqueries, ``_chain_of``)."""
    areas = Area.objects.filter(pk__in=list(area_ids)).order_by()
    annotations = {}
    if own_only:
        where = lambda prefix: Q(**{prefix: OuterRef("pk")})  # noqa: E731
    else:
        where = _chain_of(level) or _in_subtree
    residents = Member.objects.current().filter(where("residence"))
    if on_date is not None:
        annotations["in_service"] = _SubCount(residents.filter(in_service=True))
        annotations["reported"] = _SubCount(residents.filter(in_service=True).filter(_valid_report(on_date)))
    if start is not None:
        counted = residents.filter(in_service=True) if in_service_only else residents
        annotations["members"] = _SubCount(counted)
        year = _whole_year(start, end)
        if year is not None:  # one row a member: the yearly totals
            hours = MemberYearHours.objects.filter(where("member__residence"), year=year)
        else:
            hours = ServiceRecord.objects.filter(where("member__residence"), occurred_on__gte=start, occurred_on__lte=end)
        if in_service_only:  # the hours of the members counted, never of others
            annotations["all_members"] = _SubCount(residents)  # and every member's, for the 全体 figure
            annotations["all_hours"] = _SubSum(hours)
            hours = hours.filter(member__in_service=True)
        annotations["hours"] = _SubSum(hours)
        if target is not None:
            served = residents.filter(in_service=True)
            if year is not None:
                served = served.filter(ledger_selectors.reached_q(year, target))
            else:
                served = served.annotate(_h=member_hours(start, end)).filter(_h__gte=target)
            annotations["reached"] = _SubCount(served)
    return areas.annotate(**annotations)


def reporting_rates(area_ids, on_date) -> dict:
    """``{area_id: (reported, in_service)}`` for each subtree root (one query)."""
    rows = _figures_queryset(area_ids, on_date=on_date).values_list("pk", "reported", "in_service")
    return {pk: (reported or 0, in_service or 0) for pk, reported, in_service in rows}


def service_hours(area_ids, start, end, *, in_service_only=False) -> dict:
    """``{area_id: (hours_sum, members)}`` for each subtree root (one query)."""
    rows = _figures_queryset(area_ids, start=start, end=end, in_service_only=in_service_only).values_list(
        "pk", "hours", "members")
    return {pk: (Decimal(hours or 0), members or 0) for pk, hours, members in rows}


@dataclass
class AreaFigures:
    area_id: int
    name: str
    level: int
    in_service: int
    reported: int
    hours: Decimal
    reached: int
    all_members: int = 0  # every member living there, in service or not
    all_hours: Decimal = ZERO  # and their hours: 人均服务时长 as the dashboard and the scoring define it

    @property
    def rate(self):
        return None if not self.in_service else self.reported / self.in_service

    @property
    def rate_percent(self):
        return None if self.rate is None else round(self.rate * 100, 1)

    @property
    def rate_bar(self):
        return None if self.rate is None else int(round(self.rate * 100))

    @property
    def average_hours(self):
        return None if not self.in_service else (self.hours / self.in_service).quantize(Decimal("0.1"))

    @property
    def all_average_hours(self):
        """人均服务时长 of every member living there (the dashboard's and the rubrics' figure)."""
        return None if not self.all_members else (self.all_hours / self.all_members).quantize(Decimal("0.1"))

    @property
    def is_community(self):
        return self.level == AreaLevel.COMMUNITY


def area_figures(area_ids, *, on_date, year, own_ids=(), level=None) -> dict:
    """Reporting and hours figures of in-service members for each root (one query); for the
    areas of ``own_ids``, only of the members residing on the area itself (same query).
    ``level``: the roots' common level, if any."""
    start, end = year_bounds(year)
    names = ("pk", "name", "level", "in_service", "reported", "hours", "reached", "all_members", "all_hours")
    kwargs = {"on_date": on_date, "start": start, "end": end, "in_service_only": True, "target": hours_target()}
    rows = _figures_queryset(area_ids, level=level, **kwargs).values_list(*names)
    if own_ids:
        rows = rows.union(_figures_queryset(own_ids, own_only=True, **kwargs).values_list(*names), all=True)
    return {
        pk: AreaFigures(pk, name, level, in_service or 0, reported or 0, Decimal(hours or 0), reached or 0,
                        all_members or 0, Decimal(all_hours or 0))
        for pk, name, level, in_service, reported, hours, reached, all_members, all_hours in rows
    }


def summary_rows(area, *, on_date, year) -> tuple[AreaFigures, list[AreaFigures]]:
    """The area's own figures and those of its children down to communities (two queries
    plus the children list).  The area's figures are the sum of all its children's and of
    the members residing on the area itself, so no member's records are read twice."""
    children = []
    if area.level < AreaLevel.COMMUNITY:
        children = list(area.get_children().order_by(*trees.preorder()).values_list("pk", "level"))
    if children:
        levels = {level for _pk, level in children}
        figures = area_figures([pk for pk, _level in children], on_date=on_date, year=year, own_ids=[area.pk],
                               level=levels.pop() if len(levels) == 1 else None)
    else:
        figures = area_figures([area.pk], on_date=on_date, year=year, level=area.level)
    own = figures[area.pk]
    for pk, _level in children:
        part = figures.get(pk)
        if part is not None:
            own.in_service += part.in_service
            own.reported += part.reported
            own.hours += part.hours
            own.reached += part.reached
            own.all_members += part.all_members
            own.all_hours += part.all_hours
    return own, [figures[pk] for pk, level in children if level <= AreaLevel.COMMUNITY and pk in figures]


def agreements_for(user):
    return CoBuildAgreement.objects.visible_to(user).select_related("org", "community")


def agreement_counts(queryset) -> dict:
    rows = queryset.order_by().values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    return {s: counts.get(s, 0) for s in AgreementStatus.values}


def reporting_orgs_for(user):
    """Organizations the user may register an agreement for (unit organizations)."""
    from services.checkins.rules import UNIT_CATEGORIES

    return PartyOrg.objects.filter(category__in=UNIT_CATEGORIES).granted(
        user, InOrg("", MANAGE_ROLES), InArea("area", MANAGE_ROLES))


def community_branches(community):
    """Compound branches (小区党支部) anchored inside the community."""
    from organizations.orgs.choices import OrgCategory

    return PartyOrg.objects.anchored_within(community).filter(category=OrgCategory.COMPOUND).order_by("name")


def managed_communities(user):
    return Area.objects.filter(level=AreaLevel.COMMUNITY).granted(user, InArea("", MANAGE_ROLES))


def employer_orgs_for(user):
    """Employer organizations the user may export a workbook for: the organizations they
    see (``PartyOrg.visible_to``), and the employers of in-service members who reported
    to a community the user manages (the community knows them from the member records)."""
    scope = get_scope(user)
    if scope.is_global:
        return PartyOrg.objects.all()
    reported = MemberReport.objects.filter(trees.ranges_q(scope.areas_for(MANAGE_ROLES), "community")).values("member_id")
    employers = Member.objects.filter(pk__in=reported, employer_org__isnull=False).values("employer_org_id")
    return PartyOrg.objects.filter(Q(pk__in=PartyOrg.objects.visible_to(user).values("pk")) | Q(pk__in=employers))


def employer_members(user, org):
    """In-service members employed by ``org`` who reported to a community the user
    manages — or every one who reported anywhere, when the user manages ``org``."""
    scope = get_scope(user)
    members = Member.objects.filter(employer_org=org, in_service=True)
    if scope.is_global or scope.covers_org(org, MANAGE_ROLES):
        reported = MemberReport.objects.all()
    else:
        reported = MemberReport.objects.filter(trees.ranges_q(scope.areas_for(MANAGE_ROLES), "community"))
    return members.filter(pk__in=reported.values("member_id")).select_related("residence", "organization").order_by(
        "name", "pk")


# ------------------------------------------------------------------------- helpers
def community_of(area) -> Area | None:
    """The community (社区) a place belongs to: itself, or its community ancestor."""
    if area is None:
        return None
    if area.level == AreaLevel.COMMUNITY:
        return area
    if area.level < AreaLevel.COMMUNITY:
        return None
    return trees.containing(Area.objects, area, level=AreaLevel.COMMUNITY).first()
