import random
from datetime import date

import pytest

from organizations.tests.factories import build_city
from services.ledger.models import ServiceRecord, ServiceSource
from services.wishes.choices import WishStatus
from services.wishes.demo import seed_wishes
from services.wishes.models import Wish, WishEvent

pytestmark = pytest.mark.django_db


def test_seed_wishes_makes_a_year_of_realistic_outcomes():
    c = build_city()
    totals = seed_wishes(rng=random.Random(7), community_ids=[c.a.area.pk, c.b.area.pk], today=date(2026, 11, 1))
    wishes = Wish.objects.all()
    assert totals["wishes"] == wishes.count() >= 2 * 12 * 2
    done = wishes.filter(status__in=(WishStatus.FULFILLED, WishStatus.RATED)).count()
    assert done > wishes.count() / 2
    assert wishes.filter(status=WishStatus.REJECTED).count() < wishes.count() / 5
    assert min(w.created_at.date() for w in wishes) < date(2026, 1, 1)
    for wish in wishes.filter(status=WishStatus.RATED)[:20]:
        steps = list(WishEvent.objects.filter(wish=wish).values_list("to_status", flat=True))
        assert steps == ["submitted", "published", "claimed", "fulfilled", "rated"]
    member_done = wishes.filter(status__in=(WishStatus.FULFILLED, WishStatus.RATED), claimed_member__isnull=False)
    assert ServiceRecord.objects.filter(source=ServiceSource.WISH).count() == member_done.count() > 0
    assert len({w.code for w in wishes}) == wishes.count()
