"""Reads of the four lists (四张清单), scoped to the user and set-based.

* ``checklists_for(user)`` — every list whose organization the user sees;
  ``with_figures(qs, today)`` annotates item counts on any checklist queryset (one
  ``GROUP BY`` with the page, so a list page runs the same queries for 5 or 500 rows);
  ``attach_figures(page, today)`` sets the same figures on a fetched page (one grouped query).
* ``awaiting_approval(user)`` — submitted lists the user reviews as the superior.
* ``overdue_items(user, today)`` — open items past their deadline across the user's
  subtree, with the organization and days overdue (one query per page).
* ``checklist_sections(checklist, today)`` — the four lists of one checklist (one query for
  the items), with rectifications under their problems and the figures.
* ``checklist_figures(org_ids, year, today)`` — the figures the scoring engine reads
  (清单完成率, 整改销号率) for any number of organizations in one query.

What the figures count:
    items    责任清单 and 考核清单 items (the year's planned work)
    done     of those, completed
    problems 问题清单 items
    closed   of those, closed (销号: every rectification closed)
    overdue  open items of any kind past their deadline (before ``today``)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from assessments.checklists import permissions
from assessments.checklists.choices import EVENT_LABELS, PLANNED_KINDS, ChecklistStatus, ItemKind, ItemStatus
from assessments.checklists.models import Checklist, ChecklistEvent, ChecklistItem
from dangjian import trees

FIGURE_KEYS = ("items", "done", "problems", "closed", "overdue")


def _figure_counts(prefix: str, today: date) -> dict:
    p = f"{prefix}__" if prefix else ""
    planned = Q(**{f"{p}kind__in": list(PLANNED_KINDS)})
    problem = Q(**{f"{p}kind": ItemKind.PROBLEM})
    target = prefix or "pk"
    return {
        "items": Count(target, filter=planned),
        "done": Count(target, filter=planned & ~Q(**{f"{p}status": ItemStatus.OPEN})),
        "problems": Count(target, filter=problem),
        "closed": Count(target, filter=problem & Q(**{f"{p}status": ItemStatus.CLOSED})),
        "overdue": Count(target, filter=Q(**{f"{p}status": ItemStatus.OPEN, f"{p}due_on__lt": today})),
    }


def _rate(part, whole):
    return round(100 * part / whole) if whole else None


# ---------------------------------------------------------------------------- lists
def checklists_for(user):
    return Checklist.objects.visible_to(user)


def with_figures(queryset, today: date):
    """Annotate ``n_items``, ``n_done``, ``n_problems``, ``n_closed``, ``n_overdue``."""
    return queryset.annotate(**{f"n_{k}": v for k, v in _figure_counts("items", today).items()})


def attach_figures(checklists, today: date):
    """Set ``n_items`` … ``n_overdue`` on already fetched checklists (a page): one grouped
    query over their items, so the database never aggregates the items of every list just
    to sort them.  Returns the checklists."""
    checklists = list(checklists)
    counts = {}
    if checklists:
        rows = (
            ChecklistItem.objects.filter(checklist_id__in=[c.pk for c in checklists])
            .order_by().values("checklist_id").annotate(**_figure_counts("", today))
        )
        counts = {r["checklist_id"]: r for r in rows}
    for c in checklists:
        row = counts.get(c.pk, {})
        for key in FIGURE_KEYS:
            setattr(c, f"n_{key}", row.get(key, 0))
    return checklists


def filter_checklists(queryset, *, year=None, status=None, q=None, appraisal=None):
    if year:
        queryset = queryset.filter(year=year)
    if status:
        queryset = queryset.filter(status=status)
    if appraisal:
        queryset = queryset.filter(appraisal=appraisal)
    if q:
        q = q.strip()
        queryset = queryset.filter(Q(org__name__icontains=q) | Q(org__code__iexact=q))
    return queryset


def checklist_list(user, today: date, **filters):
    """The page's list: visible lists with their organization, newest year first; the
    figures of the page shown come from ``attach_figures``."""
    qs = filter_checklists(checklists_for(user), **filters)
    return qs.select_related("org", "org__area").order_by("-year", *trees.tree_order("org"), "pk")


def awaiting_approval(user):
    """Submitted lists the user may approve (the superior, never the organization's own cadres)."""
    if not permissions.can_review_anywhere(user):
        return Checklist.objects.none()
    return checklists_for(user).filter(permissions.superior_q(user), status=ChecklistStatus.SUBMITTED)


def overdue_items(user, today: date):
    """Open items past their deadline in lists not yet appraised, across everything the
    user sees, most overdue first (``days_overdue`` set per row by ``attach_days``)."""
    return (
        ChecklistItem.objects.filter(
            checklist__in=checklists_for(user).values("pk"), status=ItemStatus.OPEN, due_on__lt=today,
            checklist__appraised_at__isnull=True,
        )
        .select_related("checklist__org")
        .order_by("due_on", "pk")
    )


def attach_days(items, today: date):
    """Set ``days_overdue`` on each item of a page (no query)."""
    for item in items:
        item.days_overdue = (today - item.due_on).days if item.due_on else 0
    return items


# --------------------------------------------------------------------------- detail
@dataclass
class Section:
    kind: str
    label: str
    items: list = field(default_factory=list)


@dataclass
class ChecklistView:
    checklist: Checklist
    sections: list
    figures: dict
    problems: list  # open problems a rectification may link to

    @property
    def bound(self) -> int:
        """How many items read the records."""
        return sum(1 for s in self.sections for i in s.items if i.figure)


def checklist_sections(checklist, today: date) -> ChecklistView:
    """The four lists of a checklist in one query; each problem carries ``fixes`` (its
    rectifications), each rectification ``problem_title``, each item ``overdue``."""
    items = list(ChecklistItem.objects.filter(checklist=checklist).order_by("due_on", "pk"))
    by_kind = {k: [] for k in ItemKind.values}
    titles = {i.pk: i.title for i in items if i.kind == ItemKind.PROBLEM}
    fixes = {}
    for item in items:
        item.overdue = item.status == ItemStatus.OPEN and item.due_on is not None and item.due_on < today
        item.days_overdue = (today - item.due_on).days if item.overdue else 0
        item.problem_title = titles.get(item.problem_id, "")
        by_kind[item.kind].append(item)
        if item.problem_id:
            fixes.setdefault(item.problem_id, []).append(item)
    for item in by_kind[ItemKind.PROBLEM]:
        item.fixes = fixes.get(item.pk, [])
    closed = [i for i in by_kind[ItemKind.RECTIFICATION] if i.status == ItemStatus.CLOSED]
    cited = cited_records(closed) if closed else {}  # a second query only when something was closed
    for item in by_kind[ItemKind.RECTIFICATION]:
        item.cited = cited.get(item.pk, [])
    names = figure_names()
    typed = {(i.figure_params or {}).get("type") for i in items if i.figure} - {None, ""}
    type_names = {}
    if typed:  # one small query, only when an item reads activities of a type
        from assessments.life.models import ActivityType

        type_names = dict(ActivityType.objects.filter(code__in=typed).values_list("code", "name"))
    for item in items:
        item.figure_name = names.get(item.figure, item.figure) if item.figure else ""
        code = (item.figure_params or {}).get("type") if item.figure else None
        item.figure_type_name = type_names.get(code, code or "")
        item.progress_facts = progress_facts(item) if item.figure else []
    sections = [Section(kind=k.value, label=str(k.label), items=by_kind[k.value]) for k in ItemKind]
    return ChecklistView(checklist, sections, _figures_of(items, today),
                         [i for i in by_kind[ItemKind.PROBLEM] if i.status != ItemStatus.CLOSED])


# The counts behind a bound item's progress, in words (``progress_counts`` keys of the sources).
COUNT_LABELS = {
    "count": _("次数"), "months": _("有活动的月数"), "of": _("已过月数"), "hours": _("服务时长（小时）"),
    "members": _("党员人数"), "in_service": _("在职党员"), "reported": _("已报到"), "due": _("应完成"),
    "fulfilled": _("已完成"), "total": _("总数"), "responded": _("按时响应"), "resolved": _("已解决"),
    "satisfied": _("满意"), "basic": _("基本满意"), "unsatisfied": _("不满意"), "paid": _("已交（元）"),
    "open": _("在发展对象"), "on_time": _("未逾期"), "part": _("已覆盖"), "whole": _("应覆盖"),
    "assessed": _("参评组织"), "compliant": _("合规组织"),
}


def progress_facts(item) -> list[tuple[str, object]]:
    """The counts behind ``item``'s progress as ``[(label, value)]`` (no query)."""
    labels = dict(COUNT_LABELS)
    if item.figure == "dues.paid":
        labels["due"] = _("应交（元）")
    return [(str(labels.get(k, k)), v) for k, v in (item.progress_counts or {}).items()]


def figure_names() -> dict[str, str]:
    """Catalogue code → the figure's name with its activity type, for the pages (no query)."""
    from assessments.figures import catalogue

    return {code: figure.name for code, figure in catalogue.CATALOGUE.items()}


def _figures_of(items, today) -> dict:
    planned = [i for i in items if i.kind in PLANNED_KINDS]
    problems = [i for i in items if i.kind == ItemKind.PROBLEM]
    figures = {
        "items": len(planned),
        "done": sum(1 for i in planned if i.status != ItemStatus.OPEN),
        "problems": len(problems),
        "closed": sum(1 for i in problems if i.status == ItemStatus.CLOSED),
        "overdue": sum(1 for i in items if i.status == ItemStatus.OPEN and i.due_on is not None and i.due_on < today),
    }
    figures["done_rate"] = _rate(figures["done"], figures["items"])
    figures["closed_rate"] = _rate(figures["closed"], figures["problems"])
    return figures


def checklist_events(checklist, limit=200):
    events = list(ChecklistEvent.objects.filter(checklist=checklist).select_related("actor").order_by("-at", "-pk")[:limit])
    for e in events:
        e.label = str(EVENT_LABELS.get(e.action, e.action))
    return events


def items_for(user):
    """Every item of a visible list."""
    return ChecklistItem.objects.filter(checklist__in=checklists_for(user).values("pk"))


# ----------------------------------------------------------------------- for scoring
def checklist_figures(org_ids, year: int, today: date | None = None) -> dict[int, dict]:
    """``{org_id: {"items", "done", "problems", "closed", "overdue"}}`` for ``year``'s lists
    of ``org_ids`` (a list of ids or an id queryset), in one query whatever their number.
    Organizations without a list for that year get zeros.  ``overdue`` counts open items
    due before ``today`` (default: the day after the year ends, i.e. due within the year)."""
    if today is None:
        today = date(year + 1, 1, 1)
    rows = (
        ChecklistItem.objects.filter(checklist__org_id__in=org_ids, checklist__year=year)
        .values("checklist__org_id")
        .order_by()
        .annotate(**_figure_counts("", today))
    )
    out = {}
    if not hasattr(org_ids, "query"):
        out = {int(pk): dict.fromkeys(FIGURE_KEYS, 0) for pk in org_ids}
    for row in rows:
        out[row["checklist__org_id"]] = {k: row[k] for k in FIGURE_KEYS}
    return out


def pickable_orgs(user):
    """The create form's organizations picker (``checklist:pick_orgs``): ``editable_orgs`` in
    tree order with their areas — the queryset the form validates against."""
    from dangjian import trees

    return editable_orgs(user).select_related("area").order_by(*trees.tree_order())


def editable_orgs(user):
    """Organizations whose lists the user writes (a managing role over them)."""
    from dangjian.scoping import InArea, InOrg
    from organizations.orgs.models import PartyOrg

    return PartyOrg.objects.granted(user, InOrg("", permissions.CHECKLIST_ROLES), InArea("area", permissions.CHECKLIST_ROLES))


# ------------------------------------------------------------ records cited by 销号
def citable_records(user, org, kind):
    """The records a rectification of ``org``'s list may cite (and its picker lists): the
    ones the user sees, inside the organization — activities of ``org`` and the
    organizations under it; whistles whistled in its area (or below) and closed (已办结);
    residents' requests of its area (or below) resolved or rated.  Newest first."""
    from assessments.checklists.choices import RecordKind

    area = trees.span(org.area) if org.area_id else None
    if kind == RecordKind.ACTIVITY:
        from assessments.life.models import Activity

        return (Activity.objects.visible_to(user).filter(trees.subtree_q(trees.span(org), "org"))
                .select_related("activity_type", "org").order_by("-starts_at", "-pk"))
    if area is None:
        return _none(kind)
    if kind == RecordKind.WHISTLE:
        from services.whistles.choices import WhistleStatus
        from services.whistles.models import Whistle

        return (Whistle.objects.visible_to(user).filter(trees.subtree_q(area, "area"), status=WhistleStatus.CLOSED)
                .order_by("-created_at", "-pk"))
    if kind == RecordKind.REQUEST:
        from services.requests.choices import REQUEST_DONE_STATUSES
        from services.requests.models import ServiceRequest

        return (ServiceRequest.objects.visible_to(user)
                .filter(trees.subtree_q(area, "community") | trees.subtree_q(area, "building"),
                        status__in=REQUEST_DONE_STATUSES)
                .select_related("category").order_by("-created_at", "-pk"))
    raise ValueError(kind)


def _none(kind):
    from assessments.checklists.choices import RecordKind

    if kind == RecordKind.WHISTLE:
        from services.whistles.models import Whistle

        return Whistle.objects.none()
    from services.requests.models import ServiceRequest

    return ServiceRequest.objects.none()


RECORD_SEARCH = {"activity": ("topic", "activity_type__name"), "whistle": ("code", "title"), "request": ("code", "text")}


def record_label(kind, obj) -> str:
    """A cited record as the review page shows it (no personal data: a request by its code,
    category and date)."""
    from django.utils import timezone as tz

    if kind == "activity":
        return f"{tz.localtime(obj.starts_at):%Y-%m-%d} {obj.activity_type.name}：{obj.topic}"
    if kind == "whistle":
        return f"{obj.code} {obj.title}"
    return f"{obj.code} {obj.category.name}（{tz.localtime(obj.created_at):%Y-%m-%d}）"


def record_url(kind, pk) -> str:
    from django.urls import NoReverseMatch, reverse

    name = {"activity": "assessments:activity_detail", "whistle": "whistles:detail", "request": "requests:detail"}[kind]
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def cited_records(items) -> dict[int, list]:
    """``{item_id: [ItemRecord]}`` of the given items (one query)."""
    from assessments.checklists.models import ItemRecord

    out: dict[int, list] = {}
    ids = [getattr(i, "pk", i) for i in items]
    if ids:
        for row in ItemRecord.objects.filter(item_id__in=ids).order_by("item_id", "kind", "pk"):
            out.setdefault(row.item_id, []).append(row)
    return out


# ------------------------------------------------------------------- burden meter
def burden_derived(*, start, end, communities) -> dict[int, int]:
    """``{community_id: n}``: the bound checklist items computed from the records in
    ``[start, end)`` (dates — Asia/Shanghai midnights — or aware datetimes) whose organization lies in each community (its anchor area
    is the community or below) — values the portal filled from the records instead of a
    cadre typing them (the burden meter).  One query for the communities, one grouped
    query for the items; communities without any get 0."""
    from datetime import datetime, time

    from assessments.life import schedule
    from organizations.areas.models import Area

    start, end = ((x if isinstance(x, datetime) else datetime.combine(x, time.min, tzinfo=schedule.SHANGHAI))
                  for x in (start, end))
    ids = [getattr(c, "pk", c) for c in communities]
    out = dict.fromkeys(ids, 0)
    if not ids:
        return out
    spans = list(trees.with_spans(Area.objects.filter(pk__in=ids).order_by(), "pk"))
    if not spans:
        return out
    inside = Q()
    for _pk, span in spans:
        inside |= trees.subtree_q(span, "checklist__org__area")
    locator = trees.Locator((span, pk) for pk, span in spans)
    rows = (
        ChecklistItem.objects.filter(inside, computed_at__gte=start, computed_at__lt=end).exclude(figure="")
        .order_by().values(*trees.position_fields("checklist__org__area")).annotate(n=Count("pk"))
    )
    for row in rows:
        community = locator.find(trees.position(row, "checklist__org__area"))
        n = row["n"]
        if community in out:
            out[community] += n
    return out
