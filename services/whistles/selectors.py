"""Scoped reads of 吹哨报到 and set-based 三率 figures.

Lists start from ``Whistle.objects.visible_to(user)`` (the areas the user manages, the
areas whistles were escalated to, the whistles naming a department or unit the user
answers for) and carry their per-target counts as annotations, so a page runs a constant
number of queries whatever its length.

三率 of whistles (``rate_rows``): a target counts once it is *due* — its whistle's
resolve deadline has passed, or it has been confirmed — in a whistle that was not
cancelled, created in the period.  Of those, ``responded`` reported in by the report
deadline, ``resolved`` were confirmed resolved, and the confirmed ones carry the
whistling side's 满意/基本满意/不满意.  The figures themselves come from
``services.whistles.rates`` (the same arithmetic for requests and scoring).
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dangjian import trees
from dangjian.scoping import InArea, get_scope
from organizations.areas.models import Area
from organizations.grants.choices import MANAGE_ROLES
from services.resident.choices import Satisfaction
from services.whistles import rates
from services.whistles.actions import ESCALATED
from services.whistles.choices import TODO_STATUSES, TargetStatus, WhistleStatus
from services.whistles.models import Department, Responder, Whistle, WhistleEvent, WhistleTarget

LIST_RELATED = ("area", "escalated_to")

EVENT_LABELS = {
    **{s.value: s.label for s in WhistleStatus},
    **{s.value: s.label for s in TargetStatus},
    ESCALATED: "升级",
}


# --------------------------------------------------------------------------- lists
def whistles_for(user):
    """Every whistle the user may open, with the joins of the list."""
    return Whistle.objects.visible_to(user).select_related(*LIST_RELATED)


def late_target_q(now, prefix=""):
    """Targets late now: still to report in after the report deadline, or not answered
    after the resolve deadline."""
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}status": TargetStatus.NOTIFIED, f"{p}whistle__report_due__lt": now}) | Q(
        **{f"{p}status__in": TODO_STATUSES, f"{p}whistle__resolve_due__lt": now}
    )


def overdue_q(now):
    """Whistles in progress with at least one late target."""
    return Q(status=WhistleStatus.OPEN, pk__in=WhistleTarget.objects.filter(late_target_q(now)).values("whistle_id"))


def escalated_to_me_q(user):
    """Whistles escalated to one of the areas the user manages."""
    scope = get_scope(user)
    if scope.is_global:
        return Q(escalated_to__isnull=False)
    return trees.ranges_q(scope.areas_for(MANAGE_ROLES), "escalated_to")


def awaiting_confirmation_for(user):
    """Whistles whose departments answered, waiting for the whistling side to confirm
    (``list?status=awaiting`` lists the same rows)."""
    return whistles_for(user).filter(status=WhistleStatus.AWAITING)


def escalated_to(user):
    """Whistles in progress escalated to an area the user manages (``list?mine=1&status=open``)."""
    return whistles_for(user).filter(escalated_to_me_q(user), status=WhistleStatus.OPEN)


def overdue_for(user, now):
    """Whistles in progress with a late target (``list?overdue=1``)."""
    return whistles_for(user).filter(overdue_q(now))


def with_progress(queryset, now=None):
    """Per-whistle target counts for the list (one aggregate query with the page)."""
    now = now or timezone.now()
    return queryset.annotate(
        n_targets=Count("targets", distinct=True),
        n_reported=Count("targets", filter=~Q(targets__status=TargetStatus.NOTIFIED), distinct=True),
        n_done=Count("targets", filter=Q(targets__status__in=(TargetStatus.RESOLVED, TargetStatus.CONFIRMED)),
                     distinct=True),
        n_late=Count("targets", filter=Q(status=WhistleStatus.OPEN) & late_target_q(now, "targets"), distinct=True),
    )


def status_counts(queryset) -> dict:
    rows = queryset.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def whistle_targets(whistle):
    return (
        WhistleTarget.objects.filter(whistle=whistle)
        .select_related("department__area", "unit__community", "reported_by").order_by("pk")
    )


def whistle_events(whistle):
    return (
        WhistleEvent.objects.filter(whistle=whistle)
        .select_related("actor", "target__department", "target__unit").order_by("at", "id")
    )


def inbox(user):
    """The targets the user answers for: the ones to act on first, then the newest."""
    order = Case(
        When(status=TargetStatus.NOTIFIED, then=Value(0)),
        When(status__in=(TargetStatus.REPORTED, TargetStatus.REOPENED), then=Value(1)),
        When(status=TargetStatus.RESOLVED, then=Value(2)),
        default=Value(3), output_field=IntegerField(),
    )
    return (
        WhistleTarget.objects.answered_by(user)
        .exclude(whistle__status=WhistleStatus.CANCELLED)
        .select_related("whistle__area", "department", "unit")
        .annotate(_todo=order).order_by("_todo", "whistle__resolve_due", "-pk")
    )


def inbox_todo(user):
    """The targets the user still has to report in or resolve (``inbox?todo=1``), with the
    deadline that matters now: the report deadline until reported in, then the resolve one."""
    return inbox(user).filter(status__in=TODO_STATUSES).annotate(due=Case(
        When(status=TargetStatus.NOTIFIED, then=F("whistle__report_due")), default=F("whistle__resolve_due"),
    ))


def departments_managed_by(user, roles):
    """Departments whose area a role in ``roles`` of the user covers, with their account counts."""
    qs = Department.objects.granted(user, InArea("area", roles))
    return qs.select_related("area").annotate(n_accounts=Count("responders")).order_by(*trees.tree_order("area"), "name")


# ------------------------------------------------------------------------------- 三率
@dataclass
class RateRow:
    label: str
    note: str
    counts: rates.RateCounts
    figures: dict
    key: str = ""
    area_id: int | None = None

    @property
    def pct(self) -> dict:
        """The figures as percentages for display (“95.5%”, or “—” without data)."""
        return {name: rates.as_percent(value) for name, value in self.figures.items()}


def _counts():
    return {
        "total": Count("pk"),
        "responded": Count("pk", filter=Q(reported_at__isnull=False, reported_at__lte=F("whistle__report_due"))),
        "resolved": Count("pk", filter=Q(status=TargetStatus.CONFIRMED)),
        "satisfied": Count("pk", filter=Q(status=TargetStatus.CONFIRMED, satisfaction=Satisfaction.SATISFIED)),
        "basic": Count("pk", filter=Q(status=TargetStatus.CONFIRMED, satisfaction=Satisfaction.BASIC)),
        "unsatisfied": Count("pk", filter=Q(status=TargetStatus.CONFIRMED, satisfaction=Satisfaction.UNSATISFIED)),
    }


def _rate_counts(row) -> rates.RateCounts:
    return rates.RateCounts(**{k: row.get(k) or 0 for k in ("total", "responded", "resolved", "satisfied", "basic", "unsatisfied")})


def period_bounds(start, end):
    """Aware datetimes ``[start 00:00, end+1 00:00)`` of two dates."""
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def due_in_period(start, end, now=None):
    """The targets counted in a 三率 for whistles created between two dates: due (the resolve
    deadline has passed, or confirmed), in a whistle not cancelled — every 三率 reads this."""
    now = now or timezone.now()
    since, until = period_bounds(start, end)
    return WhistleTarget.objects.filter(
        Q(whistle__resolve_due__lt=now) | Q(status=TargetStatus.CONFIRMED),
        whistle__created_at__gte=since, whistle__created_at__lt=until,
    ).exclude(whistle__status=WhistleStatus.CANCELLED)


def due_targets(area, start, end, now=None):
    """The targets counted in the 三率 of ``area``'s subtree for whistles created between two dates."""
    return due_in_period(start, end, now).filter(trees.subtree_q(area, "whistle__area"))


def rate_rows(area, start, end, weighting=None, now=None) -> dict:
    """三率 of ``area``'s subtree: ``{"total": RateRow, "children": [...], "parties": [...]}``.

    Three queries whatever the size: the children, the counts grouped by the child whose
    subtree holds the whistling area, the counts grouped by department or unit."""
    base = due_targets(area, start, end, now)
    children = list(area.get_children().order_by(*trees.preorder()))
    case = Case(
        *[When(trees.subtree_q(c, "whistle__area", check_tree=False), then=Value(c.pk)) for c in children],
        default=Value(None), output_field=IntegerField(),
    ) if children else Value(None, output_field=IntegerField())
    per_child = {row["child"]: _rate_counts(row) for row in base.annotate(child=case).order_by().values("child").annotate(**_counts())}
    total = sum(per_child.values(), rates.RateCounts())

    def row(label, counts, note="", key="", area_id=None):
        return RateRow(label=label, note=note, counts=counts, figures=rates.rates(counts, weighting), key=key,
                       area_id=area_id)

    child_rows = [row(c.name, per_child.get(c.pk, rates.RateCounts()), key=f"area-{c.pk}", area_id=c.pk) for c in children]
    if per_child.get(None):
        child_rows.append(row(area.name, per_child[None], note="本级吹哨", key=f"area-{area.pk}"))

    parties = []
    grouped = (
        base.order_by().values("department_id", "department__name", "department__area__name", "unit_id", "unit__name",
                               "unit__community__name")
        .annotate(**_counts())
    )
    for g in grouped:
        if g["department_id"]:
            parties.append(row(g["department__name"], _rate_counts(g), note=g["department__area__name"],
                               key=f"department-{g['department_id']}"))
        else:
            parties.append(row(g["unit__name"], _rate_counts(g), note=g["unit__community__name"], key=f"unit-{g['unit_id']}"))
    parties.sort(key=lambda r: (r.figures["composite"] is None, -(r.figures["composite"] or 0), r.label))
    return {"total": row(area.name, total, key="total"), "children": child_rows, "parties": parties}


@dataclass
class PartyRates:
    """三率 of one department or unit the user answers for: the period's and each month's."""

    key: str
    label: str
    note: str
    total: RateRow
    months: list


def own_parties(user) -> list[tuple[str, str, str]]:
    """``(key, name, where)`` of each department (``department-<id>``) and unit (``unit-<id>``)
    the user answers for (one query)."""
    rows = Responder.objects.filter(user_id=user.pk).select_related("department__area", "unit__community").order_by("pk")
    parties = []
    for r in rows:
        if r.department_id:
            parties.append((f"department-{r.department_id}", r.department.name, r.department.area.name))
        else:
            parties.append((f"unit-{r.unit_id}", r.unit.name, r.unit.community.name))
    return parties


def month_starts(start, end) -> list[date]:
    """The first day of every month from ``start``'s to ``end``'s."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def own_rate_rows(parties, start, end, weighting=None, now=None) -> list[PartyRates]:
    """三率 of the given parties (``own_parties`` rows: only the user's own) over the period
    and month by month (by the whistle's month), in one grouped query whatever the period."""
    ids = {"department": [], "unit": []}
    for key, _name, _where in parties:
        kind, pk = key.split("-")
        ids[kind].append(int(pk))
    counts = {}
    if parties:
        month = TruncMonth("whistle__created_at", tzinfo=timezone.get_current_timezone())
        grouped = (
            due_in_period(start, end, now).filter(Q(department_id__in=ids["department"]) | Q(unit_id__in=ids["unit"]))
            .annotate(month=month).order_by().values("department_id", "unit_id", "month").annotate(**_counts())
        )
        for g in grouped:
            key = f"department-{g['department_id']}" if g["department_id"] else f"unit-{g['unit_id']}"
            stamp = g["month"]  # the month's first moment, in the current time zone
            day = (timezone.localtime(stamp) if timezone.is_aware(stamp) else stamp).date()
            counts[(key, day.replace(day=1))] = _rate_counts(g)
    months = month_starts(start, end)
    out = []
    for key, name, where in parties:
        per_month = [counts.get((key, m), rates.RateCounts()) for m in months]
        total = sum(per_month, rates.RateCounts())

        def row(label, c, key=key):
            return RateRow(label=label, note="", counts=c, figures=rates.rates(c, weighting), key=key)

        out.append(PartyRates(
            key=key, label=name, note=where, total=row(name, total),
            months=[row(f"{m.year}年{m.month}月", c, key=f"{key}-{m:%Y-%m}") for m, c in zip(months, per_month, strict=True)],
        ))
    return out


def rate_areas_for(user):
    """Areas the 三率 page may show: those a managing role of the user covers."""
    return Area.objects.granted(user, InArea("", MANAGE_ROLES))


def default_rate_area(user):
    """The highest area a managing grant of the user covers (None without one)."""
    scope = get_scope(user)
    if scope.is_global:
        return Area.objects.filter(parent__isnull=True).order_by(trees.tree_field()).first()
    ranges = sorted(scope.areas_for(MANAGE_ROLES), key=lambda r: r.key)
    if not ranges:
        return None
    return Area.objects.filter(pk=ranges[0].node_id).first()
