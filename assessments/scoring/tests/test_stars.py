"""Stars by thresholds and by quotas, competition ranking among siblings (no database)."""
from decimal import Decimal

from assessments.scoring import stars as S

COUNTY = [10, 30, 30, 20, 10]


def test_thresholds_at_the_boundaries():
    t = [60, 70, 80, 90]
    assert S.by_threshold(Decimal("59.99"), t) == 1
    assert S.by_threshold(60, t) == 2
    assert S.by_threshold(Decimal("69.99"), t) == 2
    assert S.by_threshold(70, t) == 3
    assert S.by_threshold(80, t) == 4
    assert S.by_threshold(Decimal("89.99"), t) == 4
    assert S.by_threshold(90, t) == 5
    assert S.by_threshold(100, t) == 5
    assert S.by_threshold(0, t) == 1
    assert S.by_threshold(100, []) == 1


def _histogram(result):
    return [sum(1 for s in result.values() if s == star) for star in (5, 4, 3, 2, 1)]


def test_quotas_on_ten_subjects():
    scores = {f"s{i}": Decimal(100 - i) for i in range(10)}
    result = S.by_quota(scores, COUNTY)
    assert _histogram(result) == [1, 3, 3, 2, 1]
    assert result["s0"] == 5 and result["s9"] == 1


def test_quotas_on_seven_subjects_round_the_cumulative_shares():
    # cumulative 10/40/70/90/100 % of 7 = 0.7, 2.8, 4.9, 6.3, 7 → bands end at 1, 3, 5, 6, 7
    scores = {f"s{i}": Decimal(100 - i) for i in range(7)}
    assert _histogram(S.by_quota(scores, COUNTY)) == [1, 2, 2, 1, 1]


def test_ties_across_a_quota_boundary_get_the_better_star():
    # ten subjects; positions 0 and 1 tie across the 5★/4★ boundary → both 5★
    scores = {"a": 95, "b": 95, "c": 90, "d": 89, "e": 80, "f": 70, "g": 60, "h": 50, "i": 40, "j": 30}
    result = S.by_quota({k: Decimal(v) for k, v in scores.items()}, COUNTY)
    assert result["a"] == result["b"] == 5
    assert result["c"] == 4
    # a tie spanning 3★ and 2★ (positions 6 and 7) stays together at 3★
    scores = {"a": 99, "b": 98, "c": 97, "d": 96, "e": 95, "f": 94, "g": 50, "h": 50, "i": 40, "j": 30}
    result = S.by_quota({k: Decimal(v) for k, v in scores.items()}, COUNTY)
    assert result["g"] == result["h"] == 3
    assert result["i"] == 2 and result["j"] == 1


def test_single_subject_and_empty():
    assert S.by_quota({"only": Decimal("10")}, COUNTY) == {"only": 3}
    assert S.by_quota({}, COUNTY) == {}
    assert S.rank_siblings([]) == {}


def test_competition_ranking_within_each_parent():
    rows = [("a", 1, Decimal(90)), ("b", 1, Decimal(80)), ("c", 1, Decimal(80)), ("d", 1, Decimal(70)),
            ("x", 2, Decimal(50)), ("y", 2, Decimal(60))]
    assert S.rank_siblings(rows) == {"a": (1, 4), "b": (2, 4), "c": (2, 4), "d": (4, 4), "y": (1, 2), "x": (2, 2)}


def test_assign_stars_by_method():
    rows = [("a", 1, Decimal(95), Decimal(100)), ("b", 1, Decimal(65), Decimal(100)), ("c", 2, Decimal(10), Decimal(100))]
    assert S.assign_stars("threshold", rows, thresholds=[60, 70, 80, 90]) == {"a": 5, "b": 2, "c": 1}
    # quotas are allotted within each group: c is alone in group 2
    assert S.assign_stars("quota", rows, quotas=COUNTY) == {"a": 4, "b": 2, "c": 3}
