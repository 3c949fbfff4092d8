"""The demo's transfers: every state, letters numbered, members in their new branch, 失联
and 流动党员 marked, the community cadre's queue and the member's own record; twice adds nothing."""
import random

import pytest
from django.utils import timezone

from organizations.grants.choices import Role
from organizations.members.models import Member
from organizations.tests.factories import MemberFactory, UserFactory, build_city, grant
from organizations.transfers import selectors
from organizations.transfers.choices import ContactState
from organizations.transfers.demo import MIX, ensure_demo_queue, seed_transfers
from organizations.transfers.models import IntroductionLetter, Transfer

pytestmark = pytest.mark.django_db


def test_seed_transfers_every_state_and_the_queue():
    c = build_city(members_per_community=150)
    today = timezone.localdate()
    made = seed_transfers(rng=random.Random(1), city_ids=[c.city.pk], today=today)
    assert {(k, s) for k, s in Transfer.objects.values_list("kind", "status")} == {(k.value, s.value) for k, s, _ in MIX}
    assert Transfer.objects.overdue(today).exists() and Transfer.objects.pending().filter(due_on__gte=today).exists()
    assert made["lost"] and made["mobile"]
    for t in Transfer.objects.filter(kind="within", status="accepted"):
        member = Member.objects.get(pk=t.member_id)
        assert member.organization_id == t.to_org_id
        assert member.org_community == t.to_org.area.parent_id  # the compound's community
    out = Transfer.objects.filter(kind="out", status="pending").first()
    assert Member.objects.get(pk=out.member_id).contact_state == ContactState.TRANSFERRED_OUT
    assert IntroductionLetter.objects.filter(direction="out").count() == Transfer.objects.filter(kind="out").count()
    assert Member.objects.filter(contact_state="mobile").exclude(mobile_place="").exclude(contact_org=None).exists()
    assert seed_transfers(rng=random.Random(1), city_ids=[c.city.pk], today=today) == {}

    admin, cadre = UserFactory(username="demo-admin"), UserFactory(username="demo-community")
    grant(admin, Role.ADMIN, c.city)
    grant(cadre, Role.COMMUNITY, c.a.area)
    Transfer.objects.filter(to_org__area__parent=c.a.area, status="pending").update(status="cancelled")
    own = MemberFactory(organization=c.a.branch, user=UserFactory(username="demo-member"))
    queue = ensure_demo_queue(sender=admin, community=c.a.area, member=own, today=today)
    assert queue == {"member": 1, "queue": 1}
    assert selectors.incoming_waiting(cadre).count() == 1
    assert Transfer.objects.visible_to(own.user).count() == 1
    assert ensure_demo_queue(sender=admin, community=c.a.area, member=own, today=today) == {}
