import random
from datetime import date, datetime, time

import pytest
from django.utils import timezone

from organizations.tests.factories import ResidentUnitFactory, build_city
from services.whistles import actions as whistle_actions
from services.whistles.choices import TargetStatus, WhistleStatus
from services.whistles.demo import seed_whistles
from services.whistles.models import Department, Whistle, WhistleEvent, WhistleTarget

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


def test_seed_whistles_makes_a_year_of_realistic_outcomes():
    c = build_city()
    ResidentUnitFactory(name="甲社区卫生服务中心", community=c.a.area)
    totals = seed_whistles(rng=random.Random(11), area_ids=[c.street.pk, c.a.area.pk, c.b.area.pk], today=TODAY)
    whistles = Whistle.objects.all()
    targets = WhistleTarget.objects.all()
    assert totals["whistles"] == whistles.count() >= 12 and totals["targets"] == targets.count()
    # departments of the district, without accounts
    assert set(Department.objects.filter(area=c.district).values_list("name", flat=True)) >= {
        "住建局", "城管局", "市场监管局", "供电公司", "自来水公司"}
    assert not Department.objects.filter(responders__isnull=False).exists()
    # most report in time, most are closed, ratings mostly 满意
    in_time = sum(1 for t in targets.select_related("whistle") if t.reported_at and t.reported_at <= t.whistle.report_due)
    assert in_time > targets.count() * 0.6
    assert whistles.filter(status=WhistleStatus.CLOSED).count() > whistles.count() / 2
    rated = targets.filter(status=TargetStatus.CONFIRMED)
    assert rated.filter(satisfaction="satisfied").count() > rated.count() / 2
    assert min(w.created_at.date() for w in whistles) < date(2026, 1, 1)
    assert len({w.code for w in whistles}) == whistles.count()
    # some escalated, with their events; the periodic task at the same moment finds nothing new
    assert whistles.filter(escalation_level__gt=0).exists()
    assert WhistleEvent.objects.filter(to_status=whistle_actions.ESCALATED).count() == sum(w.escalation_level for w in whistles)
    now = timezone.make_aware(datetime.combine(TODAY, time(20, 0)))
    assert whistle_actions.whistle_escalate_overdue(now=now) == 0
    # running it again adds no departments
    again = seed_whistles(rng=random.Random(12), area_ids=[c.a.area.pk], today=TODAY)
    assert again["departments"] == 0
