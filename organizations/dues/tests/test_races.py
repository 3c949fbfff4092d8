"""Two cadres recording the same member's month at once: the member's row lock serializes
them, exactly one is recorded, the other refused (PostgreSQL; skipped on SQLite)."""
from datetime import date

import pytest

from dangjian.errors import TransitionError
from dangjian.testing.races import race, requires_postgres
from organizations.dues.models import DuesPayment, MemberDuesState
from organizations.dues.tests.factories import cadre_for, declare, pay
from organizations.tests.factories import build_city


@requires_postgres("concurrent payments of one month are serialized by the member's row lock")
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_of_one_month_exactly_one_wins():
    w = build_city()
    member = w.a.members[0]
    cadres = [cadre_for(w.a) for _ in range(4)]
    declare(member, actor=cadres[0], year=2026, from_month=1)
    outcomes = race(lambda cadre: pay(member, actor=cadre, first_month=date(2026, 3, 1), count=2), cadres)
    assert len(outcomes.values) == 1
    assert all(isinstance(e, TransitionError) for e in outcomes.errors), outcomes.errors
    assert DuesPayment.objects.filter(member=member).count() == 2
    assert MemberDuesState.objects.get(member=member).last_covered == date(2026, 4, 1)
