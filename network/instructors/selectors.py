"""Reads of 党建指导员, already scoped to the user; the coverage of 两新 organizations per
area is one grouped query over the units of the subtree (never a count per child area)."""
from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from dangjian import trees
from network.instructors.choices import BEHIND_DAYS, NEW_KINDS, SERVED_KINDS
from network.instructors.models import Instructor, InstructorAssignment, InstructorVisit
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.units.models import ResidentUnit


def instructors_for(user):
    return Instructor.objects.visible_to(user)


def assignments_for(user):
    return InstructorAssignment.objects.visible_to(user)


def visits_for(user):
    return InstructorVisit.objects.visible_to(user)


def filter_instructors(rows, *, q="", area=None, active=None):
    if q:
        rows = rows.filter(name__icontains=q)
    if area is not None:
        rows = rows.filter(trees.subtree_q(area, "area"))
    if active is not None:
        rows = rows.filter(active=active)
    return rows


def instructor_list(user):
    return instructors_for(user).select_related("area", "member").annotate(
        current_units=Count("assignments", filter=Q(assignments__ended_on__isnull=True)),
    ).order_by("-active", "name", "pk")


def instructor_detail(user, pk):
    return instructors_for(user).select_related("area", "member__organization").filter(pk=pk).first()


def instructor_assignments(instructor):
    return list(instructor.assignments.select_related("unit__community", "unit__party_org")
                .order_by("ended_on", "-started_on", "-pk"))


def instructor_visits(instructor, limit=50):
    return list(InstructorVisit.objects.filter(assignment__instructor=instructor)
                .select_related("assignment__unit").order_by("-visited_on", "-pk")[:limit])


def assignment_for(user, pk):
    return assignments_for(user).select_related("instructor__area", "unit__community").filter(pk=pk).first()


def _current_instructor_q():
    return Exists(InstructorAssignment.objects.filter(unit=OuterRef("pk"), ended_on__isnull=True))


def servable_units(user):
    """The units an instructor may be assigned to: 两新 organizations and property companies
    in the user's subtree, each knowing whether it has a party organization and a current
    instructor (the picker shows both)."""
    return (ResidentUnit.objects.visible_to(user).filter(kind__in=SERVED_KINDS)
            .select_related("community", "party_org").annotate(has_instructor=_current_instructor_q())
            .order_by("name", "pk"))


def unit_label(unit) -> str:
    org = "已建党组织" if unit.party_org_id else "未建党组织"
    extra = "，已有指导员" if getattr(unit, "has_instructor", False) else ""
    return f"{unit.name}（{unit.community.name}，{unit.get_kind_display()}，{org}{extra}）"


# --------------------------------------------------------------------------- behind
def behind_cutoff(today):
    """An assignment whose latest visit (or, never visited, its start) is before this day is behind."""
    return today - timedelta(days=BEHIND_DAYS)


def behind(user, today):
    """Current assignments of active instructors without a visit in ``BEHIND_DAYS`` days."""
    return (assignments_for(user).filter(ended_on__isnull=True, instructor__active=True)
            .annotate(_since=Coalesce("last_visit_on", "started_on"))
            .filter(_since__lt=behind_cutoff(today)))


def behind_list(user, today):
    return behind(user, today).select_related("instructor__area", "unit__community").order_by("_since", "pk")


# --------------------------------------------------------------------------- coverage
def _share(part: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _figures(row) -> dict:
    total = row.get("total") or 0
    with_org = row.get("with_org") or 0
    only = row.get("instructor_only") or 0
    neither = total - with_org - only
    return {
        "total": total, "with_org": with_org, "instructor_only": only, "neither": neither,
        "with_org_share": _share(with_org, total), "instructor_only_share": _share(only, total),
        "neither_share": _share(neither, total), "covered_share": _share(with_org + only, total),
    }


_COUNTS = {
    "total": Count("pk"),
    "with_org": Count("pk", filter=Q(party_org__isnull=False)),
    "instructor_only": Count("pk", filter=Q(party_org__isnull=True, _instr=True)),
}


def new_units_within(user, area):
    """两新 organizations in ``area``'s subtree visible to the user."""
    return ResidentUnit.objects.visible_to(user).filter(trees.subtree_q(area, "community"), kind__in=NEW_KINDS)


def coverage_children(area):
    """The rows of the coverage table: the child areas (a community: itself)."""
    if area.level >= AreaLevel.COMMUNITY:
        return [area]
    return list(Area.objects.filter(parent=area).order_by(*trees.tree_order()))


def coverage(user, area, children=None) -> dict:
    """Coverage of 两新 organizations in ``area``, one row per child area and the total:
    with a party organization, with an instructor only (no party organization, a current
    instructor), with neither; their shares.  Two queries (the children, one grouped count)."""
    children = coverage_children(area) if children is None else children
    units = new_units_within(user, area).annotate(_instr=_current_instructor_q())
    key = Case(*[When(trees.subtree_q(c, "community", check_tree=False), then=Value(c.pk)) for c in children],
               default=Value(0), output_field=IntegerField())
    grouped = {row["_child"]: row for row in units.annotate(_child=key).values("_child").annotate(**_COUNTS)}
    rows = [{"area": c, **_figures(grouped.get(c.pk, {}))} for c in children]
    totals = {k: sum(r[k] for r in [*grouped.values()] if r.get(k)) for k in _COUNTS}
    return {"area": area, "rows": rows, "total": _figures(totals)}


def area_coverage(user, area) -> dict:
    """The subtree's totals only (one query)."""
    found = new_units_within(user, area).annotate(_instr=_current_instructor_q()).aggregate(**_COUNTS)
    return _figures(found)


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def area_tiles(user, area) -> list[dict]:
    """The dashboard's tiles for ``area``: coverage of 两新 organizations, and the
    assignments behind on visits (two queries for the whole subtree)."""
    from django.utils import timezone

    figures = area_coverage(user, area)
    url = reverse("instructors:coverage", args=[area.pk])
    late = behind(user, timezone.localdate()).filter(trees.subtree_q(area, "unit__community")).count()
    return [
        {"label": "两新组织党组织覆盖率", "value": _pct(figures["with_org_share"]), "url": url,
         "note": f"{figures['with_org']}/{figures['total']} 个已建党组织"},
        {"label": "两新组织党的工作覆盖率", "value": _pct(figures["covered_share"]), "url": url,
         "note": f"仅有指导员 {figures['instructor_only']} 个，均未覆盖 {figures['neither']} 个"},
        {"label": "指导员走访滞后", "value": str(late), "url": f"{reverse('instructors:behind')}?area={area.pk}",
         "note": f"超过{BEHIND_DAYS}天未走访的联系单位"},
    ]
