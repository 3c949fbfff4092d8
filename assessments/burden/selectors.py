"""Reads of the burden meter: the areas a user may look at, and the meter's rows — per
community and month, the values typed by hand (by channel) and those filled from the
records (by source, ``sources.DERIVED_SOURCES``), with the share filled automatically.

Every read is set-based: the tallies of any number of communities and months in one grouped
query, each derived source asked once per month for all the communities at once.  Rows come
in the order the communities are given (tree order); nothing here sorts by the figures.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from assessments.burden import sources
from assessments.burden.choices import BURDEN_ROLES, Channel
from assessments.burden.models import EntryTally
from dangjian import trees
from dangjian.scoping import InArea, get_scope
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area


# ------------------------------------------------------------------------- scoping
def areas_for(user):
    """The areas the user may read the meter of: their grants of a burden role, and below."""
    return Area.objects.granted(user, InArea("", BURDEN_ROLES))


def communities_for(user):
    """The communities the user may read the meter of, in tree order."""
    return areas_for(user).filter(level=AreaLevel.COMMUNITY).order_by(*trees.tree_order())


def communities_under(user, area):
    """The communities in ``area``'s subtree (``area`` itself when it is one) the user may see,
    in tree order — never ordered by their figures."""
    return communities_for(user).filter(trees.subtree_q(area))


def own_community_id(user) -> int | None:
    """The community a community cadre works at (their lowest community grant), from the
    cached scope; None for the others."""
    ranges = [r for r in get_scope(user).areas_for(BURDEN_ROLES) if r.level == AreaLevel.COMMUNITY]
    return ranges[0].node_id if ranges else None


# ---------------------------------------------------------------------- months
def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def months_of(year: int) -> list[date]:
    return [date(year, m, 1) for m in range(1, 13)]


# ------------------------------------------------------------------------ the rows
@dataclass
class MeterRow:
    community: Area
    month: date
    typed: dict = field(default_factory=dict)     # channel → count
    derived: dict = field(default_factory=dict)   # source key → count

    @property
    def typed_total(self) -> int:
        return sum(self.typed.values())

    @property
    def derived_total(self) -> int:
        return sum(self.derived.values())

    @property
    def share(self) -> Decimal | None:
        """The share filled automatically, in percent: derived ÷ (typed + derived); None when
        nothing was typed nor derived."""
        whole = self.typed_total + self.derived_total
        if not whole:
            return None
        return (Decimal(100) * self.derived_total / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def typed_by(self, channel) -> int:
        return self.typed.get(channel, 0)

    @property
    def typed_cells(self) -> list[tuple]:
        """``(channel, label, count)`` in ``Channel`` order (the page's columns)."""
        return [(channel.value, channel.label, self.typed.get(channel.value, 0)) for channel in Channel]

    @property
    def derived_cells(self) -> list[tuple]:
        """``(key, label, count)`` in the registry's order (the page's columns)."""
        return [(key, label, self.derived.get(key, 0)) for key, label, _path in sources.DERIVED_SOURCES]


def tally_rows(communities, months) -> list[dict]:
    """The tallies of the communities and months grouped by community, month, channel and
    source: one query, read by both ``tallies`` and ``typed_sources``."""
    ids = [c.pk for c in communities]
    if not ids or not months:
        return []
    return list(
        EntryTally.objects.filter(area_id__in=ids, month__in=list(months))
        .values("area_id", "month", "channel", "source").annotate(n=Sum("count")).order_by()
    )


def tallies(communities, months, rows=None) -> dict:
    """``{(community_id, month): {channel: count}}`` (``rows``: ``tally_rows`` already read)."""
    out: dict = defaultdict(dict)
    for row in tally_rows(communities, months) if rows is None else rows:
        typed = out[(row["area_id"], row["month"])]
        typed[row["channel"]] = typed.get(row["channel"], 0) + row["n"]
    return out


def meter_rows(communities, months, *, rows=None) -> list[MeterRow]:
    """One row per community and month (communities in the order given, then months): one
    query for the tallies, one for every source giving rows (``fn.rows``, united), and any
    other derived source once for all the communities — once in all when it reads several
    months at once (``fn.monthly``), else once per month."""
    communities = list(communities)
    months = list(months)
    typed = tallies(communities, months, rows)
    derived: dict = defaultdict(dict)
    if communities and months:  # the sources that give rows: all in one query
        since, until = sources.aware_range(months[0], next_month(max(months)))
        wanted = set(months)
        for (key, community_id, month), n in sources.united_rows(since=since, until=until, communities=communities).items():
            if n and month in wanted:
                derived[(community_id, month)][key] = n
    for key, _label, fn in sources.derived_sources():
        if hasattr(fn, "rows"):
            continue
        monthly = getattr(fn, "monthly", None)
        if monthly is not None and len(months) > 1:  # several months in one read
            for (community_id, month), n in monthly(months=months, communities=communities).items():
                if n:
                    derived[(community_id, month)][key] = n
            continue
        for month in months:
            for community_id, n in fn(start=month, end=next_month(month), communities=communities).items():
                if n:
                    derived[(community_id, month)][key] = n
    return [
        MeterRow(community=c, month=m, typed=dict(typed.get((c.pk, m), {})), derived=dict(derived.get((c.pk, m), {})))
        for c in communities for m in months
    ]


def total_row(rows, community=None, month=None) -> MeterRow:
    """The sum of ``rows`` (a year's, or a month's communities')."""
    whole = MeterRow(community=community, month=month)
    for row in rows:
        for channel, n in row.typed.items():
            whole.typed[channel] = whole.typed.get(channel, 0) + n
        for key, n in row.derived.items():
            whole.derived[key] = whole.derived.get(key, 0) + n
    return whole


def requested_reports(communities, start: date, end: date) -> dict:
    """``{community_id: [RequestedReport]}`` from every request source, for ``[start, end)``."""
    communities = list(communities)
    out: dict = defaultdict(list)
    if not communities:
        return out
    for fn in sources.request_sources():
        for community_id, reports in fn(start=start, end=end, communities=communities).items():
            out[community_id].extend(reports)
    return out


def typed_sources(rows, limit: int = 20) -> list[dict]:
    """Where the typing went (``rows``: ``tally_rows`` of a community's months): per channel
    and source (a page's URL name, an import kind), the most first — the forms worth replacing
    by the records.  No query of its own."""
    sums: dict = defaultdict(int)
    for row in rows:
        sums[(row["channel"], row["source"])] += row["n"]
    ordered = sorted(sums.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [{"channel": channel, "source": source, "n": n, "label": SOURCE_LABELS.get(source, "")}
            for (channel, source), n in ordered]


#: names of the import sources (the pages are named by their URL name)
SOURCE_LABELS = {
    "import:areas": _("区域导入"),
    "import:members": _("党员导入"),
    "import:dues": _("党费收缴表导入"),
    "import:funds": _("经费下拨表导入"),
}
