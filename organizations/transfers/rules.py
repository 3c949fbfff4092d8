"""The rules of 组织关系转接 as plain functions (tested without the database), their numbers
read from settings (DOMAIN "Rules in detail": a locality's own values, never in views).

* ``TRANSFER_ANSWER_DAYS`` (default 30): a transfer within the portal unanswered this many
  days after it was sent is overdue;
* ``TRANSFER_LETTER_VALID_MONTHS`` (default 3): an introduction letter's validity (sources say
  "generally 10 days, at most 3 months", one six months across provinces).
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.conf import settings

DEFAULT_ANSWER_DAYS = 30
DEFAULT_LETTER_VALID_MONTHS = 3


def answer_days() -> int:
    return int(getattr(settings, "TRANSFER_ANSWER_DAYS", DEFAULT_ANSWER_DAYS))


def letter_valid_months() -> int:
    return int(getattr(settings, "TRANSFER_LETTER_VALID_MONTHS", DEFAULT_LETTER_VALID_MONTHS))


def due_on(started: date, days: int | None = None) -> date:
    """The day by which the receiving branch answers (the last day still on time)."""
    return started + timedelta(days=answer_days() if days is None else days)


def is_overdue(*, pending: bool, due: date | None, today: date) -> bool:
    """Unanswered after its last day."""
    return bool(pending and due is not None and today > due)


def days_overdue(due: date | None, today: date) -> int:
    return max(0, (today - due).days) if due is not None else 0


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, the day clipped to the month's end (1月31日 + 1 → 2月28/29日)."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def letter_valid_until(issued: date, months: int | None = None) -> date:
    """The last day a letter issued on ``issued`` is valid."""
    return add_months(issued, letter_valid_months() if months is None else months) - timedelta(days=1)


def letter_number(issuer_code: str, year: int, serial: int) -> str:
    """A letter's number: the issuing organization's code, the year, the serial within both
    (``O000123-2026-0007``)."""
    return f"{issuer_code}-{year}-{serial:04d}"
