"""Reads of the service centres: the user's rows, the floor-area standard that applies to each
centre (the nearest ancestor locality's, one correlated subquery over the small standards
table), the coverage figures of an area's children (two grouped queries over the subtree),
the public finder's centres of one community and the dashboard tiles."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.urls import reverse

from dangjian import trees
from dangjian.scoping import InArea
from network.centres.choices import LEVELS, CentreLevel
from network.centres.models import FloorAreaStandard, ServiceCentre
from network.centres.permissions import CENTRE_ROLES
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area


# ------------------------------------------------------------------------ scoped sets
def centres_for(user):
    """The centres of the staff pages: those whose place lies in a subtree granted to the user
    with a managing role."""
    return ServiceCentre.objects.granted(user, InArea("area", CENTRE_ROLES))


def api_centres_for(user):
    return ServiceCentre.objects.visible_to(user)


def standard_of():
    """The minimum floor area that applies to the outer centre: the standard of the nearest
    ancestor (or the place itself) with one for the centre's level, NULL when none has."""
    return Subquery(
        FloorAreaStandard.objects.filter(trees.ancestors_q(trees.outer("area"), "area"), level=OuterRef("level"))
        .order_by("-area__level").values("min_floor_area")[:1],
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


MEETS_Q = Q(standard__isnull=False, floor_area__gte=F("standard"))
JUDGED_Q = Q(standard__isnull=False)


def with_standard(centres):
    """Centres annotated with ``standard`` (the applicable minimum, or None) and ``meets``
    (True/False, None without a standard)."""
    return centres.annotate(standard=standard_of()).annotate(
        meets=Case(
            When(standard__isnull=True, then=Value(None)),
            When(floor_area__gte=F("standard"), then=Value(True)),
            default=Value(False), output_field=BooleanField(null=True),
        )
    )


def standard_for(level, area):
    """The standard row that applies to a centre of ``level`` on ``area`` (one query)."""
    return (
        FloorAreaStandard.objects.filter(trees.ancestors_q(area, "area"), level=level)
        .select_related("area").order_by("-area__level").first()
    )


# ------------------------------------------------------------------------ coverage
@dataclass
class Figures:
    centres: dict = field(default_factory=lambda: {level: 0 for level in LEVELS})
    active: int = 0
    judged: int = 0
    meets: int = 0
    streets: int = 0
    streets_served: int = 0
    communities: int = 0
    communities_served: int = 0

    def add(self, other: Figures) -> None:
        for level in LEVELS:
            self.centres[level] += other.centres[level]
        for name in ("active", "judged", "meets", "streets", "streets_served", "communities", "communities_served"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def centres_by_level(self) -> list[int]:
        return [self.centres[level] for level in LEVELS]

    @property
    def streets_without(self) -> int:
        return self.streets - self.streets_served

    @property
    def communities_without(self) -> int:
        return self.communities - self.communities_served

    @property
    def meets_share(self):
        """Percent of the centres with a standard that meet it (None when none has one)."""
        return _percent(self.meets, self.judged)

    @property
    def communities_share(self):
        return _percent(self.communities_served, self.communities)

    @property
    def streets_share(self):
        return _percent(self.streets_served, self.streets)


def _percent(part, whole):
    return (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None


@dataclass
class CoverageRow:
    area: Area
    figures: Figures


@dataclass
class Coverage:
    area: Area
    total: Figures
    children: list[CoverageRow]


def _child_key(kids, prefix: str):
    """The child (of ``kids``) whose subtree holds the row's area, 0 for the area itself."""
    whens = [When(trees.subtree_q(kid, prefix, check_tree=False), then=Value(kid.pk)) for kid in kids]
    if not whens:
        return Value(0, output_field=IntegerField())
    return Case(*whens, default=Value(0), output_field=IntegerField())


def _served_q():
    """A street with an active street centre on it, a community with an active community station."""
    active = ServiceCentre.objects.filter(is_active=True)
    return (
        Q(level=AreaLevel.STREET, pk__in=active.filter(level=CentreLevel.STREET).values("area_id"))
        | Q(level=AreaLevel.COMMUNITY, pk__in=active.filter(level=CentreLevel.COMMUNITY).values("area_id"))
    )


def coverage(area) -> Coverage:
    """Per child of ``area`` (and for the whole subtree): active centres per level, centres
    meeting their standard among those that have one, streets and communities with a centre
    of their own and without — three queries whatever the subtree's size (the children, the
    centres grouped by child and level, the streets and communities grouped by child and level)."""
    kids = list(Area.objects.filter(parent=area).order_by(*trees.tree_order()))
    figures = {kid.pk: Figures() for kid in kids}
    figures[0] = Figures()
    centre_rows = (
        with_standard(ServiceCentre.objects.filter(trees.subtree_q(area, "area"), is_active=True))
        .annotate(kid=_child_key(kids, "area"))
        .order_by().values("kid", "level")
        .annotate(n=Count("pk"), judged=Count("pk", filter=JUDGED_Q), meets_n=Count("pk", filter=MEETS_Q))
    )
    for row in centre_rows:
        f = figures[row["kid"]]
        f.centres[row["level"]] += row["n"]
        f.active += row["n"]
        f.judged += row["judged"]
        f.meets += row["meets_n"]
    place_rows = (
        Area.objects.filter(trees.subtree_q(area), level__in=(AreaLevel.STREET, AreaLevel.COMMUNITY))
        .annotate(kid=_child_key(kids, ""), served=ExpressionWrapper(_served_q(), output_field=BooleanField()))
        .order_by().values("kid", "level")
        .annotate(n=Count("pk"), served_n=Count("pk", filter=Q(served=True)))
    )
    for row in place_rows:
        f = figures[row["kid"]]
        if row["level"] == AreaLevel.STREET:
            f.streets += row["n"]
            f.streets_served += row["served_n"]
        else:
            f.communities += row["n"]
            f.communities_served += row["served_n"]
    total = Figures()
    for f in figures.values():
        total.add(f)
    return Coverage(area, total, [CoverageRow(kid, figures[kid.pk]) for kid in kids])


# ------------------------------------------------------------------------ public finder
def public_communities():
    """The communities a resident may pick (public data: names and their street)."""
    return Area.objects.filter(level=AreaLevel.COMMUNITY).select_related("parent").order_by(*trees.tree_order())


def centres_serving(community):
    """The active centres serving a community: its community station(s), the compound
    stations inside it, its street's centre and its district's — one query, nearest first."""
    rows = ServiceCentre.objects.filter(is_active=True).filter(
        Q(trees.ancestors_q(community, "area"), level__in=(CentreLevel.DISTRICT, CentreLevel.STREET, CentreLevel.COMMUNITY))
        | Q(trees.subtree_q(community, "area", include_self=False), level=CentreLevel.COMPOUND)
    )
    order = Case(*[When(level=level, then=Value(i)) for i, level in enumerate(
        (CentreLevel.COMMUNITY, CentreLevel.COMPOUND, CentreLevel.STREET, CentreLevel.DISTRICT))],
        output_field=IntegerField())
    return (
        rows.select_related("area").only(
            "name", "level", "address", "opening_hours", "phone", "facilities", "area__name",
        ).annotate(level_order=order).order_by("level_order", "name", "pk")
    )


# ------------------------------------------------------------------------ dashboard
def area_tiles(user, area) -> list[dict]:
    """The dashboard's tiles for ``area``: active centres per level in its subtree (those the
    user may see) and the share meeting the floor-area standard — one grouped query."""
    rows = (
        with_standard(centres_for(user).filter(trees.subtree_q(area, "area"), is_active=True))
        .order_by().values("level")
        .annotate(n=Count("pk"), judged=Count("pk", filter=JUDGED_Q), meets_n=Count("pk", filter=MEETS_Q))
    )
    by_level = {row["level"]: row for row in rows}
    base = reverse("centres:list")
    tiles = []
    for level in LEVELS:
        row = by_level.get(level, {"n": 0, "judged": 0, "meets_n": 0})
        note = f"达标 {row['meets_n']} 个" if row["judged"] else ""
        tiles.append({
            "label": str(CentreLevel(level).label), "value": str(row["n"]),
            "url": f"{base}?level={level}&area={area.pk}", "note": note,
        })
    judged = sum(r["judged"] for r in by_level.values())
    meets = sum(r["meets_n"] for r in by_level.values())
    share = _percent(meets, judged)
    tiles.append({
        "label": "阵地面积达标率", "value": f"{share}%" if share is not None else "—",
        "url": f"{base}?meets=yes&area={area.pk}" if judged else "",
        "note": f"{meets} / {judged} 个有标准的中心（站）达标" if judged else "尚无适用的面积标准",
    })
    return tiles
