"""The decision rule: quorum (share or count), majority (simple, two-thirds), ties and edge counts."""
from decimal import Decimal

import pytest

from services.deliberation.models import MeetingRule
from services.deliberation.voting import outcome, quorum_needed, votes_needed


def rule(**kw):
    base = dict(name="r", kind="residents_council", voters="representatives", quorum_kind="share",
                quorum_share=Decimal("0.50"), quorum_count=None, majority="simple")
    base.update(kw)
    return MeetingRule(**base)


def test_share_quorum_is_half_or_more_rounded_up():
    assert quorum_needed(rule(), 10) == 5
    assert quorum_needed(rule(), 9) == 5
    assert quorum_needed(rule(quorum_share=Decimal("0.67")), 30) == 21


def test_count_quorum():
    r = rule(quorum_kind="count", quorum_count=5)
    assert outcome(r, eligible=20, present=4, counts={1: 4}).winner is None
    assert "法定人数" in outcome(r, eligible=20, present=4, counts={1: 4}).refusal
    assert outcome(r, eligible=20, present=5, counts={1: 3, 2: 2}).winner == 1


def test_without_quorum_no_decision():
    result = outcome(rule(), eligible=10, present=4, counts={1: 4, 2: 0})
    assert result.winner is None and "未达到法定人数" in result.refusal


def test_simple_majority_is_more_than_half_of_present():
    assert votes_needed(rule(), 6) == 4
    assert outcome(rule(), eligible=10, present=6, counts={1: 3, 2: 2}).winner is None  # 3 of 6 is not more than half
    assert outcome(rule(), eligible=10, present=6, counts={1: 4, 2: 2}).winner == 1


def test_two_thirds():
    r = rule(majority="two_thirds")
    assert votes_needed(r, 9) == 6
    assert outcome(r, eligible=9, present=9, counts={1: 5, 2: 4}).winner is None
    assert outcome(r, eligible=9, present=9, counts={1: 6, 2: 3}).winner == 1
    assert outcome(r, eligible=10, present=10, counts={1: 7}).winner == 1  # 7 ≥ 20/3


def test_tie_is_no_decision():
    result = outcome(rule(), eligible=4, present=4, counts={1: 2, 2: 2})
    assert result.winner is None and "票数相同" in result.refusal


def test_more_votes_than_present_refused():
    result = outcome(rule(), eligible=5, present=3, counts={1: 3, 2: 1})
    assert result.winner is None and "每人只能投一票" in result.refusal
    assert "不能多于应到" in outcome(rule(), eligible=2, present=3, counts={1: 3}).refusal


@pytest.mark.django_db
def test_default_rules_are_data():
    names = set(MeetingRule.objects.values_list("name", flat=True))
    assert {"居民议事会", "网格议事会", "业主大会", "会商议事团"} <= names
