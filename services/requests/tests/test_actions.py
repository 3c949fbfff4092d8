"""The request state machine (点单-派单-接单-评单): every legal and illegal transition,
dispatch targets, assignees, service hours, volunteer teams, and the accept race on
PostgreSQL."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from dangjian.errors import PermissionDeniedError
from dangjian.models import AuditEvent
from dangjian.testing import race, requires_postgres
from organizations.grants.choices import Role
from organizations.tests.factories import MemberFactory, build_city, user_with
from services.ledger.models import ServiceRecord, ServiceSource
from services.requests import actions
from services.requests.choices import REQUEST_ACTIONS, AssigneeKind, RequestAction, RequestStatus
from services.requests.models import RequestEvent, ServiceRequest
from services.requests.tests.test_support import (
    accepted_by_member,
    cadre,
    category,
    dispatched_to_member,
    member_user,
    new_phone,
    order,
    resolved_by_member,
    team,
    worker,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    c = build_city()
    return {"city": c, "cadre": cadre(c.a, "rq-cadre-a"), "member": member_user(c.a.members[0], "rq-member-a")}


def _put_in(req, status, member_user_):
    """Force a request into ``status``, dispatched to the member (so assignee checks pass)."""
    ServiceRequest.objects.filter(pk=req.pk).update(
        status=status, assignee_kind=AssigneeKind.MEMBER, assigned_member=member_user_.member)
    req.refresh_from_db()
    return req


def _run(verb, req, w):
    phone = req.requester_phone
    calls = {
        RequestAction.DISPATCH: lambda: actions.request_dispatch(actor=w["cadre"], request=req,
                                                                 member=w["member"].member),
        RequestAction.DECLINE: lambda: actions.request_decline(actor=w["member"], request=req, reason="这周出差"),
        RequestAction.ACCEPT: lambda: actions.request_accept(actor=w["member"], request=req),
        RequestAction.RESOLVE: lambda: actions.request_resolve(actor=w["member"], request=req, note="已修好"),
        RequestAction.RATE: lambda: actions.request_rate(code=req.code, phone_last4=phone[-4:], rating="satisfied"),
        RequestAction.CANCEL: lambda: actions.request_cancel(actor=w["cadre"], request=req, reason="居民撤回"),
    }
    return calls[verb]()


@pytest.mark.parametrize("status", list(RequestStatus))
@pytest.mark.parametrize("verb", [v for v in RequestAction if v != RequestAction.SUBMIT])
def test_every_transition_is_allowed_exactly_by_the_table(world, verb, status):
    req = _put_in(order(world["city"].a), status, world["member"])
    starts, to_status = REQUEST_ACTIONS[verb]
    before = RequestEvent.objects.filter(request=req).count()
    if status in starts:
        assert _run(verb, req, world).status == to_status
        assert ServiceRequest.objects.get(pk=req.pk).status == to_status
        event = RequestEvent.objects.filter(request=req).latest("id")
        assert (event.from_status, event.to_status) == (status, to_status)
        assert AuditEvent.objects.filter(verb=f"request.{verb}", target_id=str(req.pk)).count() == 1
    else:
        with pytest.raises(actions.TransitionError) as info:
            _run(verb, req, world)
        message = info.value.messages[0]
        assert message.startswith(("该诉求", "诉求办结后", "请先接单", "已接单的诉求")), message
        assert ServiceRequest.objects.get(pk=req.pk).status == status
        assert RequestEvent.objects.filter(request=req).count() == before


def test_the_whole_path_records_events_credits_hours_and_can_be_rated(world):
    c = world["city"]
    req = resolved_by_member(c.a, world["member"])
    actions.request_rate(code=req.code.lower(), phone_last4=req.requester_phone[-4:], rating="basic", comment="及时")
    req.refresh_from_db()
    assert req.status == RequestStatus.RATED and req.rating == "basic" and req.rating_comment == "及时"
    assert req.dispatched_at and req.accepted_at and req.resolved_at and req.rated_at
    assert req.accepted_by == world["member"] and req.dispatched_by is not None
    steps = list(RequestEvent.objects.filter(request=req).values_list("to_status", flat=True))
    assert steps == ["submitted", "dispatched", "accepted", "resolved", "rated"]
    record = ServiceRecord.objects.get(source=ServiceSource.REQUEST, source_id=req.pk)
    assert record.member == c.a.members[0] and record.hours == Decimal("1.0")


def test_submit_computes_due_times_from_the_category(world):
    req = order(world["city"].a, code="utilities")
    assert req.status == RequestStatus.SUBMITTED and len(req.code) == 10
    assert req.response_due - req.created_at == timedelta(hours=2)
    assert req.resolve_due - req.created_at == timedelta(days=1)
    assert RequestEvent.objects.filter(request=req, to_status=RequestStatus.SUBMITTED).count() == 1


def test_submit_validates_fields(world):
    c = world["city"]
    with pytest.raises(ValidationError) as info:
        actions.request_submit(community=c.a.area, building=c.b.building, category=None, name="", phone="12", text="")
    assert set(info.value.message_dict) == {"building", "category", "name", "phone", "text"}
    with pytest.raises(ValidationError) as info:
        actions.request_submit(community=c.a.compound, category=category(), name="张", phone=new_phone(), text="t")
    assert "community" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        actions.request_submit(community=c.a.area, category=category(), name="张", phone=new_phone(), text="t")
    assert "address" in info.value.message_dict
    retired = category("complex")
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError) as info:
        order(c.a, code="complex")
    assert "category" in info.value.message_dict
    assert not ServiceRequest.objects.exists()


def test_dispatch_targets_must_belong_to_the_community(world):
    c = world["city"]
    req = order(c.a)
    outsider = member_user(c.b.members[0], "rq-member-b")
    with pytest.raises(ValidationError, match="不在本社区"):
        actions.request_dispatch(actor=world["cadre"], request=req, member=outsider.member)
    no_account = MemberFactory(name="无账号党员", organization=c.a.branch, residence=c.a.building)
    with pytest.raises(ValidationError, match="没有登录账号"):
        actions.request_dispatch(actor=world["cadre"], request=req, member=no_account)
    with pytest.raises(ValidationError, match="不属于本社区"):
        actions.request_dispatch(actor=world["cadre"], request=req, worker=worker(c.b))
    with pytest.raises(ValidationError, match="不属于本社区"):
        actions.request_dispatch(actor=world["cadre"], request=req, team=team(c.b, []))
    with pytest.raises(ValidationError, match="只选一个"):
        actions.request_dispatch(actor=world["cadre"], request=req)
    with pytest.raises(ValidationError, match="只选一个"):
        actions.request_dispatch(actor=world["cadre"], request=req, member=world["member"].member, team=team(c.a, []))
    assert ServiceRequest.objects.get(pk=req.pk).status == RequestStatus.SUBMITTED


def test_redispatch_before_acceptance_moves_the_task_and_not_after(world):
    c = world["city"]
    first = world["member"]
    req = dispatched_to_member(c.a, first, by=world["cadre"])
    second = member_user(c.a.members[1], "rq-member-a2")
    req = actions.request_dispatch(actor=world["cadre"], request=req, member=second.member)
    assert req.status == RequestStatus.DISPATCHED and req.assigned_member == c.a.members[1]
    with pytest.raises(Http404):  # the first member no longer sees it
        actions.request_accept(actor=first, request=req)
    actions.request_accept(actor=second, request=req)
    with pytest.raises(actions.TransitionError, match="已被接单，不能再改派"):
        actions.request_dispatch(actor=world["cadre"], request=req, member=first.member)


def test_decline_hands_it_back_with_a_reason(world):
    c = world["city"]
    req = dispatched_to_member(c.a, world["member"])
    with pytest.raises(ValidationError) as info:
        actions.request_decline(actor=world["member"], request=req, reason=" ")
    assert "reason" in info.value.message_dict
    req = actions.request_decline(actor=world["member"], request=req, reason="本周不在本市")
    assert req.status == RequestStatus.SUBMITTED and req.assignee_kind == "" and req.assigned_member_id is None
    assert RequestEvent.objects.filter(request=req).latest("id").note == "本周不在本市"


def test_only_the_assignee_accepts_and_resolves(world):
    c = world["city"]
    req = dispatched_to_member(c.a, world["member"])
    with pytest.raises(PermissionDeniedError):  # the cadre sees it but is not the assignee
        actions.request_accept(actor=world["cadre"], request=req)
    other = member_user(c.a.members[1], "rq-member-a2")
    with pytest.raises(Http404):
        actions.request_accept(actor=other, request=req)
    actions.request_accept(actor=world["member"], request=req)
    with pytest.raises(PermissionDeniedError):
        actions.request_resolve(actor=world["cadre"], request=req, note="x")
    with pytest.raises(ValidationError) as info:
        actions.request_resolve(actor=world["member"], request=req, note="")
    assert "note" in info.value.message_dict
    assert ServiceRequest.objects.get(pk=req.pk).status == RequestStatus.ACCEPTED


def test_a_volunteer_team_member_accepts_and_the_resolver_gets_the_hours(world):
    c = world["city"]
    leader = member_user(c.a.members[1], "rq-leader")
    volunteers = team(c.a, [c.a.members[0]], leader=c.a.members[1], name="红马甲志愿服务队")
    req = actions.request_dispatch(actor=world["cadre"], request=order(c.a), team=volunteers)
    assert req.assignee_kind == AssigneeKind.TEAM
    actions.request_accept(actor=world["member"], request=req)  # a team member
    actions.request_resolve(actor=leader, request=req, note="队长带队修好了")  # the leader
    record = ServiceRecord.objects.get(source=ServiceSource.REQUEST, source_id=req.pk)
    assert record.member == c.a.members[1]


def test_a_grid_worker_accepts_and_resolves_without_service_hours(world):
    c = world["city"]
    w = worker(c.a, username="rq-worker")
    req = actions.request_dispatch(actor=world["cadre"], request=order(c.a), worker=w)
    actions.request_accept(actor=w.user, request=req)
    req = actions.request_resolve(actor=w.user, request=req, note="已联系物业维修")
    assert req.status == RequestStatus.RESOLVED and req.accepted_by == w.user
    assert not ServiceRecord.objects.filter(source=ServiceSource.REQUEST).exists()


def test_dispatch_and_cancel_need_a_managing_role_over_the_community(world):
    c = world["city"]
    req = order(c.a)
    with pytest.raises(Http404):
        actions.request_cancel(actor=cadre(c.b, "rq-cadre-b"), request=req, reason="x")
    grid = user_with(Role.GRID, c.a.area, "rq-grid-a")
    with pytest.raises(PermissionDeniedError):
        actions.request_dispatch(actor=grid, request=req, member=world["member"].member)
    with pytest.raises(Http404):
        actions.request_cancel(actor=world["member"], request=req, reason="x")
    with pytest.raises(ValidationError):
        actions.request_cancel(actor=world["cadre"], request=req, reason="")
    street = user_with(Role.STREET, c.street, "rq-street")
    assert actions.request_cancel(actor=street, request=req, reason="重复提交").status == RequestStatus.CANCELLED


def test_rating_needs_the_phone_last_four_digits(world):
    req = resolved_by_member(world["city"].a, world["member"])
    wrong = "0000" if req.requester_phone[-4:] != "0000" else "1111"
    with pytest.raises(ValidationError) as info:
        actions.request_rate(code=req.code, phone_last4=wrong, rating="satisfied")
    assert "phone_last4" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        actions.request_rate(code=req.code, phone_last4=req.requester_phone[-4:], rating="great")
    assert "rating" in info.value.message_dict
    with pytest.raises(Http404):
        actions.request_rate(code="NOSUCHCODE", phone_last4="1234", rating="satisfied")
    assert ServiceRequest.objects.get(pk=req.pk).status == RequestStatus.RESOLVED


def test_accepting_twice_is_a_clear_refusal(world):
    req = accepted_by_member(world["city"].a, world["member"])
    with pytest.raises(actions.TransitionError, match="已被接单，不能重复接单"):
        actions.request_accept(actor=world["member"], request=req)


# ------------------------------------------------------------------------------ teams
def test_volunteer_team_save_creates_updates_and_checks_people(world):
    c = world["city"]
    t = actions.volunteer_team_save(actor=world["cadre"], community=c.a.area, name="红马甲", leader=c.a.members[0],
                                    members=[c.a.members[1]])
    assert set(t.members.all()) == {c.a.members[0], c.a.members[1]}  # the leader is a member too
    t = actions.volunteer_team_save(actor=world["cadre"], community=None, team=t, name="红马甲服务队",
                                    leader=None, members=[c.a.members[1]], is_active=False)
    assert t.name == "红马甲服务队" and not t.is_active and t.leader is None
    with pytest.raises(ValidationError) as info:
        actions.volunteer_team_save(actor=world["cadre"], community=c.a.area, name="红马甲服务队")
    assert "name" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        actions.volunteer_team_save(actor=world["cadre"], community=c.a.area, name="新队", members=[c.b.members[0]])
    assert "members" in info.value.message_dict
    with pytest.raises(Http404):
        actions.volunteer_team_save(actor=cadre(c.b, "rq-cadre-b"), community=None, team=t, name="x")
    with pytest.raises(PermissionDeniedError):
        actions.volunteer_team_save(actor=user_with(Role.GRID, c.a.area, "rq-grid"), community=c.a.area, name="y")


# ------------------------------------------------------------------------------- race
@requires_postgres("concurrent accepts are serialized by a row lock")
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_exactly_one_wins():
    c = build_city(members_per_community=8)
    users = [member_user(m, f"rq-racer-{i}") for i, m in enumerate(c.a.members)]
    volunteers = team(c.a, c.a.members, name="抢单测试队")
    req = actions.request_dispatch(actor=cadre(c.a, "rq-race-cadre"), request=order(c.a), team=volunteers)
    outcomes = race(lambda user: actions.request_accept(actor=user, request=req), users)
    wins = outcomes.values
    refusals = [e for e in outcomes.errors if isinstance(e, actions.TransitionError)]
    others = [e for e in outcomes.errors if not isinstance(e, actions.TransitionError)]
    assert others == []
    assert len(wins) == 1 and len(refusals) == len(users) - 1
    assert all("已被接单" in r.messages[0] for r in refusals)
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED and req.accepted_by_id == wins[0].accepted_by_id
    assert RequestEvent.objects.filter(request=req, to_status=RequestStatus.ACCEPTED).count() == 1
