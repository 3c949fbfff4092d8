"""Reads of one-table reports, already scoped to the user (``Report.visible_to``), the
subjects of a report, the fields a definer may pick, what is asked of a subject, and the two
hooks of the burden meter (``burden_derived``, ``burden_requests``)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from assessments.figures import catalogue
from assessments.figures.catalogue import AREA_LEVELS
from assessments.figures.choices import FigureLevel
from assessments.reports.choices import ASKING_STATUSES, DEFINE_ROLES, FILL_ROLES, ReportStatus
from assessments.reports.models import FieldValue, Report, ReportCell, ReportColumn, ReportField
from dangjian import trees
from dangjian.scoping import InArea, get_scope
from dangjian.trees import NOTHING
from organizations.areas.models import Area
from organizations.orgs.models import PartyOrg

LIST_RELATED = ("area", "within", "created_by")


# ------------------------------------------------------------------------------ reports
def reports_for(user):
    return Report.objects.visible_to(user)


def _fill_q(user, path="place"):
    """Rows whose ``path`` area the user may fill for (every row for a global user)."""
    scope = get_scope(user)
    if scope.is_global:
        return Q()
    if scope.user_id is None:
        return NOTHING
    return trees.ranges_q(scope.areas_for(FILL_ROLES), path)


def defined_by_me(user):
    """Reports whose defining area lies in the user's defining subtree."""
    return reports_for(user).filter(pk__in=Report.objects.granted(user, InArea("area", DEFINE_ROLES)).values("pk"))


def asked_of_me(user):
    """Published or closed reports asking a field of a subject the user covers."""
    asked = ReportCell.objects.filter(report=OuterRef("pk"), column__field__isnull=False).filter(_fill_q(user))
    return reports_for(user).filter(status__in=(ReportStatus.PUBLISHED, ReportStatus.CLOSED)).filter(Exists(asked))


def awaiting_fill(user):
    """Published reports with a field not yet filled for a subject the user covers (待填报表)."""
    pending = ReportCell.objects.filter(report=OuterRef("pk"), column__field__isnull=False, filled=False).filter(
        _fill_q(user))
    return reports_for(user).filter(status__in=ASKING_STATUSES).filter(Exists(pending))


def filter_reports(rows, *, q="", status=""):
    if q:
        rows = rows.filter(name__icontains=q)
    if status:
        rows = rows.filter(status=status)
    return rows


def report_detail(user, pk):
    return reports_for(user).select_related(*LIST_RELATED).filter(pk=pk).first()


def columns_of(report) -> list[ReportColumn]:
    return list(report.columns.select_related("field__area").order_by("position"))


# ----------------------------------------------------------------------------- subjects
def subject_nodes(report):
    """The subjects of ``report`` as a queryset of areas or party organizations, in tree
    order: inside ``within``, and inside one of ``only_in`` when it has some (a subquery:
    no query of its own)."""
    if report.subject_level == FigureLevel.ORG:
        rows = PartyOrg.objects.filter(trees.subtree_q(report.within, "area"))
        if report.org_category:
            rows = rows.filter(category=report.org_category)
        prefix = "area"
    else:
        rows = Area.objects.filter(trees.subtree_q(report.within), level=AREA_LEVELS[report.subject_level])
        prefix = ""
    chosen = Report.only_in.through.objects.filter(report_id=report.pk)
    holding = chosen.filter(trees.ancestors_q(trees.outer(prefix, at_position=True), "area"))
    return rows.filter(~Exists(chosen) | Exists(holding)).order_by(*trees.preorder())


def subjects_filled_by(user, report):
    """The subjects of ``report`` with a field the user may fill, as a subquery of ids."""
    return ReportCell.objects.filter(report=report, column__field__isnull=False).filter(_fill_q(user)).values(
        "subject_id")


def is_org_report(report) -> bool:
    return report.subject_level == FigureLevel.ORG


# ------------------------------------------------------------------------------- fields
def tree_fields_q(area, path="area") -> Q:
    """Fields defined on ``area``'s path to the root or inside its subtree (its tree)."""
    return trees.ancestors_q(area, path) | trees.subtree_q(area, path)


def pickable_fields(area, level, period_kind=None):
    """The fields a definer at ``area`` may reuse for subjects of ``level``."""
    from assessments.reports import rules

    rows = ReportField.objects.filter(tree_fields_q(area), fill_level=level).select_related("area")
    if period_kind:
        rows = rows.filter(period_kind__in=rules.LONGER_OR_SAME.get(period_kind, ()))
    return rows.order_by("name", "pk")


def same_name_field(area, name):
    return ReportField.objects.filter(tree_fields_q(area), name=name.strip()).select_related("area").first()


def figures_for(level):
    return catalogue.figures_for(level)


# --------------------------------------------------------------------------- filling
def asked_cells(user, *, org: bool, subject_id: int):
    """The field cells of published reports asking the subject something (visible to the user)."""
    rows = ReportCell.objects.filter(report__in=reports_for(user).filter(status__in=ASKING_STATUSES).values("pk"),
                                     column__field__isnull=False, subject_id=subject_id)
    rows = rows.filter(report__subject_level=FigureLevel.ORG) if org else rows.exclude(report__subject_level=FigureLevel.ORG)
    return rows


def asked_entries(user, *, org: bool, subject_id: int) -> list[dict]:
    """Every distinct (field, period) asked of the subject, with the reports asking it and the
    value already filled: one query for the cells, one for the fields, one for the values."""
    cells = list(asked_cells(user, org=org, subject_id=subject_id).values(
        "column__field_id", "value_key", "report_id", "report__name", "report__due_on"))
    by_entry: dict[tuple, dict] = {}
    for c in cells:
        entry = by_entry.setdefault((c["column__field_id"], c["value_key"]), {"reports": [], "due_on": None})
        if c["report_id"] not in {r[0] for r in entry["reports"]}:
            entry["reports"].append((c["report_id"], c["report__name"]))
        due = c["report__due_on"]
        if due and (entry["due_on"] is None or due < entry["due_on"]):
            entry["due_on"] = due
    if not by_entry:
        return []
    fields = {f.pk: f for f in ReportField.objects.filter(pk__in={k[0] for k in by_entry})}
    subject = {"org_id": subject_id} if org else {"area_id": subject_id}
    values = {(v.field_id, v.period_key): v for v in FieldValue.objects.filter(
        field_id__in=list(fields), period_key__in={k[1] for k in by_entry}, **subject).select_related("filled_by")}
    out = []
    for (field_id, key), entry in by_entry.items():
        out.append({"field": fields[field_id], "key": key, "value": values.get((field_id, key)), **entry})
    out.sort(key=lambda e: (e["key"], e["field"].name, e["field"].pk))
    return out


def my_subjects_in(user, report) -> list[int]:
    """The subjects of ``report`` with a field the user may fill (one query)."""
    return sorted(set(ReportCell.objects.filter(report=report, column__field__isnull=False).filter(_fill_q(user))
                      .values_list("subject_id", flat=True)))


def subject_node(report_or_level, subject_id):
    org = report_or_level == FigureLevel.ORG if isinstance(report_or_level, str) else is_org_report(report_or_level)
    model = PartyOrg if org else Area
    return model.objects.select_related("area" if org else "parent").filter(pk=subject_id).first()


def fill_url(report, subject_id) -> str:
    kind = "org" if is_org_report(report) else "area"
    return reverse("reports:fill", args=[kind, subject_id])


# ------------------------------------------------------------------------ burden hooks
def burden_derived(*, start, end, communities) -> dict[int, int]:
    """Report cells the portal filled from catalogue figures in ``[start, end)`` for subjects
    inside each community (one grouped query): ``{community_id: cells}``."""
    ids = [getattr(c, "pk", c) for c in communities]
    rows = (ReportCell.objects.filter(place_id__in=ids, computed_at__gte=start, computed_at__lt=end,
                                      column__field__isnull=True)
            .values("place_id").annotate(n=Count("pk")).order_by())
    out = dict.fromkeys(ids, 0)
    out.update({r["place_id"]: r["n"] for r in rows})
    return out


def burden_derived_monthly(*, start, end, communities) -> dict[tuple[int, date], int]:
    """``burden_derived`` by month (Asia/Shanghai) in one grouped query:
    ``{(community_id, first day of the month): cells}``."""
    ids = [getattr(c, "pk", c) for c in communities]
    rows = (ReportCell.objects.filter(place_id__in=ids, computed_at__gte=start, computed_at__lt=end,
                                      column__field__isnull=True)
            .annotate(month=TruncMonth("computed_at", tzinfo=timezone.get_current_timezone()))
            .values("place_id", "month").annotate(n=Count("pk")).order_by())
    return {(r["place_id"], timezone.localtime(r["month"]).date() if hasattr(r["month"], "tzinfo") else r["month"]): r["n"]
            for r in rows}


def burden_requests(*, start, end, communities) -> dict[int, list[dict]]:
    """Published (or since closed) reports, published in ``[start, end)``, asking a field of
    the community or of subjects inside it (one query): ``{community_id: [dict(name=,
    requested_by=, requested_by_user=, period=, url=, due_on=)]}``."""
    ids = [getattr(c, "pk", c) for c in communities]
    rows = (ReportCell.objects.filter(place_id__in=ids, column__field__isnull=False,
                                      report__status__in=(ReportStatus.PUBLISHED, ReportStatus.CLOSED),
                                      report__published_at__gte=start, report__published_at__lt=end)
            .values("place_id", "report_id", "report__name", "report__area__name", "report__created_by__username",
                    "report__created_by__first_name", "report__created_by__last_name", "report__period_key",
                    "report__due_on")
            .distinct().order_by("place_id", "report__published_at", "report_id"))
    out: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        person = f"{r['report__created_by__last_name'] or ''}{r['report__created_by__first_name'] or ''}".strip()
        out[r["place_id"]].append({
            "name": r["report__name"], "requested_by": r["report__area__name"],
            "requested_by_user": person or r["report__created_by__username"] or "",
            "period": r["report__period_key"], "url": reverse("reports:detail", args=[r["report_id"]]),
            "due_on": r["report__due_on"],
        })
    return {pk: out.get(pk, []) for pk in ids}
