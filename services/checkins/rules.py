"""The pure rules of 双报到: how long a member's report stays valid, the yearly service-hours target,
quarters, progress, and which organizations report (no database)."""
import calendar
from datetime import date
from decimal import Decimal

from django.conf import settings

from organizations.orgs.choices import OrgCategory

DEFAULT_VALID_MONTHS = 6
DEFAULT_HOURS_TARGET = 50

# Territorial organizations are the community's own; they do not "report" to it.
TERRITORIAL_CATEGORIES = frozenset({
    OrgCategory.REGIONAL, OrgCategory.STREET, OrgCategory.COMMUNITY, OrgCategory.COMPOUND,
    OrgCategory.GRID, OrgCategory.BUILDING_GROUP,
})
# The organizations that typically report (机关, 事业单位, 企业 …), shown first in forms.
UNIT_CATEGORIES = frozenset(set(OrgCategory.values) - TERRITORIAL_CATEGORIES)


# ----------------------------------------------------------------- pure (no database)
def valid_months() -> int:
    return int(getattr(settings, "MEMBER_REPORT_VALID_MONTHS", DEFAULT_VALID_MONTHS))


def hours_target() -> Decimal:
    return Decimal(str(getattr(settings, "SERVICE_HOURS_TARGET", DEFAULT_HOURS_TARGET)))


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the last day of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def report_valid_until(reported_on: date, months: int | None = None) -> date:
    return add_months(reported_on, valid_months() if months is None else months)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of quarter 1–4 of ``year``."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(quarter)
    start = date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    return start, date(year, end_month, calendar.monthrange(year, end_month)[1])


def progress_percent(hours, target) -> int:
    """Share of the annual target reached, 0–100 (for progress bars)."""
    target = Decimal(target or 0)
    if target <= 0:
        return 100
    return int(min(Decimal(100), Decimal(hours or 0) * 100 / target))
