"""Indicator formulas: ratio, points (half-up, 2 places) and the Chinese explanation (no database)."""
from decimal import Decimal

import pytest

from assessments.scoring import metrics as M


def test_ratio_points_and_explanation():
    m = M.measure("activity_compliance", {"compliant": 18, "assessed": 20}, Decimal("10"))
    assert m.value == Decimal("0.9000")
    assert m.points == Decimal("9.00")
    assert m.explanation == "组织生活合规率 18/20 = 90.0%，得 9.00/10 分"
    assert m.evidence == {"part": 18, "whole": 20}


def test_points_round_half_up_to_two_places():
    # 1/3 of 10 = 3.333… → 3.33 ; 2/3 of 10 → 6.67 ; 0.125 × 10 = 1.25 exactly
    assert M.points_for(Decimal(1) / 3, 10) == Decimal("3.33")
    assert M.points_for(Decimal(2) / 3, 10) == Decimal("6.67")
    assert M.points_for(Decimal("0.0125"), 10) == Decimal("0.13")  # half-up, not banker's
    assert M.points_for(Decimal("1.5"), 10) == Decimal("10.00")  # capped at the maximum


def test_no_data_gets_full_points_by_default_or_zero_when_asked():
    full = M.measure("wish_fulfilment", {}, Decimal("8"))
    assert (full.value, full.points) == (None, Decimal("8.00"))
    assert full.explanation == "微心愿完成率：无相关记录，按满分计，得 8.00/8 分"
    zero = M.measure("activity_compliance", {"assessed": 0}, Decimal("20"), {"when_empty": "zero"})
    assert (zero.value, zero.points) == (None, Decimal("0.00"))
    assert "无相关记录，不得分" in zero.explanation


def test_member_reporting_and_checklists():
    assert M.measure("member_reporting", {"reported": 3, "in_service": 4}, 8).points == Decimal("6.00")
    assert M.measure("checklist_completion", {"done": 1, "total": 4}, 10).explanation == "清单完成率 1/4 = 25.0%，得 2.50/10 分"
    assert M.measure("rectification_closure", {"closed": 2, "problems": 2}, 4).points == Decimal("4.00")


def test_service_hours_against_the_pro_rated_annual_target():
    # quarter: 50 h a year → 12.5 h; 2 members with 15 h together average 7.5 h = 60%
    m = M.measure("service_hours", {"hours": Decimal("15"), "members": 2}, 10, {"target_hours": 50}, months=3)
    assert m.value == Decimal("0.6000") and m.points == Decimal("6.00")
    assert m.explanation == "人均服务时长 7.5 小时（2 名党员共 15.0 小时，本期目标 12.5 小时）= 60.0%，得 6.00/10 分"
    # above the target is capped at full points; the default target is 50 a year
    over = M.measure("service_hours", {"hours": 200, "members": 2}, 10, {}, months=12)
    assert over.points == Decimal("10.00") and over.evidence["target_hours"] == "50.0"
    assert M.measure("service_hours", {"hours": 0, "members": 0}, 10).value is None


def test_wish_satisfaction_counts_basic_as_nine_tenths():
    m = M.measure("wish_satisfaction", {"satisfied": 8, "basic": 1, "unsatisfied": 1}, 6)
    assert m.value == Decimal("0.8900")
    assert m.points == Decimal("5.34")
    assert m.explanation.startswith("微心愿满意率：满意 8、基本满意 1、不满意 1，(8 + 0.9×1)/10 = 89.0%")


def test_three_rates_use_the_weighted_composite():
    figures = {"total": 10, "responded": 9, "resolved": 8, "satisfied": 4, "basic": 1, "unsatisfied": 0}
    m = M.measure("request_rates", figures, 12, {"weighting": "10-50-40"})
    # 0.1 × 0.9 + 0.5 × 0.8 + 0.4 × 0.98 = 0.882
    assert m.value == Decimal("0.8820")
    assert m.points == Decimal("10.58")
    assert "响应率 90.0%（9/10）" in m.explanation and "解决率 80.0%（8/10）" in m.explanation
    assert "满意率 98.0%（评价 5 件）" in m.explanation and "综合 88.2%" in m.explanation
    # without ratings the satisfaction rate drops out of the composite (renormalized)
    unrated = M.measure("whistle_rates", {"total": 4, "responded": 4, "resolved": 2}, 6, {"weighting": "10-50-40"})
    assert unrated.value == Decimal("0.5833")  # (0.1 × 1 + 0.5 × 0.5) / 0.6
    assert "满意率 —（无评价）" in unrated.explanation
    assert M.measure("request_rates", {"total": 0}, 12).points == Decimal("12.00")


def test_grid_coverage_measures():
    m = M.measure("grid_coverage", {"part": 3, "whole": 4}, 15, {"measure": "buildings_with_group"})
    assert m.explanation == "楼栋党小组覆盖率 3/4 = 75.0%，得 11.25/15 分"
    assert m.evidence["measure"] == "buildings_with_group"
    assert M.grid_measure({"measure": "nonsense"}) == "compounds_gridded"


def test_manual_points_capped_and_missing_is_zero():
    missing = M.measure("manual", {}, 10)
    assert (missing.value, missing.points) == (None, Decimal("0.00"))
    assert missing.explanation == "评审人打分：未评分，得 0.00/10 分"
    given = M.measure("manual", {"points": Decimal("8.5"), "note": "班子团结"}, 10)
    assert (given.value, given.points) == (Decimal("0.8500"), Decimal("8.50"))
    assert given.explanation == "评审人打分 8.50/10 分：班子团结"
    capped = M.measure("manual", {"points": 12}, 10)
    assert capped.points == Decimal("10.00") and "按满分上限计" in capped.explanation


def test_unknown_source_is_an_error():
    with pytest.raises(ValueError):
        M.measure("likes", {}, 10)


def test_max_points_shown_without_trailing_zeros():
    assert M.fmt_max(Decimal("10.00")) == "10"
    assert M.fmt_max(Decimal("7.50")) == "7.5"
