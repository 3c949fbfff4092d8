"""The meter: typed vs filled from the records for a community and month, with the share;
score lines counted in the month they were computed, for the right community."""
from datetime import date

import pytest

from assessments.burden import selectors, sources
from assessments.burden.tests.support import local, scored, tally
from organizations.grants.choices import Role
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


def test_score_lines_count_in_their_month_for_the_community_holding_the_subject(city):
    scored(city.a.compound, local(2026, 3, 31, 23), computed=3, manual=1)   # 甲, 31 March (Beijing time)
    scored(city.a.area, local(2026, 3, 1, 0), computed=2, manual=0)         # 甲 itself, 1 March
    scored(city.b.building, local(2026, 3, 15), computed=4, manual=2)       # 乙
    scored(city.a.building, local(2026, 4, 1, 0), computed=5, manual=0)     # 甲, April: not March
    scored(city.street, local(2026, 3, 10), computed=7, manual=0)           # the street: no community's
    got = sources.score_lines(start=date(2026, 3, 1), end=date(2026, 4, 1), communities=[city.a.area, city.b.area])
    assert got == {city.a.area.pk: 5, city.b.area.pk: 4}  # manual indicators' lines are typed, not derived
    assert sources.score_lines(start=date(2026, 4, 1), end=date(2026, 5, 1), communities=[city.a.area]) == {city.a.area.pk: 5}


def test_score_lines_are_one_query_whatever_the_number_of_communities(city, django_assert_num_queries):
    for community in (city.a, city.b):
        scored(community.compound, local(2026, 3, 5))
    with django_assert_num_queries(1):
        sources.score_lines(start=date(2026, 3, 1), end=date(2026, 4, 1), communities=[city.a.area, city.b.area])


def test_the_meter_shows_typed_and_derived_with_the_share(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    tally(cadre, 6, channel="form", at=local(2026, 3, 3))
    tally(cadre, 2, channel="import", source="import:members", at=local(2026, 3, 20))
    tally(cadre, 9, channel="form", at=local(2026, 2, 28, 23))  # February in Beijing
    scored(city.a.compound, local(2026, 3, 10), computed=8, manual=1)
    rows = {r.month: r for r in selectors.meter_rows([city.a.area], selectors.months_of(2026))}
    march = rows[date(2026, 3, 1)]
    assert march.typed == {"form": 6, "import": 2}
    assert march.derived == {"scores": 8}
    assert (march.typed_total, march.derived_total, str(march.share)) == (8, 8, "50.0")
    assert rows[date(2026, 2, 1)].typed == {"form": 9} and rows[date(2026, 2, 1)].share == 0
    assert rows[date(2026, 5, 1)].share is None  # nothing typed nor derived
    total = selectors.total_row(rows.values())
    assert (total.typed_total, total.derived_total, str(total.share)) == (17, 8, "32.0")


def test_a_registered_source_is_read_and_a_request_source_lists_reports(city, monkeypatch):
    def filled(*, start, end, communities):
        return {c.pk: 10 for c in communities if c.pk == city.b.area.pk}

    def asked(*, start, end, communities):
        return {communities[0].pk: [sources.RequestedReport("党员统计年报", "元宝区委组织部", "王五", "2026年")]}

    monkeypatch.setattr(sources, "DERIVED_SOURCES", [*sources.DERIVED_SOURCES, ("reports", "一表通", "x.filled")])
    monkeypatch.setattr(sources, "REQUEST_SOURCES", ["x.asked"])
    monkeypatch.setattr(sources, "import_string", lambda path: {"x.filled": filled, "x.asked": asked}.get(
        path) or __import__("django.utils.module_loading", fromlist=["import_string"]).import_string(path))
    rows = selectors.meter_rows([city.a.area, city.b.area], [date(2026, 3, 1)])
    assert [r.derived for r in rows] == [{}, {"reports": 10}]
    reports = selectors.requested_reports([city.a.area], date(2026, 1, 1), date(2027, 1, 1))
    assert reports[city.a.area.pk][0].requested_by_user == "王五"


def test_the_monthly_read_agrees_with_the_month_by_month_one(city, django_assert_num_queries):
    scored(city.a.compound, local(2026, 3, 31, 23, ), computed=3)
    scored(city.a.building, local(2026, 4, 1, 0), computed=2)
    scored(city.b.compound, local(2026, 12, 31, 23), computed=1)
    scored(city.b.compound, local(2027, 1, 1, 0), computed=6)  # next year: never in 2026
    communities = [city.a.area, city.b.area]
    months = selectors.months_of(2026)
    with django_assert_num_queries(1):
        monthly = sources.score_lines.monthly(months=months, communities=communities)
    one_by_one = {
        (cid, m): n for m in months
        for cid, n in sources.score_lines(start=m, end=selectors.next_month(m), communities=communities).items()
    }
    assert monthly == one_by_one == {
        (city.a.area.pk, date(2026, 3, 1)): 3, (city.a.area.pk, date(2026, 4, 1)): 2, (city.b.area.pk, date(2026, 12, 1)): 1,
    }


def test_the_united_rows_agree_with_each_source_and_cost_one_query(city, django_assert_num_queries):
    """Every source giving rows is read in one UNION ALL query, with the same counts per
    community and month as the source read on its own (month edges in Beijing time)."""
    scored(city.a.compound, local(2026, 3, 31, 23), computed=3, manual=1)
    scored(city.b.building, local(2026, 4, 1, 0), computed=4, manual=0)
    communities = [city.a.area, city.b.area]
    since, until = sources.aware_range(date(2026, 3, 1), date(2026, 5, 1))
    with django_assert_num_queries(1):
        united = sources.united_rows(since=since, until=until, communities=communities)
    assert {k: n for k, n in united.items() if k[0] == "scores"} == {
        ("scores", city.a.area.pk, date(2026, 3, 1)): 3, ("scores", city.b.area.pk, date(2026, 4, 1)): 4}
    assert {key for key, _label, fn in sources.derived_sources() if hasattr(fn, "rows")} >= {"scores", "reports"}
