"""Rule calendar: quarters, month ends, leap years, last Fridays, Asia/Shanghai days."""
from datetime import UTC, date, datetime

import pytest

from assessments.calendar import (
    Period,
    due_date,
    evaluate_rule,
    inactivity_cutoff,
    is_compliant,
    last_friday,
    local_date,
    month_end,
    months_back,
    period_of,
    period_status,
    periods_between,
    quorum_met,
)
from assessments.choices import Frequency, PeriodStatus


@pytest.mark.parametrize(
    "day, start, end",
    [
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 9, 30), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 12, 31), date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_quarters(day, start, end):
    assert period_of(Frequency.QUARTERLY, day) == Period(start, end)


def test_month_ends_and_leap_years():
    assert month_end(2024, 2) == date(2024, 2, 29)
    assert month_end(2026, 2) == date(2026, 2, 28)
    assert month_end(2100, 2) == date(2100, 2, 28)  # not a leap year
    assert month_end(2000, 2) == date(2000, 2, 29)
    assert period_of(Frequency.MONTHLY, date(2024, 2, 29)) == Period(date(2024, 2, 1), date(2024, 2, 29))


def test_half_years_and_years():
    assert period_of(Frequency.HALF_YEARLY, date(2026, 6, 30)).end == date(2026, 6, 30)
    assert period_of(Frequency.HALF_YEARLY, date(2026, 7, 1)).start == date(2026, 7, 1)
    assert period_of(Frequency.YEARLY, date(2026, 5, 5)) == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert period_of(Frequency.AS_NEEDED, date(2026, 5, 5)) is None


@pytest.mark.parametrize(
    "year, month, expected",
    [
        (2026, 11, date(2026, 11, 27)),
        (2026, 1, date(2026, 1, 30)),
        (2026, 7, date(2026, 7, 31)),   # the month ends on a Friday
        (2024, 2, date(2024, 2, 23)),   # leap February ends on a Thursday
        (2026, 2, date(2026, 2, 27)),
    ],
)
def test_last_friday(year, month, expected):
    assert last_friday(year, month) == expected
    assert expected.weekday() == 4


def test_vanguard_day_is_overdue_after_the_last_friday_not_the_month_end():
    period = period_of(Frequency.LAST_FRIDAY, date(2026, 11, 10))
    assert due_date(Frequency.LAST_FRIDAY, period) == date(2026, 11, 27)
    assert period_status(Frequency.LAST_FRIDAY, period, 0, 1, date(2026, 11, 27)) == PeriodStatus.DUE
    assert period_status(Frequency.LAST_FRIDAY, period, 0, 1, date(2026, 11, 28)) == PeriodStatus.OVERDUE
    assert period_status(Frequency.MONTHLY, period, 0, 1, date(2026, 11, 28)) == PeriodStatus.DUE


def test_period_status():
    q4 = period_of(Frequency.QUARTERLY, date(2026, 11, 1))
    assert period_status(Frequency.QUARTERLY, q4, 1, 1, date(2026, 11, 22)) == PeriodStatus.DONE
    assert period_status(Frequency.QUARTERLY, q4, 0, 1, date(2026, 11, 22)) == PeriodStatus.DUE
    assert period_status(Frequency.QUARTERLY, q4, 0, 1, date(2027, 1, 1)) == PeriodStatus.OVERDUE
    assert period_status(Frequency.QUARTERLY, q4, 0, 1, date(2026, 9, 1)) == PeriodStatus.UPCOMING
    assert period_status(Frequency.QUARTERLY, q4, 1, 2, date(2027, 1, 1)) == PeriodStatus.OVERDUE


def test_periods_between_spans_years():
    months = periods_between(Frequency.MONTHLY, date(2025, 11, 15), date(2026, 2, 1))
    assert [p.start for p in months] == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert periods_between(Frequency.AS_NEEDED, date(2025, 1, 1), date(2026, 1, 1)) == []
    assert [p.label for p in periods_between(Frequency.QUARTERLY, date(2026, 1, 1), date(2026, 12, 31))] == [
        "2026年第1季度", "2026年第2季度", "2026年第3季度", "2026年第4季度"
    ]


def test_local_date_uses_shanghai():
    # 2026-03-31 17:00 UTC is already 1 April in Shanghai: it counts in Q2, not Q1.
    moment = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)
    assert local_date(moment) == date(2026, 4, 1)
    assert local_date(moment) in period_of(Frequency.QUARTERLY, date(2026, 4, 15))
    with pytest.raises(ValueError):
        local_date(datetime(2026, 3, 31, 17, 0))


@pytest.mark.parametrize("present, expected, ok", [(6, 10, True), (5, 10, False), (4, 7, True), (3, 7, False), (0, 0, False)])
def test_quorum_is_more_than_half(present, expected, ok):
    assert quorum_met(present, expected) is ok


def test_months_back_and_inactivity_cutoff():
    assert months_back(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_back(date(2024, 8, 31), 6) == date(2024, 2, 29)
    assert months_back(date(2026, 3, 15), 6) == date(2025, 9, 15)
    assert inactivity_cutoff(date(2026, 11, 22)) == date(2026, 5, 22)


def test_evaluate_rule_and_compliance():
    today = date(2026, 11, 22)
    line = evaluate_rule(activity_type_id=1, frequency=Frequency.QUARTERLY, min_count=1,
                         activity_days=[date(2026, 2, 1), date(2026, 8, 1)], window_start=date(2026, 1, 1), today=today)
    assert [status for _, status, _ in line.periods] == [
        PeriodStatus.DONE, PeriodStatus.OVERDUE, PeriodStatus.DONE, PeriodStatus.DUE
    ]
    assert line.overdue == 1 and not is_compliant([line])
    fixed = evaluate_rule(activity_type_id=1, frequency=Frequency.QUARTERLY, min_count=1,
                          activity_days=[date(2026, 2, 1), date(2026, 5, 1), date(2026, 8, 1)],
                          window_start=date(2026, 1, 1), today=today)
    assert is_compliant([fixed]) and fixed.current[1] == PeriodStatus.DUE


def test_window_is_rolling_twelve_months():
    from assessments.calendar import window_start

    assert window_start(date(2026, 11, 22)) == date(2025, 11, 23)
    # in January, last year's fourth quarter is still judged
    quarters = periods_between(Frequency.QUARTERLY, window_start(date(2027, 1, 10)), date(2027, 1, 10))
    assert quarters[0].start == date(2026, 1, 1) and quarters[-1].start == date(2027, 1, 1)
