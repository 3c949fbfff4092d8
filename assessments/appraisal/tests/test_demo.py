"""The demo appraisals: within the rules, one round per branch and year, idempotent."""
import random

import pytest

from assessments.appraisal import rules
from assessments.appraisal.choices import QUALIFIED_OR_ABOVE, RESULT_STATUSES, Grade
from assessments.appraisal.demo import ensure_demo_queue, seed_appraisals
from assessments.appraisal.models import Appraisal, AppraisalGrade
from assessments.appraisal.tests.support import TODAY, in_service, make_world
from organizations.orgs.models import PartyOrg

pytestmark = pytest.mark.django_db


def test_seed_respects_the_rules_and_runs_once():
    w = make_world()
    zhang = in_service(w.city.a, name="张在职")
    org_ids = list(PartyOrg.objects.values_list("pk", flat=True))
    seed_appraisals(rng=random.Random(1), org_ids=org_ids, today=TODAY, keep_org_ids=[w.city.a.branch.pk])
    last = Appraisal.objects.get(org=w.city.a.branch, year=TODAY.year - 1)
    assert last.status in RESULT_STATUSES
    grade = AppraisalGrade.objects.get(appraisal=last, member=zhang)
    assert grade.grade not in QUALIFIED_OR_ABOVE and grade.note
    for a in Appraisal.objects.all():
        grades = list(a.grades.values_list("grade", "note"))
        excellent = sum(1 for g, _n in grades if g == Grade.EXCELLENT)
        assert excellent <= rules.excellent_cap(len(grades))
        assert all(n for g, n in grades if g in (Grade.BASIC, Grade.UNQUALIFIED))
    before = {a.pk: a.grades.count() for a in Appraisal.objects.all()}
    seed_appraisals(rng=random.Random(2), org_ids=org_ids, today=TODAY, keep_org_ids=[w.city.a.branch.pk])
    after = {a.pk: a.grades.count() for a in Appraisal.objects.filter(pk__in=list(before))}
    assert after == before  # rounds already there are left alone (and the constraint keeps one per year)


def test_queue_waits_for_the_community_cadre():
    w = make_world()
    Appraisal.objects.filter(year=TODAY.year).delete()
    assert ensure_demo_queue(cadre=w.a_cadre, community=w.city.a.area, today=TODAY) == {"appraisal_waiting": 1}
    assert Appraisal.objects.get(year=TODAY.year).org == w.city.a.branch
    assert ensure_demo_queue(cadre=w.a_cadre, community=w.city.a.area, today=TODAY) == {}
