"""Reads of 经费: scoped allocations and spending, balances, the totals of an area (per
child area or per organization, by purpose: one grouped query), and the dashboard tiles."""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian import trees
from network.funds.choices import FundPurpose
from network.funds.models import FundAllocation, FundSpending

ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """A sum read back from the database, to the fen (SQLite sums decimals as floating point)."""
    return Decimal(value or 0).quantize(ZERO)


def allocations_for(user):
    return FundAllocation.objects.visible_to(user)


def spendings_for(user):
    return FundSpending.objects.visible_to(user)


def spendable_allocations(user, year=None):
    """The allocations ``user`` may record spending against (the spending form's picker)."""
    from dangjian.scoping import get_scope
    from network.funds.permissions import FUND_ROLES

    scope = get_scope(user)
    qs = allocations_for(user)
    if not scope.is_global:
        q = trees.ranges_q(scope.areas_for(FUND_ROLES), "place") | trees.ranges_q(scope.orgs_for(FUND_ROLES), "org")
        qs = qs.filter(q)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.select_related("org", "area", "place").order_by("-year", *trees.tree_order("place"), "purpose", "pk")


def allocation_label(a) -> str:
    return f"{a.year}年 · {a.recipient.name} · {a.get_purpose_display()}（余额 {a.balance:,.2f} 元）"


@dataclass
class Totals:
    node: object
    allocated: Decimal = ZERO
    spent: Decimal = ZERO
    n: int = 0
    by_purpose: dict = field(default_factory=dict)

    @property
    def balance(self) -> Decimal:
        return self.allocated - self.spent

    def add(self, purpose, allocated, spent, n):
        self.allocated += allocated
        self.spent += spent
        self.n += n
        row = self.by_purpose.setdefault(purpose, {"allocated": ZERO, "spent": ZERO, "n": 0})
        row["allocated"] += allocated
        row["spent"] += spent
        row["n"] += n

    def purposes(self):
        labels = dict(FundPurpose.choices)
        return [{"purpose": p, "label": labels[p], **row, "balance": row["allocated"] - row["spent"]}
                for p, row in sorted(self.by_purpose.items(), key=lambda kv: list(labels).index(kv[0]))]


def area_totals(user, area, year: int, *, children) -> tuple[list[Totals], Totals]:
    """The year's allocations within ``area`` per child area (or, for a community, per
    recipient organization and the community's own), by purpose, and the whole: one grouped
    query, folded onto the children in memory."""
    pos = trees.position_fields("place")
    sums = (
        allocations_for(user).filter(year=year).filter(trees.subtree_q(area, "place"))
        .order_by().values("purpose", "org_id", "area_id", *pos)
        .annotate(allocated=Sum("amount"), spent=Sum("spent"), n=Sum(1))
    )
    rows = [Totals(node=c) for c in children]
    whole = Totals(node=area)
    by_org = {r.node.pk: r for r in rows if r.node._meta.model_name == "partyorg"}
    spans = [(trees.span(r.node), r) for r in rows if r.node._meta.model_name == "area"]
    for p in sums:
        allocated, spent, n = money(p["allocated"]), money(p["spent"]), p["n"] or 0
        target = by_org.get(p["org_id"]) if p["org_id"] else None
        if target is None and not by_org:
            where = trees.position(p, "place")
            target = next((r for span, r in spans if span.contains(where)), None)
        elif target is None and p["area_id"]:
            target = next((r for span, r in spans if r.node.pk == p["area_id"]), None)
        if target is not None:
            target.add(p["purpose"], allocated, spent, n)
        whole.add(p["purpose"], allocated, spent, n)
    return rows, whole


def year_totals(user, area) -> list[dict]:
    """Allocated, spent and balance per year within ``area`` (one grouped query)."""
    rows = (allocations_for(user).filter(trees.subtree_q(area, "place")).order_by().values("year")
            .annotate(allocated=Sum("amount"), spent=Sum("spent")).order_by("-year"))
    return [{"year": r["year"], "allocated": money(r["allocated"]), "spent": money(r["spent"]),
             "balance": money(r["allocated"]) - money(r["spent"])} for r in rows]


def project_spendings(user, project):
    return spendings_for(user).filter(project=project).select_related("allocation__org", "allocation__area")


def area_tiles(user, area, year: int | None = None) -> list[dict]:
    """Funds allocated, spent and the balance in ``area``'s subtree this year (one query)."""
    from django.utils import timezone

    year = year or timezone.localdate().year
    row = (allocations_for(user).filter(year=year).filter(trees.subtree_q(area, "place"))
           .aggregate(allocated=Sum("amount"), spent=Sum("spent"), n=Sum(1)))
    allocated, spent = money(row["allocated"]), money(row["spent"])
    url = f"{reverse('funds:allocations')}?within={area.pk}&year={year}"
    return [
        {"label": _("%(year)d年下拨经费") % {"year": year}, "value": f"¥{allocated:,.2f}", "url": url,
         "note": _("%(n)s 笔") % {"n": f"{row['n'] or 0:,}"}},
        {"label": _("%(year)d年经费支出") % {"year": year}, "value": f"¥{spent:,.2f}",
         "url": f"{reverse('funds:spendings')}?within={area.pk}&year={year}", "note": ""},
        {"label": _("%(year)d年经费余额") % {"year": year}, "value": f"¥{allocated - spent:,.2f}", "url": url, "note": ""},
    ]


