"""三率 arithmetic (no database): figures computed by hand."""
from decimal import Decimal

import pytest

from services.whistles.rates import (
    WEIGHTINGS,
    RateCounts,
    as_percent,
    composite_rate,
    default_weighting,
    rates,
    resolution_rate,
    response_rate,
    satisfaction_rate,
)

D = Decimal
SAMPLE = RateCounts(total=20, responded=18, resolved=15, satisfied=10, basic=3, unsatisfied=1)


def test_counts_default_to_zero_and_rated_sums_the_answers():
    assert RateCounts() == RateCounts(0, 0, 0, 0, 0, 0)
    assert SAMPLE.rated == 14
    assert (SAMPLE + RateCounts(total=1, basic=1)).rated == 15


def test_rates_counted_by_hand():
    assert response_rate(SAMPLE) == D("0.9000")  # 18 / 20
    assert resolution_rate(SAMPLE) == D("0.7500")  # 15 / 20
    # (10 × 1 + 3 × 0.9 + 1 × 0) / 14 = 12.7 / 14 = 0.907142…
    assert satisfaction_rate(SAMPLE) == D("0.9071")


def test_basic_satisfied_counts_nine_tenths():
    assert satisfaction_rate(RateCounts(total=1, basic=1)) == D("0.9000")
    assert satisfaction_rate(RateCounts(total=2, satisfied=1, unsatisfied=1)) == D("0.5000")
    assert satisfaction_rate(RateCounts(total=4, satisfied=2, basic=2)) == D("0.9500")


def test_composite_with_the_default_ten_fifty_forty():
    # 0.1 × 0.9 + 0.5 × 0.75 + 0.4 × 0.9071 = 0.09 + 0.375 + 0.36284 = 0.82784
    assert composite_rate(SAMPLE, "10-50-40") == D("0.8278")
    assert composite_rate(SAMPLE) == D("0.8278")


def test_composite_with_thirty_thirtyfive_thirtyfive():
    # 0.3 × 0.9 + 0.35 × 0.75 + 0.35 × 0.9071 = 0.27 + 0.2625 + 0.317485 = 0.849985
    assert composite_rate(SAMPLE, "30-35-35") == D("0.8500")


def test_weightings_sum_to_one():
    for triple in WEIGHTINGS.values():
        assert sum(triple) == 1


def test_setting_selects_the_weighting(settings):
    settings.SANLV_WEIGHTING = "30-35-35"
    assert default_weighting() == "30-35-35"
    assert composite_rate(SAMPLE) == D("0.8500")
    settings.SANLV_WEIGHTING = "no-such"
    assert default_weighting() == "10-50-40"
    del settings.SANLV_WEIGHTING
    assert default_weighting() == "10-50-40"


def test_unknown_weighting_name_is_refused():
    with pytest.raises(ValueError):
        composite_rate(SAMPLE, "50-50")


def test_explicit_weight_triple():
    assert composite_rate(SAMPLE, (1, 0, 0)) == D("0.9000")
    assert composite_rate(SAMPLE, ("0", "0", "1")) == D("0.9071")


def test_empty_denominators_give_none_not_zero():
    empty = RateCounts()
    assert response_rate(empty) is None
    assert resolution_rate(empty) is None
    assert satisfaction_rate(empty) is None
    assert composite_rate(empty) is None
    assert rates(empty) == {"response": None, "resolution": None, "satisfaction": None, "composite": None}
    # Targets but none rated yet: satisfaction is unknown, not 0.
    assert satisfaction_rate(RateCounts(total=5, responded=5)) is None


def test_composite_renormalizes_over_the_rates_that_exist():
    c = RateCounts(total=10, responded=10, resolved=5)
    # (0.1 × 1 + 0.5 × 0.5) / (0.1 + 0.5) = 0.35 / 0.6 = 0.58333…
    assert composite_rate(c, "10-50-40") == D("0.5833")
    # (0.3 × 1 + 0.35 × 0.5) / 0.65 = 0.475 / 0.65 = 0.730769…
    assert composite_rate(c, "30-35-35") == D("0.7308")
    # only ratings (no targets due in the period): the composite is the satisfaction rate
    assert composite_rate(RateCounts(basic=2)) == D("0.9000")


def test_rounding_is_half_up_to_four_places():
    assert response_rate(RateCounts(total=3, responded=2)) == D("0.6667")
    assert response_rate(RateCounts(total=32, responded=1)) == D("0.0313")  # 0.03125 → up, not to even
    assert response_rate(RateCounts(total=7, responded=7)) == D("1.0000")
    assert str(resolution_rate(RateCounts(total=8, resolved=1))) == "0.1250"


def test_as_percent():
    assert as_percent(D("0.9555")) == "95.6%"
    assert as_percent(D("1.0000")) == "100.0%"
    assert as_percent(D("0.8278"), places=2) == "82.78%"
    assert as_percent(None) == "—"
