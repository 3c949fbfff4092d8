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
]
# dotted paths of fn(*, start, end, communities) -> {community_id: [RequestedReport(...)]}
REQUEST_SOURCES: list[str] = []


def aware_range(start: date, end: date) -> tuple[datetime, datetime]:
    """``[start, end)`` as aware datetimes at midnight in the portal's zone."""
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), zone),
            timezone.make_aware(datetime.combine(end, time.min), zone))


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


# ------------------------------------------------------------------------- reading
def derived_sources():
    """``[(key, label, fn)]`` of the registry, imported once per call."""
    return [(key, label, import_string(path)) for key, label, path in DERIVED_SOURCES]


def request_sources():
    return [import_string(path) for path in REQUEST_SOURCES]
