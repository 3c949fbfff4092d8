"""Two cadres recording the same step of a case at once: the case row is locked, so exactly
one records it and the other is refused (already recorded), never two rows."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from dangjian.testing import race, requires_postgres
from organizations.development import actions
from organizations.development.tests.factories import make_case
from organizations.grants.choices import Role
from organizations.tests.factories import user_with


@requires_postgres("concurrent step records are serialized by the case's row lock")
@pytest.mark.django_db(transaction=True)
def test_concurrent_records_of_one_step_exactly_one_wins(city):
    cadres = [user_with(Role.COMMUNITY, city.a.area) for _ in range(4)]
    case = make_case(city.a.branch, applied_on=date(2026, 11, 2))
    outcomes = race(lambda user: actions.step_record(actor=user, case=case, code="talk", on=date(2026, 11, 10)), cadres)
    assert len(outcomes.values) == 1
    assert all(isinstance(e, ValidationError) and "不能重复登记" in "".join(e.messages) for e in outcomes.errors)
    assert case.steps.filter(code="talk").count() == 1
