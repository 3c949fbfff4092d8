"""The dues arithmetic at its edges, in Decimal, without the database."""
from datetime import date
from decimal import Decimal

import pytest

from organizations.dues import brackets as calc
from organizations.dues.default_rules import BRACKETS


def _default():
    def dec(v):
        return None if v is None else Decimal(v)

    return [calc.Bracket(c, dec(lo), dec(hi), dec(rate), dec(flat)) for c, lo, hi, rate, flat in BRACKETS]


DEFAULT = _default()


@pytest.mark.parametrize(("category", "base", "expected"), [
    ("in_service", "0", "0.00"),
    ("in_service", "1999.99", "10.00"),  # 9.99995 → 10.00, half up
    ("in_service", "2999.00", "15.00"),  # 14.995 → 15.00 (half up, not banker's 14.99… nor float 14.99)
    ("in_service", "3000.00", "15.00"),  # 0.5 % up to and including 3,000
    ("in_service", "3000.01", "30.00"),  # 1 % on the whole amount above it (30.0001)
    ("in_service", "4000.00", "40.00"),  # flat, not progressive
    ("in_service", "5000.00", "50.00"),
    ("in_service", "5000.01", "75.00"),  # 1.5 % (75.00015)
    ("in_service", "10000.00", "150.00"),
    ("in_service", "10000.01", "200.00"),  # 2 % (200.0002)
    ("in_service", "12345.67", "246.91"),  # 246.9134
    ("retired", "5000.00", "25.00"),
    ("retired", "5000.01", "50.00"),
    ("retired", "3333.33", "16.67"),  # 16.66665 → 16.67
    ("student", "0", "0.20"),
    ("student", "8000", "0.20"),  # flat whatever the base
    ("unemployed", "0", "0.20"),
    ("low_income", "0", "0.20"),
    ("farmer", "0", "0.20"),
])
def test_monthly_amount_by_default_brackets(category, base, expected):
    amount = calc.monthly_amount(category, Decimal(base), DEFAULT)
    assert isinstance(amount, Decimal)
    assert amount == Decimal(expected)
    assert amount.as_tuple().exponent == -2


def test_float_refused():
    with pytest.raises(TypeError):
        calc.monthly_amount("in_service", 3000.0, DEFAULT)


def test_no_bracket_for_unknown_category_or_negative_base():
    with pytest.raises(calc.NoBracket):
        calc.monthly_amount("alien", Decimal("100"), DEFAULT)
    with pytest.raises(calc.NoBracket):
        calc.monthly_amount("in_service", Decimal("-1"), DEFAULT)


def test_an_override_rule_set_applies_its_own_brackets():
    local = [calc.Bracket("farmer", None, None, None, Decimal("1.00"))]
    assert calc.monthly_amount("farmer", Decimal("0"), local) == Decimal("1.00")


def test_months():
    assert calc.add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert calc.add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert calc.months_between(date(2026, 1, 1), date(2026, 6, 1)) == 6
    assert calc.months_between(date(2026, 6, 1), date(2026, 1, 1)) == 0
    assert calc.last_completed_month(date(2026, 12, 1)) == date(2026, 11, 1)


def test_unpaid_streak_counts_completed_months_after_the_last_covered():
    today = date(2026, 12, 15)  # November is the last completed month
    assert calc.unpaid_streak(start_month=date(2026, 1, 1), last_covered=date(2026, 11, 1), today=today) == 0
    assert calc.unpaid_streak(start_month=date(2026, 1, 1), last_covered=date(2026, 5, 1), today=today) == 6
    assert calc.unpaid_streak(start_month=date(2026, 1, 1), last_covered=date(2026, 6, 1), today=today) == 5
    assert calc.unpaid_streak(start_month=date(2026, 6, 1), last_covered=None, today=today) == 6
    assert calc.unpaid_streak(start_month=date(2026, 7, 1), last_covered=None, today=today) == 5
    assert calc.unpaid_streak(start_month=date(2027, 1, 1), last_covered=date(2027, 3, 1), today=today) == 0  # advance


def test_lapse_cutoffs_agree_with_the_streak():
    today = date(2026, 12, 15)
    covered_by, started_by = calc.lapse_cutoffs(today, 6)
    assert calc.unpaid_streak(start_month=None, last_covered=covered_by, today=today) == 6
    assert calc.unpaid_streak(start_month=None, last_covered=calc.add_months(covered_by, 1), today=today) == 5
    assert calc.unpaid_streak(start_month=started_by, last_covered=None, today=today) == 6
    assert calc.unpaid_streak(start_month=calc.add_months(started_by, 1), last_covered=None, today=today) == 5
