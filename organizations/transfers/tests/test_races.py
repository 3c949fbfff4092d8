"""Two cadres of the receiving side answer the same transfer at once: exactly one wins (the
transfer's row lock), the member moves at most once, and the loser gets the clear refusal."""
import pytest

from dangjian.errors import TransitionError
from dangjian.testing import race, requires_postgres
from organizations.grants.choices import Role
from organizations.members.models import Member
from organizations.tests.factories import UserFactory, grant
from organizations.transfers import actions
from organizations.transfers.models import Transfer, TransferEvent
from organizations.transfers.tests.support import make_world, start


def _two_receivers(w):
    street = UserFactory(username="race-street")
    grant(street, Role.STREET, w.city.street)
    return w.cadre_b, street


@requires_postgres("concurrent answers are serialized by the transfer's row lock")
@pytest.mark.django_db(transaction=True)
def test_accept_and_return_at_once_exactly_one_wins():
    w = make_world("race-")
    t = start(w)
    one, two = _two_receivers(w)
    outcomes = race(lambda user, verb: (
        actions.transfer_accept(actor=user, transfer=t) if verb == "accept"
        else actions.transfer_return(actor=user, transfer=t, reason="不接收")), [(one, "accept"), (two, "return")])
    assert len(outcomes.values) == 1, outcomes
    assert len(outcomes.errors) == 1 and isinstance(outcomes.errors[0], TransitionError)
    final = Transfer.objects.get(pk=t.pk)
    moved = Member.objects.get(pk=w.member.pk).organization_id == w.city.b.branch.pk
    assert moved == (final.status == "accepted")
    assert TransferEvent.objects.filter(transfer=t).exclude(from_status="").count() == 1


@requires_postgres("concurrent answers are serialized by the transfer's row lock")
@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_move_the_member_once():
    w = make_world("race2-")
    t = start(w)
    outcomes = race(lambda user: actions.transfer_accept(actor=user, transfer=t), list(_two_receivers(w)))
    assert len(outcomes.values) == 1
    assert "已被接收" in str(outcomes.errors[0])
    assert Member.objects.get(pk=w.member.pk).organization_id == w.city.b.branch.pk
