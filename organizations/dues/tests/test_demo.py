"""The demo's dues: a base for every member, a year of ledger with arrears and lapses, the
member account's own record, the derived state written in bulk agreeing with a refresh."""
import random
from datetime import date

import pytest

from organizations.dues import brackets as calc
from organizations.dues import selectors
from organizations.dues.demo import seed_dues
from organizations.dues.models import DuesBase, DuesPayment, MemberDuesState
from organizations.members.models import Member
from organizations.tests.factories import UserFactory, build_city

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 10)


def test_seed_dues_gives_every_member_a_year_and_the_member_account_its_record():
    city = build_city(members_per_community=15)
    account = UserFactory(username="member")
    mine = city.a.members[0]
    Member.objects.filter(pk=mine.pk).update(user=account)
    counts = seed_dues(rng=random.Random(1), members=Member.objects.all(), today=TODAY, member_user_id=account.pk)
    members = Member.objects.count()
    assert DuesBase.objects.values("member_id").distinct().count() == members
    assert counts["payments"] > members * 6
    states = {s.member_id: (s.start_month, s.last_covered) for s in MemberDuesState.objects.all()}
    MemberDuesState.objects.refresh()
    assert states == {s.member_id: (s.start_month, s.last_covered) for s in MemberDuesState.objects.all()}
    lapsed = Member.objects.filter(selectors.lapsed_q(TODAY)).count()
    behind = Member.objects.filter(selectors.lapsed_q(TODAY, 1)).count()
    assert 0 < lapsed <= behind < members
    # the member account: a pay change from its month, an advance, a back payment, every completed month covered
    bases = list(DuesBase.objects.filter(member=mine).order_by("starts_on"))
    assert [b.monthly_amount for b in bases] == [calc.money("42.00"), calc.money("84.00")]
    kinds = set(DuesPayment.objects.filter(member=mine).values_list("kind", flat=True))
    assert {"advance", "late", "paid"} <= kinds
    assert MemberDuesState.objects.get(member=mine).last_covered == calc.last_completed_month(TODAY)
    # a second run adds nothing
    assert seed_dues(rng=random.Random(1), members=Member.objects.all(), today=TODAY)["bases"] == 0
