"""Cadres saving forms at the same moment all count: the tally's upsert adds in one statement
(``ON CONFLICT … count = count + excluded.count``), so concurrent writers to one key — the
first of them inserting it — lose nothing (PostgreSQL; skipped on SQLite)."""
from datetime import date

import pytest

from assessments.burden import actions
from assessments.burden.models import EntryTally
from dangjian.testing.clients import fresh
from dangjian.testing.races import race, requires_postgres
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with


@requires_postgres("concurrent upserts of one new tally key must both count")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_tally_all_count():
    w = build_city()
    cadres = [user_with(Role.COMMUNITY, w.a.area) for _ in range(6)]
    users = [fresh(c) for c in cadres] + [fresh(user_with(Role.GRID, w.a.compound))]

    def add(user, n):
        return actions.tally_add(actor=user, count=n, channel="form", source="race:form", at=date(2026, 3, 5))

    for _round in range(3):  # the first round inserts the key, the others update it
        outcomes = race(add, [(u, i + 1) for i, u in enumerate(users)])
        assert outcomes.errors == [] and all(outcomes.values), outcomes
    tally = EntryTally.objects.get(area=w.a.area, month=date(2026, 3, 1), channel="form", source="race:form")
    assert tally.count == 3 * sum(range(1, len(users) + 1))
