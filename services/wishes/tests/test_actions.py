"""The micro-wish state machine: every legal and illegal transition, roles, the service
ledger, the audit trail, and the claim race on PostgreSQL."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from dangjian import errors
from dangjian.errors import PermissionDeniedError
from dangjian.models import AuditEvent
from dangjian.scoping import forget_scope
from dangjian.testing import race, requires_postgres
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with
from services.ledger.models import ServiceRecord, ServiceSource
from services.resident import actions as resident_actions
from services.tests.factories import cadre, claimed, fulfilled, member_user, new_phone, published, submit
from services.wishes import actions
from services.wishes.choices import WISH_ACTIONS, WISH_TRANSITIONS, WishAction, WishStatus
from services.wishes.models import Wish, WishEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    c = build_city()
    return {
        "city": c,
        "cadre": cadre(c.a, "cadre-a"),
        "member": member_user(c.a.members[0], "member-a"),
    }


def _put_in(wish, status, member):
    """Force a wish into ``status`` (with a member claimant where the status needs one)."""
    claimant = member.member if status in (WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.RATED) else None
    Wish.objects.filter(pk=wish.pk).update(status=status, claimed_member=claimant)
    wish.refresh_from_db()
    return wish


def _run(verb, wish, w):
    phone = wish.requester_phone
    calls = {
        WishAction.PUBLISH: lambda: actions.wish_publish(actor=w["cadre"], wish=wish),
        WishAction.REJECT: lambda: actions.wish_reject(actor=w["cadre"], wish=wish, reason="不属于微心愿范围"),
        WishAction.CLAIM: lambda: actions.wish_claim(actor=w["member"], wish=wish),
        WishAction.RELEASE: lambda: actions.wish_release(actor=w["member"], wish=wish),
        WishAction.FULFIL: lambda: actions.wish_fulfil(actor=w["member"], wish=wish, note="已完成"),
        WishAction.RATE: lambda: actions.wish_rate(code=wish.code, phone_last4=phone[-4:], rating="satisfied"),
        WishAction.CANCEL: lambda: actions.wish_cancel(actor=w["cadre"], wish=wish, reason="心愿人撤回"),
    }
    return calls[verb]()


@pytest.mark.parametrize("status", list(WishStatus))
@pytest.mark.parametrize("verb", [v for v in WishAction if v != WishAction.SUBMIT])
def test_every_transition_is_allowed_exactly_by_the_table(world, verb, status):
    wish = _put_in(submit(world["city"].a), status, world["member"])
    starts, to_status = WISH_ACTIONS[verb]
    events_before = WishEvent.objects.filter(wish=wish).count()
    if status in starts:
        result = _run(verb, wish, world)
        assert result.status == to_status
        assert Wish.objects.get(pk=wish.pk).status == to_status
        event = WishEvent.objects.filter(wish=wish).latest("id")
        assert (event.from_status, event.to_status) == (status, to_status)
        assert AuditEvent.objects.filter(verb=f"wish.{verb}", target_id=str(wish.pk)).count() == 1
    else:
        # Look past scoping (a member cannot even see a wish that is not on the wall):
        # the refusal tested here is the state machine's.
        world["member"].is_superuser = True
        forget_scope(world["member"])
        with pytest.raises(errors.TransitionError) as info:
            _run(verb, wish, world)
        assert info.value.messages[0].startswith("该心愿") or "完成后" in info.value.messages[0]
        assert Wish.objects.get(pk=wish.pk).status == status
        assert WishEvent.objects.filter(wish=wish).count() == events_before


def test_transition_table_matches_the_actions():
    assert WISH_TRANSITIONS[WishStatus.SUBMITTED] == {WishStatus.PUBLISHED, WishStatus.REJECTED, WishStatus.CANCELLED}
    assert WISH_TRANSITIONS[WishStatus.CLAIMED] == {WishStatus.PUBLISHED, WishStatus.FULFILLED, WishStatus.CANCELLED}
    for final in (WishStatus.REJECTED, WishStatus.RATED, WishStatus.CANCELLED):
        assert WISH_TRANSITIONS[final] == frozenset()


def test_the_whole_path_records_events_in_order_and_credits_service_hours(world):
    c = world["city"]
    wish = fulfilled(c.a, world["member"])
    actions.wish_rate(code=wish.code.lower(), phone_last4=wish.requester_phone[-4:], rating="basic", comment="很好")
    wish.refresh_from_db()
    assert wish.status == WishStatus.RATED and wish.rating == "basic" and wish.rated_at is not None
    assert wish.claimed_at and wish.fulfilled_at and wish.published_at
    steps = list(WishEvent.objects.filter(wish=wish).values_list("to_status", flat=True))
    assert steps == ["submitted", "published", "claimed", "fulfilled", "rated"]
    record = ServiceRecord.objects.get(source=ServiceSource.WISH, source_id=wish.pk)
    assert record.member == c.a.members[0] and record.hours == Decimal("1.0")


def test_second_claim_is_refused_with_a_clear_message(world):
    c = world["city"]
    wish = published(c.a)
    actions.wish_claim(actor=world["member"], wish=wish)
    other = member_user(c.a.members[1], "member-a2")
    with pytest.raises(errors.TransitionError, match="已被认领，不能重复认领"):
        actions.wish_claim(actor=other, wish=wish)


def test_release_puts_the_wish_back_on_the_wall_and_clears_the_claimant(world):
    c = world["city"]
    wish = claimed(c.a, world["member"])
    wish = actions.wish_release(actor=world["member"], wish=wish)
    assert wish.status == WishStatus.PUBLISHED
    assert wish.claimed_member_id is None and wish.claimed_at is None
    other = member_user(c.a.members[1], "member-a2")
    assert actions.wish_claim(actor=other, wish=wish).claimed_member == c.a.members[1]


def test_only_the_claimant_releases_or_fulfils(world):
    c = world["city"]
    wish = claimed(c.a, world["member"])
    other = member_user(c.a.members[1], "member-a2")
    with pytest.raises(Http404):  # another member does not even see a wish claimed by someone else
        actions.wish_release(actor=other, wish=wish)
    with pytest.raises(PermissionDeniedError):
        actions.wish_release(actor=world["cadre"], wish=wish)
    with pytest.raises(PermissionDeniedError):
        actions.wish_fulfil(actor=world["cadre"], wish=wish, note="x")
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.CLAIMED


def test_cadre_claims_for_an_organization_and_its_managers_fulfil_without_service_hours(world):
    c = world["city"]
    wish = published(c.a)
    org_cadre = user_with(Role.COMMUNITY, c.a.committee, "org-cadre")
    actions.wish_claim(actor=org_cadre, wish=wish, org=c.a.branch)
    wish.refresh_from_db()
    assert wish.claimed_org == c.a.branch and wish.claimed_member is None
    # the community cadre manages the branch's area, so they may fulfil for it too
    actions.wish_fulfil(actor=world["cadre"], wish=wish, note="支部党员送去了轮椅")
    assert not ServiceRecord.objects.filter(source=ServiceSource.WISH, source_id=wish.pk).exists()


def test_claim_on_behalf_of_an_organization_one_does_not_manage_is_refused(world):
    c = world["city"]
    wish = published(c.a)
    with pytest.raises(PermissionDeniedError):
        actions.wish_claim(actor=world["member"], wish=wish, org=c.a.branch)


def test_reviewing_needs_a_managing_role_over_the_community(world):
    c = world["city"]
    wish = submit(c.a)
    with pytest.raises(Http404):
        actions.wish_publish(actor=cadre(c.b, "cadre-b"), wish=wish)
    grid = user_with(Role.GRID, c.a.area, "grid-a")
    with pytest.raises(PermissionDeniedError):
        actions.wish_publish(actor=grid, wish=wish)
    with pytest.raises(Http404):
        actions.wish_publish(actor=world["member"], wish=wish)


def test_member_of_another_community_cannot_claim(world):
    c = world["city"]
    wish = published(c.a)
    outsider = member_user(c.b.members[0], "member-b")
    with pytest.raises(Http404):
        actions.wish_claim(actor=outsider, wish=wish)


def test_submit_validates_fields(world):
    c = world["city"]
    with pytest.raises(ValidationError) as info:
        actions.wish_submit(community=c.a.area, building=c.b.building, name="", phone="123", kind="x", text="")
    assert set(info.value.message_dict) == {"building", "name", "phone", "kind", "text"}
    with pytest.raises(ValidationError) as info:
        actions.wish_submit(community=c.a.compound, name="张", phone=new_phone(), kind="material", text="t")
    assert "community" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        actions.wish_submit(community=c.a.area, name="张", phone=new_phone(), kind="material", text="t")
    assert "address" in info.value.message_dict  # neither building nor address


def test_submit_codes_are_short_unique_and_from_the_safe_alphabet(world):
    codes = {submit(world["city"].a).code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(code) == 10 and set(code) <= set(resident_actions.CODE_ALPHABET) for code in codes)


def test_rating_needs_the_phone_last_four_digits(world):
    wish = fulfilled(world["city"].a, world["member"])
    wrong = "0000" if wish.requester_phone[-4:] != "0000" else "1111"
    with pytest.raises(ValidationError) as info:
        actions.wish_rate(code=wish.code, phone_last4=wrong, rating="satisfied")
    assert "phone_last4" in info.value.message_dict
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.FULFILLED
    with pytest.raises(Http404):
        actions.wish_rate(code="NOSUCHCODE", phone_last4="1234", rating="satisfied")


def test_reject_and_cancel_need_a_reason(world):
    wish = submit(world["city"].a)
    with pytest.raises(ValidationError) as info:
        actions.wish_reject(actor=world["cadre"], wish=wish, reason=" ")
    assert "reason" in info.value.message_dict
    with pytest.raises(ValidationError):
        actions.wish_cancel(actor=world["cadre"], wish=wish, reason="")


def test_fulfil_checks_the_photo(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    wish = claimed(world["city"].a, world["member"])
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as info:
        actions.wish_fulfil(actor=world["member"], wish=wish, note="ok", photo=fake)
    assert "photo" in info.value.message_dict
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.CLAIMED


@requires_postgres("concurrent claims are serialized by a row lock")
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_exactly_one_wins():
    c = build_city(members_per_community=8)
    wish = published(c.a)
    users = [member_user(m, f"racer-{i}") for i, m in enumerate(c.a.members)]
    outcomes = race(lambda user: actions.wish_claim(actor=user, wish=wish), users)
    wins = outcomes.values
    refusals = [e for e in outcomes.errors if isinstance(e, errors.TransitionError)]
    others = [e for e in outcomes.errors if not isinstance(e, errors.TransitionError)]
    assert others == []
    assert len(wins) == 1 and len(refusals) == len(users) - 1
    assert all("已被认领" in r.messages[0] for r in refusals)
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED and wish.claimed_member_id == wins[0].claimed_member_id
    assert WishEvent.objects.filter(wish=wish, to_status=WishStatus.CLAIMED).count() == 1
