"""Scoring periods: keys ↔ dates, neighbours, what is due on a day (no database)."""
from datetime import date

import pytest

from assessments.scoring import periods as P


@pytest.mark.parametrize(("key", "kind", "start", "end", "label"), [
    ("2026", "year", date(2026, 1, 1), date(2026, 12, 31), "2026年度"),
    ("2026-Q1", "quarter", date(2026, 1, 1), date(2026, 3, 31), "2026年第1季度"),
    ("2026-Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30), "2026年第3季度"),
    ("2026-11", "month", date(2026, 11, 1), date(2026, 11, 30), "2026年11月"),
    ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29), "2024年2月"),
    ("2026-q4", "quarter", date(2026, 10, 1), date(2026, 12, 31), "2026年第4季度"),
])
def test_keys_parse_to_their_dates(key, kind, start, end, label):
    p = P.parse(key)
    assert (p.kind, p.start, p.end, p.label) == (kind, start, end, label)
    assert P.parse(p.key) == p


@pytest.mark.parametrize("bad", ["", "26", "2026-13", "2026-Q5", "2026-00", "2026-1", "2026Q1", "abcd", None])
def test_bad_keys_are_refused_in_chinese(bad):
    with pytest.raises(P.PeriodKeyError, match="周期格式"):
        P.parse(bad)
    assert not P.is_key(bad)


def test_previous_and_next_cross_year_boundaries():
    assert P.previous("2026-01").key == "2025-12"
    assert P.following("2025-12").key == "2026-01"
    assert P.previous("2026-Q1").key == "2025-Q4"
    assert P.following("2026-Q4").key == "2027-Q1"
    assert P.previous("2026").key == "2025"
    assert P.following(P.parse("2026-03")).key == "2026-04"


def test_periods_of_a_year():
    all_ = P.periods_of_year(2026)
    assert [p.key for p in all_][:2] == ["2026-01", "2026-02"]
    assert len(all_) == 17 and all_[-1].key == "2026"
    assert [p.key for p in P.periods_of_year(2026, "quarter")] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]


def test_due_periods_are_the_last_complete_ones():
    assert [p.key for p in P.due_periods(date(2026, 11, 22))] == ["2026-10", "2026-Q3", "2025"]
    # on the first day of a quarter the quarter just ended is due
    assert [p.key for p in P.due_periods(date(2026, 10, 1))] == ["2026-09", "2026-Q3", "2025"]
    assert [p.key for p in P.due_periods(date(2027, 1, 1))] == ["2026-12", "2026-Q4", "2026"]
    assert [p.key for p in P.due_periods(date(2027, 1, 1), kinds=("year",))] == ["2026"]


def test_recent_periods_oldest_first():
    assert [p.key for p in P.recent("month", date(2026, 2, 10), 3)] == ["2025-11", "2025-12", "2026-01"]


def test_completion_and_start():
    p = P.parse("2026-Q3")
    assert not p.is_complete(date(2026, 9, 30)) and p.is_complete(date(2026, 10, 1))
    assert not p.has_started(date(2026, 6, 30)) and p.has_started(date(2026, 7, 1))
    assert date(2026, 8, 1) in p and date(2026, 10, 1) not in p


def test_rubric_period_kinds_are_parsed_in_order():
    assert P.parse_kinds("year, month,bogus") == ("month", "year")
    assert P.parse_kinds("") == ()
