"""双报到 reads: report status on the board, hours by source and quarter, and the
set-based figures the scoring engine reuses (many subtree roots, fixed query count)."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.testing import count_queries
from organizations.tests.factories import build_city, build_community
from services.checkins import selectors
from services.checkins.models import MemberReport
from services.checkins.rules import add_months
from services.checkins.tests.test_actions import make_in_service
from services.ledger.models import ServiceRecord, ServiceSource
from services.tests.budgets import BUDGETS

pytestmark = pytest.mark.django_db

_ids = iter(range(1, 10_000_000))


def hours(member, amount, day, source=ServiceSource.ACTIVITY, note="党员先锋日"):
    return ServiceRecord.objects.create(member=member, source=source, source_id=next(_ids), hours=Decimal(amount),
                                        occurred_on=day, note=note)


def reported(member, community, day):
    return MemberReport.objects.create(member=member, community=community.area, reported_on=day,
                                       valid_until=add_months(day, 6))


def test_board_shows_valid_expired_and_never_with_hours_of_the_year():
    c = build_city()
    today = date(2026, 11, 22)
    valid, expired, never = (make_in_service(c.a, name=n) for n in ("张有效", "李过期", "王未报"))
    reported(valid, c.a, date(2026, 9, 1))
    reported(expired, c.a, date(2026, 1, 5))
    reported(never, c.b, date(2026, 10, 1))  # reported to another community: does not count here
    hours(valid, "30", date(2026, 3, 1))
    hours(valid, "25.5", date(2026, 10, 1), ServiceSource.WISH)
    hours(valid, "99", date(2025, 12, 31))  # last year
    hours(expired, "4", date(2026, 6, 1), ServiceSource.REQUEST)
    rows = {m.name: m for m in selectors.community_board(c.a.area, on_date=today, year=2026)}
    assert set(rows) == {"张有效", "李过期", "王未报"}  # in-service residents only
    assert rows["张有效"].report_status == "valid" and rows["张有效"].report_valid_until == date(2027, 3, 1)
    assert rows["李过期"].report_status == "expired" and rows["李过期"].last_reported_on == date(2026, 1, 5)
    assert rows["王未报"].report_status == "never"
    assert rows["张有效"].year_hours == Decimal("55.5") and rows["王未报"].year_hours == 0
    board = selectors.community_board(c.a.area, on_date=today, year=2026)
    assert selectors.board_counts(board) == {"total": 3, "valid": 1, "expired": 1, "never": 1, "reached": 1}
    assert [m.name for m in selectors.search_board(board, status="expired")] == ["李过期"]
    page = selectors.attach_hours_by_source(list(board.order_by("name")), 2026)
    by_name = {m.name: m for m in page}
    assert by_name["张有效"].hours_by_source == {"activity": Decimal("30"), "wish": Decimal("25.5"), "request": 0}
    assert by_name["张有效"].progress == 100 and by_name["李过期"].progress == 8


def test_member_overview_by_source_and_quarter():
    c = build_city()
    member = make_in_service(c.a)
    reported(member, c.a, date(2026, 2, 1))
    hours(member, "2", date(2026, 2, 10))
    hours(member, "1", date(2026, 5, 10), ServiceSource.WISH)
    hours(member, "3", date(2026, 11, 1), ServiceSource.REQUEST)
    overview = selectors.member_overview(member, today=date(2026, 11, 22), year=2026)
    assert overview.status == "expired" and overview.valid_until == date(2026, 8, 1)
    assert overview.total == Decimal("6") and overview.percent == 12 and overview.remaining == Decimal("44")
    assert [(q["quarter"], q["total"]) for q in overview.by_quarter] == [
        (1, Decimal("2")), (2, Decimal("1")), (3, 0), (4, Decimal("3"))]
    assert [h for _s, _l, h in overview.by_source] == [Decimal("2"), Decimal("1"), Decimal("3")]
    assert [r.occurred_on for r in overview.records] == [date(2026, 11, 1), date(2026, 5, 10), date(2026, 2, 10)]


def _world():
    c = build_city()
    today = timezone.localdate()
    a1, a2 = make_in_service(c.a), make_in_service(c.a)
    b1 = make_in_service(c.b)
    reported(a1, c.a, today - timedelta(days=10))
    reported(a2, c.a, today - timedelta(days=400))  # expired
    reported(b1, c.b, today)
    hours(a1, "10", today)
    hours(c.a.members[0], "5", today)  # not in service: counts among all members' hours only
    hours(b1, "60", today)
    return c, today


def test_reporting_rates_and_service_hours_for_nested_roots():
    c, today = _world()
    ids = [c.street.pk, c.a.area.pk, c.b.area.pk, c.a.compound.pk]
    assert selectors.reporting_rates(ids, today) == {
        c.street.pk: (2, 3), c.a.area.pk: (1, 2), c.b.area.pk: (1, 1), c.a.compound.pk: (1, 2)}
    start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    everyone = selectors.service_hours(ids, start, end)
    # build_city puts two (not in-service) members in each community
    assert everyone[c.street.pk] == (Decimal("75"), 7) and everyone[c.a.area.pk] == (Decimal("15"), 4)
    assert everyone[c.b.area.pk] == (Decimal("60"), 3)
    # in-service members only: their hours over their number (issue 14: the 双报到 page divided
    # every member's hours by the in-service members, an average above every member's hours)
    only = selectors.service_hours(ids, start, end, in_service_only=True)
    assert only[c.a.area.pk] == (Decimal("10"), 2)
    figures = selectors.area_figures([c.street.pk], on_date=today, year=today.year)[c.street.pk]
    assert (figures.in_service, figures.reported, figures.reached) == (3, 2, 1)
    assert figures.rate_percent == 66.7 and figures.average_hours == Decimal("23.3")  # (10 + 60) / 3
    assert figures.average_hours <= max(Decimal("10"), Decimal("60"))


def test_figures_run_one_query_for_any_number_of_roots():
    c, today = _world()
    few = [c.a.area.pk, c.b.area.pk]
    n_few = count_queries(lambda: (selectors.reporting_rates(few, today),
                                   selectors.service_hours(few, date(2026, 1, 1), date(2026, 12, 31)),
                                   selectors.area_figures(few, on_date=today, year=2026)))
    more = [build_community(c.street, c.street_org, f"丙{i}") for i in range(4)]
    for community in more:
        reported(make_in_service(community), community, today)
    many = few + [m.area.pk for m in more] + [c.street.pk, c.district.pk]
    n_many = count_queries(lambda: (selectors.reporting_rates(many, today),
                                    selectors.service_hours(many, date(2026, 1, 1), date(2026, 12, 31)),
                                    selectors.area_figures(many, on_date=today, year=2026)))
    assert n_few == n_many == BUDGETS["services.checkins.selectors.area_figures"]
    assert selectors.reporting_rates(many, today)[c.street.pk] == (6, 7)


def test_summary_rows_list_children_down_to_communities():
    c, today = _world()
    own, children = selectors.summary_rows(c.street, on_date=today, year=today.year)
    assert own.in_service == 3 and [r.name for r in children] == ["甲社区", "乙社区"]
    own, children = selectors.summary_rows(c.a.area, on_date=today, year=today.year)
    assert own.reported == 1 and children == []
