"""Reads of the service-hours ledger by calendar year, from the yearly totals
(``MemberYearHours``, one row a member and year) rather than by summing the records."""

from decimal import Decimal

from django.db.models import DecimalField, Exists, F, FilteredRelation, OuterRef, Q, Value
from django.db.models.functions import Coalesce

from services.ledger.models import MemberYearHours

HOURS = DecimalField(max_digits=8, decimal_places=1)
ZERO = Decimal("0")


def with_year_hours(members, year: int, name: str = "year_hours"):
    """Annotate members with ``name``: their service hours of ``year`` (0 without records),
    through one LEFT JOIN on the yearly totals (sortable, no subquery a row)."""
    alias = f"_{name}_row"
    return members.annotate(**{alias: FilteredRelation("yearly_hours", condition=Q(yearly_hours__year=year))}).annotate(
        **{name: Coalesce(F(f"{alias}__hours"), Value(ZERO), output_field=HOURS)}
    )


def served_in(members, year: int, name: str = "year_hours"):
    """Only the members who served in ``year`` (hours > 0), annotated with ``name``: an INNER
    JOIN on the yearly totals, so a ranking by hours reads the index (year, hours desc) and
    stops at the page instead of sorting every member of a city."""
    alias = f"_{name}_row"
    return members.annotate(**{alias: FilteredRelation("yearly_hours", condition=Q(yearly_hours__year=year))}).filter(
        **{f"{alias}__hours__gt": 0}
    ).annotate(**{name: F(f"{alias}__hours")})


def served_q(year: int, member_ref: str = "pk") -> Q:
    """The outer member has service hours in ``year``."""
    return Q(Exists(MemberYearHours.objects.filter(member=OuterRef(member_ref), year=year, hours__gt=0)))


def reached_q(year: int, target, member_ref: str = "pk") -> Q:
    """The outer member served at least ``target`` hours in ``year`` (an EXISTS on one row)."""
    return Q(Exists(MemberYearHours.objects.filter(member=OuterRef(member_ref), year=year, hours__gte=target)))


def member_year_hours(member_id: int, year: int) -> Decimal:
    """One member's hours of ``year`` (one query)."""
    hours = MemberYearHours.objects.filter(member_id=member_id, year=year).values_list("hours", flat=True).first()
    return Decimal(hours or 0).quantize(Decimal("0.1"))
