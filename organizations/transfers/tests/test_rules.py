"""The transfer rules as pure functions (no database)."""
from datetime import date

import pytest

from organizations.transfers import rules


def test_due_date_is_the_rule_days_after_the_start(settings):
    assert rules.due_on(date(2026, 3, 1)) == date(2026, 3, 31)
    settings.TRANSFER_ANSWER_DAYS = 10
    assert rules.due_on(date(2026, 3, 1)) == date(2026, 3, 11)


@pytest.mark.parametrize(("today", "overdue"), [(date(2026, 3, 31), False), (date(2026, 4, 1), True)])
def test_overdue_only_after_the_last_day(today, overdue):
    assert rules.is_overdue(pending=True, due=date(2026, 3, 31), today=today) is overdue


def test_an_answered_transfer_is_never_overdue():
    assert rules.is_overdue(pending=False, due=date(2020, 1, 1), today=date(2026, 1, 1)) is False
    assert rules.days_overdue(date(2026, 3, 1), date(2026, 3, 4)) == 3


@pytest.mark.parametrize(("start", "months", "end"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 11, 15), 3, date(2027, 2, 15)),
    (date(2026, 12, 1), 12, date(2027, 12, 1)),
])
def test_add_months_clips_to_the_month_end(start, months, end):
    assert rules.add_months(start, months) == end


def test_letter_validity_three_months_by_default_and_a_setting(settings):
    assert rules.letter_valid_until(date(2026, 12, 1)) == date(2027, 2, 28)
    settings.TRANSFER_LETTER_VALID_MONTHS = 6
    assert rules.letter_valid_until(date(2026, 1, 10)) == date(2026, 7, 9)


def test_letter_number_names_the_issuer_the_year_and_the_serial():
    assert rules.letter_number("O000123", 2026, 7) == "O000123-2026-0007"
