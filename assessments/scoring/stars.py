"""Star ratings (1–5★) and rankings among siblings.  Pure functions, no database.

By thresholds (``StarMethod.THRESHOLD``)
    ``rubric.star_thresholds`` lists the minimum score percentage for 2★, 3★, 4★ and 5★
    (e.g. ``[60, 70, 80, 90]``).  Reaching a threshold exactly earns the star (≥).  Below
    the first threshold: 1★.

By quotas (``StarMethod.QUOTA``)
    ``rubric.star_quotas`` lists the share (%) of subjects for 5★, 4★, 3★, 2★, 1★ in that
    order (one county: ``[10, 30, 30, 20, 10]``).  Subjects are ordered best first; the
    band sizes come from the *cumulative* quotas rounded half-up — the first
    ``round(n × q5)`` subjects get 5★, up to ``round(n × (q5 + q4))`` 4★, and so on — so
    the bands always add up to ``n`` and each differs from its exact share by less than
    one subject.  (10 subjects: 1/3/3/2/1; 7 subjects: 1/2/2/1/1.)  Ties are never split:
    subjects with equal scores get the same star, the better one — the star of the first
    position their group occupies.  A lone subject falls in the band holding the middle
    of the distribution (3★ with the county's quotas).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

MAX_STARS = 5


def percent_of(total, max_total) -> Decimal:
    if not max_total:
        return Decimal(0)
    return Decimal(total) * 100 / Decimal(max_total)


def by_threshold(percent, thresholds) -> int:
    """1★ plus one star for each threshold (2★..5★, ascending) that ``percent`` reaches."""
    value = Decimal(str(percent))
    stars = 1
    for minimum in list(thresholds or ())[: MAX_STARS - 1]:
        if value >= Decimal(str(minimum)):
            stars += 1
        else:
            break
    return stars


def quota_bounds(n: int, quotas) -> list[int]:
    """Cumulative band ends for 5★..1★: ``[end of 5★, end of 4★, …, n]`` (positions, exclusive)."""
    quotas = [Decimal(str(q)) for q in list(quotas or ())[:MAX_STARS]]
    quotas += [Decimal(0)] * (MAX_STARS - len(quotas))
    total = sum(quotas) or Decimal(100)
    bounds, running = [], Decimal(0)
    for q in quotas:
        running += q
        bounds.append(int((Decimal(n) * running / total).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    bounds[-1] = n  # everyone gets a star, whatever the quotas add up to
    return bounds


def star_at(position: int, bounds: list[int]) -> int:
    for i, end in enumerate(bounds):
        if position < end:
            return MAX_STARS - i
    return 1


def by_quota(scores: Mapping[Hashable, Decimal], quotas) -> dict:
    """``{subject: stars}`` for ``{subject: score}`` by quota bands (see the module docstring)."""
    if not scores:
        return {}
    ordered = sorted(scores.items(), key=lambda kv: (-Decimal(str(kv[1])), str(kv[0])))
    bounds = quota_bounds(len(ordered), quotas)
    out, group_star, previous = {}, None, None
    for position, (subject, score) in enumerate(ordered):
        score = Decimal(str(score))
        if previous is None or score != previous:
            group_star = star_at(position, bounds)
            previous = score
        out[subject] = group_star
    return out


def competition_ranks(scores: Mapping[Hashable, Decimal]) -> dict:
    """``{subject: rank}`` best first, ties share a rank and the next rank skips ("1,2,2,4")."""
    ordered = sorted(scores.items(), key=lambda kv: (-Decimal(str(kv[1])), str(kv[0])))
    out, rank, previous = {}, 0, None
    for position, (subject, score) in enumerate(ordered, start=1):
        score = Decimal(str(score))
        if previous is None or score != previous:
            rank, previous = position, score
        out[subject] = rank
    return out


def rank_siblings(scores: Iterable[tuple[Hashable, Hashable, Decimal]]) -> dict:
    """``{subject: (rank, number of siblings)}`` for ``(subject, parent, score)`` rows:
    competition ranking within each parent."""
    groups: dict = defaultdict(dict)
    for subject, parent, score in scores:
        groups[parent][subject] = score
    out = {}
    for members in groups.values():
        ranks = competition_ranks(members)
        for subject, rank in ranks.items():
            out[subject] = (rank, len(members))
    return out


def assign_stars(method: str, rows: Iterable[tuple[Hashable, Hashable, Decimal, Decimal]], *, thresholds=(), quotas=()) -> dict:
    """``{subject: stars}`` for ``(subject, quota group, total, max_total)`` rows by the
    rubric's method: thresholds on the percentage, or quotas within each group."""
    rows = list(rows)
    if method == "quota":
        groups: dict = defaultdict(dict)
        for subject, group, total, _max in rows:
            groups[group][subject] = Decimal(str(total))
        out = {}
        for members in groups.values():
            out.update(by_quota(members, quotas))
        return out
    return {subject: by_threshold(percent_of(total, max_total), thresholds) for subject, _g, total, max_total in rows}
