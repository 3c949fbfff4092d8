"""Races (PostgreSQL; skipped on SQLite): two cadres saving a subject's first value at once
make one row (the subject's row lock serializes them); publishing twice at once publishes
once (the report's row lock), the other refused."""
import pytest

from assessments.reports import actions
from assessments.reports.models import FieldValue, ReportEvent
from assessments.reports.tests import support as s
from dangjian.errors import TransitionError
from dangjian.testing.races import race, requires_postgres
from organizations.grants.choices import Role
from organizations.tests.factories import user_with


@requires_postgres("concurrent first fills of one subject are serialized by the subject's row lock")
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_fills_make_one_value():
    w = s.make_world()
    field = s.area_field(w)
    s.community_report(w, fields=[field])
    cadres = [w.a_cadre, *(user_with(Role.COMMUNITY, w.city.a.area) for _ in range(3))]
    name = actions.entry_name(field.pk, "2026")
    outcomes = race(lambda cadre: actions.field_values_save(actor=cadre, subject=w.city.a.area,
                                                            values={name: str(100 + cadre.pk)}), cadres)
    assert not outcomes.errors, outcomes.errors
    value = FieldValue.objects.get(field=field, area=w.city.a.area)
    assert value.number in {100 + c.pk for c in cadres}


@requires_postgres("concurrent publishing is serialized by the report's row lock")
@pytest.mark.django_db(transaction=True)
def test_concurrent_publishing_exactly_one_wins():
    w = s.make_world()
    report = s.community_report(w, publish=False)
    outcomes = race(lambda _i: actions.report_publish(actor=w.district, report=report), range(4))
    assert len(outcomes.values) == 1
    assert all(isinstance(e, TransitionError) for e in outcomes.errors), outcomes.errors
    assert ReportEvent.objects.filter(report=report, to_status="published").count() == 1
