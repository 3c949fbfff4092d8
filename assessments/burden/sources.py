"""The derived side of the burden meter: values the portal filled from the records, and the
reports asked of a community — a registry the features fill.

``DERIVED_SOURCES``: ``(key, label, dotted path)`` of a function
``fn(*, start: date, end: date, communities: list[Area]) -> {community_id: int}`` — how many
values that feature filled from the records for each community's subjects (the community and
everything under it) in ``[start, end)``.  It must be set-based: a fixed number of queries
whatever the number of communities (one grouped query and a fold in memory), never one per
community.  A community with nothing may be left out of the answer.

``REQUEST_SOURCES``: dotted paths of functions
``fn(*, start, end, communities) -> {community_id: [RequestedReport, ...]}`` — the reports
asked of each community in ``[start, end)`` and who asked (the one-table reports add theirs).

A derived source may also offer ``fn.monthly(*, months: list[date], communities)`` returning
``{(community_id, month): int}`` — the same figures for several months in one read (the
community page's year); the meter uses it when present and asks ``fn`` month by month otherwise.

A source may instead (and preferably) offer ``fn.rows(*, since, until, communities)``: a values
queryset of ``(tree, pos, month, n)`` — the position of each subject's place in the territory
tree (``position_rows`` builds it), the month (Asia/Shanghai) and the count.  The meter unites
the rows of every such source in ONE query (``UNION ALL``) and folds them onto the
communities, so a new source costs no query of its own.

What counts as typed by hand is ``dangjian.burden``'s rule; the page states both.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from dangjian import trees


@dataclass(frozen=True)
class RequestedReport:
    """A report asked of a community: what, asked by whom (the organization or area and the
    person), for which period, where to fill or read it, and by when."""

    name: str
    requested_by_org: str
    requested_by_user: str
    period_label: str
    url: str = ""
    due: date | None = None


# (key, label, dotted path of fn(*, start, end, communities) -> {community_id: int})
DERIVED_SOURCES = [
    ("scores", _("考核评分"), "assessments.burden.sources.score_lines"),
    ("reports", _("一表通报表"), "assessments.burden.sources.report_cells"),
    ("checklists", _("四张清单（按记录自动计算）"), "assessments.burden.sources.checklist_items"),
]
# dotted paths of fn(*, start, end, communities) -> {community_id: [RequestedReport(...)]}
REQUEST_SOURCES: list[str] = ["assessments.burden.sources.requested_reports"]


def aware_range(start: date, end: date) -> tuple[datetime, datetime]:
    """``[start, end)`` as aware datetimes at midnight in the portal's zone."""
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), zone),
            timezone.make_aware(datetime.combine(end, time.min), zone))


def position_rows(queryset, place: str, at: str, key: str):
    """The ``(key, tree, pos, month, n)`` rows of a derived source: ``queryset``'s records grouped by
    the position of their place (``place``, the path to an area) and the month of ``at``, with
    the source's ``key`` as a constant column (so the united rows say whose they are)."""
    from django.db.models import CharField, F, Value

    tree, pos = trees.position_fields(place)
    return (
        queryset.annotate(_source=Value(key, output_field=CharField()), _tree=F(tree), _pos=F(pos),
                          _month=TruncMonth(at, tzinfo=timezone.get_current_timezone()))
        .values("_source", "_tree", "_pos", "_month").annotate(n=Count("pk")).order_by()
    )


def united_rows(*, since, until, communities) -> dict[tuple[str, int, date], int]:
    """Every ``rows`` source's counts in one query: ``{(source key, community id, month): n}``."""
    parts = [fn.rows(since=since, until=until, communities=communities)
             for _key, _label, fn in derived_sources() if hasattr(fn, "rows")]
    if not parts or not communities:
        return {}
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    locator = trees.Locator((trees.span(c), c.pk) for c in communities)
    out: dict = defaultdict(int)
    for key, tree, pos, month, n in query.values_list("_source", "_tree", "_pos", "_month", "n"):
        community_id = locator.find(trees.Span(tree, pos, pos))
        if community_id is not None:
            day = timezone.localtime(month).date() if hasattr(month, "tzinfo") and month.tzinfo else (
                month.date() if hasattr(month, "date") else month)
            out[(key, community_id, day.replace(day=1))] += n
    return dict(out)


def fold_to_communities(rows, communities) -> dict[int, int]:
    """``rows``: ``(span of a subject's area, n)``; their sum per community whose subtree holds
    the area (the communities' spans do not nest), in memory."""
    locator = trees.Locator((trees.span(c), c.pk) for c in communities)
    totals: dict[int, int] = defaultdict(int)
    for where, n in rows:
        community_id = locator.find(where)
        if community_id is not None:
            totals[community_id] += n
    return dict(totals)


def _score_lines(start: date, end: date, communities, *, by_month: bool):
    """The grouped query of ``score_lines``: ``(month or None, span, n)`` rows."""
    from assessments.scoring.choices import IndicatorSource
    from assessments.scoring.models import ScoreLine

    since, until = aware_range(start, end)
    grouped = (
        ScoreLine.objects
        .filter(score__computed_at__gte=since, score__computed_at__lt=until)
        .filter(trees.ranges_q(communities, "score__area"))
        .exclude(indicator__source=IndicatorSource.MANUAL)
    )
    keys = ["score__area_id", *trees.position_fields("score__area")]
    if by_month:
        grouped = grouped.annotate(_month=TruncMonth("score__computed_at", tzinfo=timezone.get_current_timezone()))
        keys.append("_month")
    for row in grouped.values(*keys).annotate(n=Count("pk")).order_by():
        month = timezone.localtime(row["_month"]).date() if by_month else None
        yield month, trees.position(row, "score__area"), row["n"]


def score_lines(*, start: date, end: date, communities) -> dict[int, int]:
    """Score lines the scoring computed in ``[start, end)`` (``Score.computed_at``) for subjects
    inside each community (the community itself, its compounds, buildings, branches — a score's
    area is the subject or an organization's anchor), without the lines of manual indicators
    (a reviewer typed those).  One grouped query, folded onto the communities in memory."""
    communities = list(communities)
    if not communities:
        return {}
    return fold_to_communities(
        ((where, n) for _month, where, n in _score_lines(start, end, communities, by_month=False)), communities)


def _score_lines_monthly(*, months, communities) -> dict[tuple[int, date], int]:
    """``score_lines`` for several months at once: one query grouped by month too."""
    communities, months = list(communities), sorted(months)
    if not communities or not months:
        return {}
    locator = trees.Locator((trees.span(c), c.pk) for c in communities)
    wanted = set(months)
    totals: dict = defaultdict(int)
    last = months[-1]
    end = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    for month, where, n in _score_lines(months[0], end, communities, by_month=True):
        community_id = locator.find(where)
        if community_id is not None and month in wanted:
            totals[(community_id, month)] += n
    return dict(totals)


score_lines.monthly = _score_lines_monthly


def _score_line_rows(*, since, until, communities):
    from assessments.scoring.choices import IndicatorSource
    from assessments.scoring.models import ScoreLine

    lines = (ScoreLine.objects.filter(score__computed_at__gte=since, score__computed_at__lt=until)
             .filter(trees.ranges_q(communities, "score__area")).exclude(indicator__source=IndicatorSource.MANUAL))
    return position_rows(lines, "score__area", "score__computed_at", "scores")


score_lines.rows = _score_line_rows


def report_cells(*, start: date, end: date, communities) -> dict[int, int]:
    """Cells of one-table reports the portal computed from catalogue figures in ``[start, end)``
    for subjects inside each community (``assessments.reports``; one query)."""
    from assessments.reports.selectors import burden_derived

    since, until = aware_range(start, end)
    return burden_derived(start=since, end=until, communities=list(communities))


def _report_cells_monthly(*, months, communities) -> dict[tuple[int, date], int]:
    """``report_cells`` for several months at once: one query grouped by month too."""
    from assessments.reports.selectors import burden_derived_monthly

    months = sorted(months)
    if not months:
        return {}
    last = months[-1]
    since, until = aware_range(months[0], date(last.year + (last.month == 12), last.month % 12 + 1, 1))
    wanted = set(months)
    return {key: n for key, n in burden_derived_monthly(start=since, end=until, communities=list(communities)).items()
            if key[1] in wanted}


report_cells.monthly = _report_cells_monthly


def _report_cell_rows(*, since, until, communities):
    from assessments.reports.models import ReportCell

    cells = ReportCell.objects.filter(place_id__in=[c.pk for c in communities], computed_at__gte=since,
                                      computed_at__lt=until, column__field__isnull=True)
    return position_rows(cells, "place", "computed_at", "reports")


report_cells.rows = _report_cell_rows


def checklist_items(*, start: date, end: date, communities) -> dict[int, int]:
    """Bound checklist items (``assessments.checklists``) the portal computed from the records in
    ``[start, end)`` — by the time they were last computed — whose organization lies in each
    community."""
    from assessments.checklists.selectors import burden_derived

    return burden_derived(start=start, end=end, communities=list(communities))


def _checklist_item_rows(*, since, until, communities):
    from assessments.checklists.models import ChecklistItem

    items = (ChecklistItem.objects.filter(trees.ranges_q(communities, "checklist__org__area"),
                                          computed_at__gte=since, computed_at__lt=until).exclude(figure=""))
    return position_rows(items, "checklist__org__area", "computed_at", "checklists")


checklist_items.rows = _checklist_item_rows


def requested_reports(*, start: date, end: date, communities) -> dict[int, list[RequestedReport]]:
    """The published reports asking a field of each community (or of subjects inside it),
    published in ``[start, end)``, with who asked (``assessments.reports``; one query)."""
    from assessments.reports.selectors import burden_requests

    since, until = aware_range(start, end)
    asked = burden_requests(start=since, end=until, communities=list(communities))
    return {pk: [RequestedReport(r["name"], r["requested_by"], r["requested_by_user"], r["period"], r["url"], r["due_on"])
                 for r in rows] for pk, rows in asked.items()}


# ------------------------------------------------------------------------- reading
def derived_sources():
    """``[(key, label, fn)]`` of the registry, imported once per call."""
    return [(key, label, import_string(path)) for key, label, path in DERIVED_SOURCES]


def request_sources():
    return [import_string(path) for path in REQUEST_SOURCES]
