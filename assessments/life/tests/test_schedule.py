"""Rule calendar: quarters, month ends, leap years, last Fridays, Asia/Shanghai days."""
from datetime import UTC, date, datetime

import pytest

from assessments.life.choices import Frequency, PeriodStatus
from assessments.life.schedule import (
    Period,
    due_date,
    evaluate_plan,
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
    from assessments.life.schedule import window_start

    assert window_start(date(2026, 11, 22)) == date(2025, 11, 23)
    # in January, last year's fourth quarter is still judged
    quarters = periods_between(Frequency.QUARTERLY, window_start(date(2027, 1, 10)), date(2027, 1, 10))
    assert quarters[0].start == date(2026, 1, 1) and quarters[-1].start == date(2027, 1, 1)


# ------------------------------------------------------------------ added: sign-in window
def test_signin_window_opens_half_an_hour_early_and_closes_half_an_hour_late():
    from datetime import timedelta

    from assessments.life.schedule import SHANGHAI, SIGNIN_CLOSED, SIGNIN_EARLY, SIGNIN_OPEN, signin_state

    starts = datetime(2026, 5, 8, 9, 0, tzinfo=SHANGHAI)
    ends = datetime(2026, 5, 8, 11, 0, tzinfo=SHANGHAI)
    minute = timedelta(minutes=1)
    assert signin_state(starts - timedelta(minutes=30) - minute, starts, ends) == SIGNIN_EARLY
    assert signin_state(starts - timedelta(minutes=30), starts, ends) == SIGNIN_OPEN
    assert signin_state(ends + timedelta(minutes=30), starts, ends) == SIGNIN_OPEN
    assert signin_state(ends + timedelta(minutes=30) + minute, starts, ends) == SIGNIN_CLOSED
    # the same instant written in UTC is the same instant
    assert signin_state(datetime(2026, 5, 8, 1, 0, tzinfo=UTC), starts, ends) == SIGNIN_OPEN


# ------------------------------------------------------------- added: month buckets
def test_months_in_and_month_counts():
    from assessments.life.schedule import earliest_period_start, month_counts, months_in

    assert months_in(period_of(Frequency.QUARTERLY, date(2024, 2, 29))) == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]
    assert len(months_in(period_of(Frequency.YEARLY, date(2026, 6, 1)))) == 12
    assert month_counts([date(2026, 1, 31), date(2026, 1, 1), date(2026, 2, 1)]) == {date(2026, 1, 1): 2, date(2026, 2, 1): 1}
    assert earliest_period_start(date(2025, 11, 23)) == date(2025, 1, 1)


@pytest.mark.parametrize("frequency", [Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.HALF_YEARLY, Frequency.YEARLY,
                                       Frequency.LAST_FRIDAY])
def test_evaluate_segments_with_one_stretch_is_evaluate_rule(frequency):
    from assessments.life.schedule import RuleSpec, evaluate_segments, month_counts, window_start

    today = date(2027, 1, 10)
    start = window_start(today)
    days = [date(2026, 1, 2), date(2026, 3, 31), date(2026, 7, 31), date(2026, 12, 1), date(2027, 1, 9)]
    expected = evaluate_rule(activity_type_id=7, frequency=frequency, min_count=1, activity_days=days,
                             window_start=start, today=today)
    [line] = evaluate_segments(segments=[(start, today, [RuleSpec(7, frequency, 1)])],
                               counts={7: month_counts(days)}, window_start=start, today=today)
    assert line == expected


def test_as_needed_rules_yield_no_line():
    from assessments.life.schedule import RuleSpec, evaluate_segments

    lines = evaluate_segments(segments=[(date(2026, 1, 1), date(2026, 5, 1), [RuleSpec(1, Frequency.AS_NEEDED)])],
                              counts={}, window_start=date(2026, 1, 1), today=date(2026, 5, 1))
    assert lines == []


# ------------------------------------------------------------------ added: rule sets
def _info(pk, effective, version=1, area=None):
    from assessments.life.schedule import RuleSetInfo

    if area is None:
        return RuleSetInfo(pk, effective, version)
    tree, lft, rght, depth = area
    return RuleSetInfo(pk, effective, version, tree, lft, rght, depth)


def test_choose_rule_set_nearest_area_then_newest():
    from assessments.life.schedule import choose_rule_set

    default = _info(1, date(2018, 10, 28))
    district = _info(2, date(2026, 1, 1), area=(1, 2, 50, 1))
    district_v2 = _info(3, date(2026, 6, 1), version=2, area=(1, 2, 50, 1))
    street = _info(4, date(2026, 3, 1), area=(1, 3, 20, 2))
    sets = [default, district, district_v2, street]
    assert choose_rule_set(sets, date(2025, 12, 31)) == default
    assert choose_rule_set(sets, date(2026, 1, 1)) == district
    assert choose_rule_set(sets, date(2026, 3, 1)) == street  # nearer beats newer
    assert choose_rule_set(sets, date(2026, 7, 1)) == street
    assert choose_rule_set([district_v2], date(2026, 1, 1)) is None
    assert district.covers(1, 10) and not district.covers(1, 51) and not district.covers(2, 10) and default.covers(9, 9)


def test_rule_segments_split_the_window_at_effective_dates():
    from assessments.life.schedule import rule_segments

    sets = [_info(1, date(2018, 10, 28)), _info(2, date(2026, 7, 1), area=(1, 2, 50, 1)),
            _info(3, date(2027, 1, 1), version=2, area=(1, 2, 50, 1))]
    assert rule_segments(sets, date(2025, 11, 23), date(2026, 11, 22)) == [
        (date(2025, 11, 23), date(2026, 6, 30), 1), (date(2026, 7, 1), date(2026, 11, 22), 2),
    ]
    assert rule_segments(sets[:1], date(2025, 11, 23), date(2026, 11, 22)) == [(date(2025, 11, 23), date(2026, 11, 22), 1)]


def test_a_period_is_judged_by_the_rules_in_force_on_its_due_date():
    from assessments.life.schedule import RuleSpec, evaluate_segments

    today = date(2026, 11, 22)
    segments = [(date(2025, 11, 23), date(2026, 6, 30), [RuleSpec(1, Frequency.QUARTERLY)]),
                (date(2026, 7, 1), today, [RuleSpec(1, Frequency.YEARLY)])]
    counts = {1: {date(2026, 2, 1): 1}}
    [line] = evaluate_segments(segments=segments, counts=counts, window_start=date(2025, 11, 23), today=today)
    assert [(p.label, s, n) for p, s, n in line.periods] == [
        ("2025年第4季度", PeriodStatus.OVERDUE, 0), ("2026年第1季度", PeriodStatus.DONE, 1),
        ("2026年第2季度", PeriodStatus.OVERDUE, 0), ("2026年", PeriodStatus.DONE, 1),
    ]
    assert line.frequency == Frequency.YEARLY


@pytest.mark.parametrize("kinds, categories, kind, category, applies", [
    (["branch"], [], "branch", "compound", True),
    (["branch"], ["compound", "grid"], "branch", "organ", False),
    (["branch", "general_branch"], [], "group", "building_group", False),
    ([], [], "branch", "compound", False),  # nobody is asked
])
def test_rule_applies(kinds, categories, kind, category, applies):
    from assessments.life.schedule import rule_applies

    assert rule_applies(kinds, categories, kind, category) is applies


def test_plan_compliant_is_the_verdict_of_the_evaluated_plan():
    """The fast verdict the compliance pages use agrees with evaluating every period, for
    every subset of a year's months with activities, rules of each frequency and minimums."""
    import random

    from assessments.life.schedule import RuleSpec, month_counts, plan_compliant, plan_segments, window_start

    today = date(2027, 1, 10)
    start = window_start(today)
    specs = [RuleSpec(1, Frequency.MONTHLY, 1), RuleSpec(2, Frequency.QUARTERLY, 2), RuleSpec(3, Frequency.HALF_YEARLY, 1),
             RuleSpec(4, Frequency.YEARLY, 1), RuleSpec(5, Frequency.LAST_FRIDAY, 1)]
    plan = plan_segments(segments=[(start, today, specs)], window_start=start, today=today)
    rng = random.Random(13)
    months = [date(2026, m, 1) for m in range(1, 13)] + [date(2027, 1, 1)]
    verdicts = set()
    for _ in range(400):
        counts, keep = {}, rng.choice((1.0, 0.99, 0.9, 0.6))  # the share of months with activities
        for spec in specs:
            if rng.random() < 0.98:
                days = [m for m in months if rng.random() < keep for _ in range(rng.choice((1, 2, 2)))]
                counts[spec.activity_type_id] = month_counts(days)
        expected = is_compliant(evaluate_plan(plan, counts))
        assert plan_compliant(plan, counts) is expected
        verdicts.add(expected)
    assert verdicts == {True, False}  # both verdicts were exercised
