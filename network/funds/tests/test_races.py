"""Two cadres recording spending from one allocation at once, together more than its balance:
the allocation's row lock serializes them, exactly one passes and the other is refused, and
the balance never goes below zero (PostgreSQL; skipped on SQLite)."""
from datetime import date
from decimal import Decimal

import pytest

from dangjian.errors import TransitionError
from dangjian.testing.races import race, requires_postgres
from network.funds import actions
from network.funds.models import FundAllocation, FundSpending
from network.tests.factories import allocation
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with


@requires_postgres("concurrent spendings of one allocation are serialized by its row lock")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_spendings_cannot_both_pass():
    w = build_city()
    street = user_with(Role.STREET, w.street)
    a = allocation(street, org=w.a.branch, amount=Decimal("6000.00"))
    cadres = [user_with(Role.COMMUNITY, w.a.area) for _ in range(4)]

    def spend(cadre):
        return actions.spending_record(actor=cadre, allocation=a, spent_on=date.today(), category="activity",
                                       amount=Decimal("4000.00"), description="主题党日活动")

    outcomes = race(spend, cadres)
    assert len(outcomes.values) == 1
    assert all(isinstance(e, TransitionError) for e in outcomes.errors), outcomes.errors
    a.refresh_from_db()
    assert a.spent == Decimal("4000.00") == sum(s.amount for s in FundSpending.objects.filter(allocation=a))
    assert FundAllocation.objects.get(pk=a.pk).balance == Decimal("2000.00")
