"""The demo pipeline: every stage present, overdue ones among them, existing probationary
members given the case that admitted them, work waiting for the demo community account and
a record of their own for the demo member."""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from organizations.development.choices import Stage
from organizations.development.demo import seed_for_demo
from organizations.development.models import DevelopmentCase
from organizations.grants.choices import Role
from organizations.members.choices import MemberStatus
from organizations.tests.factories import MemberFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@dataclass
class Account:
    username: str
    node: object


def test_the_demo_fills_every_stage_and_the_demo_accounts_queues(city):
    today = timezone.localdate()
    for i in range(4):
        MemberFactory(organization=city.a.branch, name=f"甲老党员{i}")
    joined = today - timedelta(days=200)
    probationary = MemberFactory(organization=city.a.branch, status=MemberStatus.PROBATIONARY, joined_on=joined)
    community = UserFactory(username="community")
    grant(community, Role.COMMUNITY, city.a.area)
    member_user = UserFactory(username="member")
    own = MemberFactory(organization=city.a.branch, joined_on=date(2019, 5, 25), user=member_user)
    seed_for_demo(accounts=[Account("community", city.a.area)], seed=2020, first_city_only=False, today=today)
    stages = set(DevelopmentCase.objects.values_list("stage", flat=True))
    assert {Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY} <= stages
    assert DevelopmentCase.objects.filter(due_on__lt=today).exclude(stage=Stage.FULL).exists()
    admitted = DevelopmentCase.objects.get(member=probationary)
    assert admitted.stage == Stage.PROBATIONARY and admitted.steps.get(code="branch_vote").on == joined
    assert admitted.next_step == "full_application"
    waiting = DevelopmentCase.objects.visible_to(community).filter(next_step="talk", due_on__gte=today)
    assert waiting.exists()
    mine = DevelopmentCase.objects.visible_to(member_user).get()
    assert mine.member == own and mine.stage == Stage.FULL
