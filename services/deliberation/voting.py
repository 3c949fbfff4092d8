"""The decision rule of a meeting, as a pure function: quorum, majority and ties.

``outcome(rule, eligible=…, present=…, counts={option: votes})`` answers the winning option
or the Chinese reason there is none:

* quorum — ``share``: at least ``ceil(eligible × share)`` of the eligible voters present
  (0.50 → half or more); ``count``: at least ``quorum_count`` present;
* majority — over the voters present (an abstention counts against): simple, more than
  half (``2 × votes > present``); two-thirds, at least two thirds (``3 × votes ≥ 2 × present``);
* a tie at the top is no decision (the meeting votes again), whatever the majority rule.
"""
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from services.deliberation.choices import Majority, QuorumKind


@dataclass(frozen=True)
class Outcome:
    winner: object | None
    refusal: str = ""
    needed_present: int = 0
    needed_votes: int = 0


def quorum_needed(rule, eligible: int) -> int:
    if rule.quorum_kind == QuorumKind.COUNT:
        return int(rule.quorum_count or 0)
    share = Decimal(rule.quorum_share or 0)
    return max(1, math.ceil(Decimal(eligible) * share))


def votes_needed(rule, present: int) -> int:
    """The fewest votes for an option to pass with ``present`` voters present."""
    if rule.majority == Majority.TWO_THIRDS:
        return math.ceil(Decimal(2 * present) / 3)
    return present // 2 + 1


def check_counts(*, eligible: int, present: int, counts: dict) -> str:
    """The first inconsistency of the figures entered, or ""."""
    if present > eligible:
        return _("实到表决人数（%(present)d）不能多于应到表决人数（%(eligible)d）。") % {"present": present, "eligible": eligible}
    if any(n < 0 for n in counts.values()):
        return _("票数不能为负数。")
    if sum(counts.values()) > present:
        return _("各方案的赞成票合计（%(sum)d）不能多于实到表决人数（%(present)d）：每人只能投一票。") % {
            "sum": sum(counts.values()), "present": present}
    return ""


def outcome(rule, *, eligible: int, present: int, counts: dict) -> Outcome:
    wrong = check_counts(eligible=eligible, present=present, counts=counts)
    if wrong:
        return Outcome(None, wrong)
    needed = quorum_needed(rule, eligible)
    if present < needed or present == 0:
        return Outcome(None, _("未达到法定人数：应到 %(eligible)d 人，须至少 %(needed)d 人到会，实到 %(present)d 人，"
                               "不能形成决定。") % {"eligible": eligible, "needed": needed, "present": present},
                       needed_present=needed)
    if not counts:
        return Outcome(None, _("尚未登记各方案的票数。"), needed_present=needed)
    top = max(counts.values())
    leaders = [option for option, n in counts.items() if n == top]
    if len(leaders) > 1:
        return Outcome(None, _("得票最多的方案票数相同（各 %(n)d 票），未形成决定，请再次表决。") % {"n": top},
                       needed_present=needed)
    votes = votes_needed(rule, present)
    if top < votes:
        return Outcome(None, _("得票最多的方案获得 %(top)d 票，未达到%(rule)s（实到 %(present)d 人，须至少 %(votes)d 票），"
                               "不能形成决定。") % {"top": top, "rule": Majority(rule.majority).label,
                                                  "present": present, "votes": votes},
                       needed_present=needed, needed_votes=votes)
    return Outcome(leaders[0], needed_present=needed, needed_votes=votes)
