"""Reads of dues (党费), scoped to a user; every figure set-based (a constant number of
queries whatever the number of members or months)."""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, Sum

from dangjian import trees
from dangjian.scoping import InOrg, get_scope
from organizations.dues import brackets as calc
from organizations.dues.choices import LAPSE_MONTHS, MonthStatus
from organizations.dues.models import DuesBase, DuesOrgMonth, DuesPayment, DuesRuleSet
from organizations.dues.permissions import DUES_ROLES
from organizations.members.models import Member
from organizations.members.places import anchored_q
from organizations.orgs.models import PartyOrg


# ------------------------------------------------------------------------- scoping
def dues_members_for(user):
    """The members whose dues ``user`` may read: a managing role over their branch (or its
    area); a party member their own record."""
    scope = get_scope(user)
    if scope.is_global:
        return Member.objects.all()
    if scope.user_id is None:
        return Member.objects.none()
    q = Q(user_id=user.pk)
    for r in scope.areas_for(DUES_ROLES):
        q |= anchored_q(r)  # an indexed equality on the member's place column for the four upper levels
    if scope.orgs_for(DUES_ROLES):
        q |= InOrg("organization", DUES_ROLES).q(Member.objects.all(), scope, user)
    return Member.objects.filter(q)


def payments_for(user):
    return DuesPayment.objects.visible_to(user)


def bases_for(user):
    return DuesBase.objects.visible_to(user)


def subject_q(subject) -> Q:
    """Members of an organization (``PartyOrg``) or of the organizations anchored in an area."""
    if isinstance(subject, PartyOrg):
        return Q(organization_id=subject.pk)
    return anchored_q(subject)


# ------------------------------------------------------------------------ brackets
def rule_set_for(area, on_date: date) -> DuesRuleSet | None:
    """The rule set in force for ``area`` on ``on_date`` (one query): the newest effective set
    of the nearest ancestor-or-self with its own, else the default set."""
    q = Q(area__isnull=True)
    if area is not None:
        q |= trees.ancestors_q(area, "area")
    return (
        DuesRuleSet.objects.filter(q, effective_from__lte=on_date).select_related("area")
        .order_by(F("area__depth").desc(nulls_last=True), "-effective_from", "-version").first()
    )


def brackets_of(rule_set) -> list[calc.Bracket]:
    return [b.as_bracket() for b in rule_set.brackets.order_by("sort_order", "pk")]


# ------------------------------------------------------------------- bases by month
class BaseBook:
    """The declared bases of some members (one query), answering which applies to a month:
    the latest starting on or before it."""

    def __init__(self, member_ids, *, until: date):
        self.by_member: dict[int, list] = defaultdict(list)
        rows = DuesBase.objects.filter(member_id__in=list(member_ids), starts_on__lte=until).order_by("member_id", "starts_on")
        for b in rows:
            self.by_member[b.member_id].append(b)
        self.starts = {m: [b.starts_on for b in bs] for m, bs in self.by_member.items()}

    def for_month(self, member_id: int, month: date):
        starts = self.starts.get(member_id)
        if not starts:
            return None
        i = bisect_right(starts, month)
        return self.by_member[member_id][i - 1] if i else None

    def latest(self, member_id: int):
        bases = self.by_member.get(member_id)
        return bases[-1] if bases else None


# ---------------------------------------------------------------------- the sheet
@dataclass
class Cell:
    month: date
    status: str
    label: str
    amount_due: Decimal | None = None
    payment: DuesPayment | None = None

    @property
    def key(self) -> str:
        return f"{self.month:%Y-%m}"


@dataclass
class SheetRow:
    member: Member
    base: DuesBase | None
    cells: list = field(default_factory=list)
    due_total: Decimal = calc.ZERO
    paid_total: Decimal = calc.ZERO
    unpaid_months: int = 0


def month_status(payment, base, month: date, today: date) -> str:
    if payment is not None:
        return MonthStatus(payment.kind).value
    if base is None or month > calc.month_start(today):
        return MonthStatus.NOT_DUE.value
    return MonthStatus.DUE.value


def sheet_rows(members, year: int, today: date) -> list[SheetRow]:
    """A year of the members' dues, month by month (two queries: their payments of the year
    and their bases)."""
    members = list(members)
    ids = [m.pk for m in members]
    months = [date(year, m, 1) for m in range(1, 13)]
    book = BaseBook(ids, until=months[-1])
    paid = {}
    if ids:
        for p in DuesPayment.objects.filter(member_id__in=ids, month__gte=months[0], month__lte=months[-1]):
            paid[(p.member_id, p.month)] = p
    labels = dict(MonthStatus.choices)
    rows = []
    for m in members:
        row = SheetRow(member=m, base=book.latest(m.pk))
        for month in months:
            base = book.for_month(m.pk, month)
            payment = paid.get((m.pk, month))
            status = month_status(payment, base, month, today)
            due = payment.amount_due if payment is not None else (base.monthly_amount if base is not None else None)
            row.cells.append(Cell(month, status, str(labels[status]), due, payment))
            if status != MonthStatus.NOT_DUE:
                row.due_total += due or calc.ZERO
            if payment is not None:
                row.paid_total += payment.amount_paid
            if status == MonthStatus.DUE and month <= calc.last_completed_month(today):
                row.unpaid_months += 1
        rows.append(row)
    return rows


def month_rows(members, month: date, today: date) -> list[dict]:
    """One month of the members' dues, as the Excel sheet holds it (two queries)."""
    members = list(members)
    ids = [m.pk for m in members]
    book = BaseBook(ids, until=month)
    paid = {p.member_id: p for p in DuesPayment.objects.filter(member_id__in=ids, month=month)} if ids else {}
    out = []
    for m in members:
        base = book.for_month(m.pk, month)
        payment = paid.get(m.pk)
        out.append({"member": m, "base": base, "payment": payment,
                    "status": month_status(payment, base, month, today)})
    return out


# -------------------------------------------------------------- arrears and lapses
def lapsed_q(today: date, months: int = LAPSE_MONTHS, prefix: str = "dues_state__") -> Q:
    """Members ``months`` completed months or more unpaid in a row (党章第九条): an index
    range on their dues state."""
    covered_by, started_by = calc.lapse_cutoffs(today, months)
    return Q(**{f"{prefix}last_covered__lte": covered_by}) | Q(
        **{f"{prefix}last_covered__isnull": True, f"{prefix}start_month__lte": started_by})


def lapsed_members(user, subject, today: date, months: int = LAPSE_MONTHS):
    """The members of ``subject`` (an organization or an area) the user may read with six
    consecutive months unpaid, as a queryset (not ordered)."""
    return dues_members_for(user).filter(subject_q(subject)).filter(lapsed_q(today, months))


def arrears_members(user, subject, today: date):
    """Members owing at least last month's dues (one completed month unpaid or more)."""
    return lapsed_members(user, subject, today, months=1)


def attach_states(members, today: date) -> None:
    """Sets ``dues_unpaid`` (months unpaid in a row) and ``dues_last_covered`` on each member
    (its ``dues_state`` loaded with ``select_related``) and ``dues_monthly`` from the
    latest base (one query)."""
    members = list(members)
    book = BaseBook([m.pk for m in members], until=calc.month_start(today))
    for m in members:
        state = getattr(m, "dues_state", None)
        m.dues_last_covered = state.last_covered if state else None
        m.dues_unpaid = calc.unpaid_streak(start_month=state.start_month if state else None,
                                           last_covered=m.dues_last_covered, today=today)
        base = book.latest(m.pk)
        m.dues_monthly = base.monthly_amount if base else None
        m.dues_owed = calc.money((m.dues_monthly or 0) * m.dues_unpaid)


def count_lapsed(user, subject, today: date) -> int:
    return lapsed_members(user, subject, today).count()


# --------------------------------------------------------------------------- totals
@dataclass
class TotalRow:
    node: object
    due: Decimal = calc.ZERO
    paid: Decimal = calc.ZERO
    months_paid: int = 0
    months_exempt: int = 0

    @property
    def rate(self):
        if not self.due:
            return None
        return (self.paid * 100 / self.due).quantize(Decimal("0.1"))


def totals(user, area, year: int, *, children) -> tuple[list[TotalRow], TotalRow]:
    """The year's dues within ``area`` per child node (``children``: areas, or the
    organizations of a community), and the whole: one grouped read of the branches' monthly
    totals (``DuesOrgMonth``, by the branch at the time of each payment, with its anchor's
    position), rolled up in memory.  Sums are quantized to the fen (SQLite sums decimals as
    floating point)."""
    position_fields = trees.position_fields("org__area")
    sums = (
        DuesOrgMonth.objects.visible_to(user).filter(month__gte=date(year, 1, 1), month__lte=date(year, 12, 1))
        .filter(trees.subtree_q(area, "org__area"))
        .order_by().values("org_id", *position_fields)
        .annotate(due=Sum("due"), paid=Sum("paid"), months_paid=Sum("paid_months"), months_exempt=Sum("exempt_months"))
    )
    rows = [TotalRow(node=c) for c in children]
    whole = TotalRow(node=area)
    by_org = {row.node.pk: row for row in rows if isinstance(row.node, PartyOrg)}
    spans = [(trees.span(row.node), row) for row in rows if not isinstance(row.node, PartyOrg)]
    for p in sums:
        target = by_org.get(p["org_id"])
        if target is None:
            where = trees.position(p, "org__area")
            target = next((row for span, row in spans if span.contains(where)), None)
        for r in (target, whole) if target is not None else (whole,):
            r.due += calc.money(p["due"] or 0)
            r.paid += calc.money(p["paid"] or 0)
            r.months_paid += p["months_paid"] or 0
            r.months_exempt += p["months_exempt"] or 0
    return rows, whole


# --------------------------------------------------------------------- one member
def member_years(member, today: date) -> list[dict]:
    """A member's record by year, newest first: each year's months with their status (two
    queries: the member's bases and payments)."""
    bases = list(DuesBase.objects.filter(member=member).select_related("rule_set", "declared_by").order_by("starts_on"))
    payments = {p.month: p for p in DuesPayment.objects.filter(member=member).select_related("recorded_by", "organization")}
    years = {b.year for b in bases} | {m.year for m in payments} | {today.year}
    starts = [b.starts_on for b in bases]
    labels = dict(MonthStatus.choices)
    out = []
    for year in sorted(years, reverse=True):
        cells, due, paid = [], calc.ZERO, calc.ZERO
        for n in range(1, 13):
            month = date(year, n, 1)
            i = bisect_right(starts, month)
            base = bases[i - 1] if i else None
            payment = payments.get(month)
            status = month_status(payment, base, month, today)
            amount = payment.amount_due if payment else (base.monthly_amount if base else None)
            if status != MonthStatus.NOT_DUE:
                due += amount or 0
            if payment:
                paid += payment.amount_paid
            cells.append(Cell(month, status, str(labels[status]), amount, payment))
        out.append({"year": year, "cells": cells, "due": due, "paid": paid,
                    "bases": [b for b in bases if b.year == year]})
    return out
