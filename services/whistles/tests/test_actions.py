"""Whistle actions: who may whistle and to whom, the target state machine, the whistle's
status following its targets, events and audit, departments and their accounts."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.models import AuditEvent
from dangjian.testing import race, requires_postgres
from grids.diary.choices import DiaryKind, DiaryStatus
from grids.tests.factories import DiaryEntryFactory, grid_over
from organizations.grants.choices import Role
from organizations.tests.factories import user_with
from services.requests.models import RequestCategory, ServiceRequest
from services.resident.choices import Satisfaction
from services.whistles import actions as whistle_actions
from services.whistles.choices import TargetStatus, WhistleSource, WhistleStatus
from services.whistles.models import Responder, Whistle, WhistleEvent
from services.whistles.tests.test_support import build_world, in_hours, responder, target_of, whistle

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


# ---------------------------------------------------------------------------- create
def test_community_cadre_whistles_to_a_district_department_and_a_unit(w):
    before = timezone.now()
    wh = whistle(w, departments=[w.housing, w.power], units=[w.unit_a])
    assert wh.status == WhistleStatus.OPEN and wh.code.startswith("CS") and wh.area == w.c.a.area
    assert wh.created_by == w.cadre_a and wh.source == WhistleSource.NEW
    # default deadlines: 24 hours to report in, 7 days to resolve
    assert timedelta(hours=23, minutes=59) < wh.report_due - before <= timedelta(hours=24, seconds=5)
    assert timedelta(days=6, hours=23) < wh.resolve_due - before <= timedelta(days=7, seconds=5)
    targets = list(wh.targets.order_by("pk"))
    assert {str(t.party) for t in targets} == {"住建局", "供电所", w.unit_a.name}
    assert all(t.status == TargetStatus.NOTIFIED for t in targets)
    events = list(WhistleEvent.objects.filter(whistle=wh))
    assert len(events) == 4 and "住建局" in events[0].note
    assert AuditEvent.objects.filter(verb="whistle.create", target_id=str(wh.pk)).exists()


def test_street_cadre_whistles_from_the_street(w):
    wh = whistle(w, actor=w.street_cadre, area=w.c.street, departments=[w.urban], units=[w.unit_b])
    assert wh.area == w.c.street and wh.targets.count() == 2


def test_only_managers_of_the_area_may_whistle(w):
    member = user_with(Role.MEMBER, w.c.a.area)
    with pytest.raises(PermissionDeniedError):
        whistle(w, actor=member)
    grid_worker = user_with(Role.GRID, w.c.a.area)
    with pytest.raises(PermissionDeniedError):
        whistle(w, actor=grid_worker)
    with pytest.raises(Http404):  # community b's cadre does not see community a
        whistle(w, actor=w.cadre_b)
    with pytest.raises(Http404):  # a department's account manages no area
        whistle(w, actor=w.housing_user)
    assert not Whistle.objects.exists()


def test_whistle_needs_a_street_or_community_and_valid_targets(w):
    with pytest.raises(ValidationError) as exc:
        whistle(w, area=w.c.a.compound)
    assert "只有街道或社区可以吹哨" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        whistle(w, departments=[], units=[])
    assert "至少选择一个" in exc.value.message_dict["departments"][0]
    with pytest.raises(ValidationError) as exc:
        whistle(w, units=[w.unit_b])  # community b's unit, whistled from community a
    assert "不在本区域内" in exc.value.message_dict["units"][0]
    w.urban.is_active = False
    w.urban.save()
    with pytest.raises(ValidationError) as exc:
        whistle(w, departments=[w.urban])
    assert "城管局" in exc.value.message_dict["departments"][0]
    other_district = build_world().housing
    with pytest.raises(ValidationError) as exc:  # another district's department is not offered
        whistle(w, departments=[other_district])
    assert "departments" in exc.value.message_dict
    assert not Whistle.objects.filter(area=w.c.a.area).exists()


def test_deadlines_must_be_in_the_future_and_ordered(w):
    with pytest.raises(ValidationError) as exc:
        whistle(w, report_due=in_hours(-1))
    assert "报到截止时间必须晚于现在" in exc.value.message_dict["report_due"][0]
    with pytest.raises(ValidationError) as exc:
        whistle(w, report_due=in_hours(48), resolve_due=in_hours(24))
    assert "不能早于报到截止时间" in exc.value.message_dict["resolve_due"][0]
    with pytest.raises(ValidationError) as exc:
        whistle(w, title="", description="")
    assert {"title", "description"} <= exc.value.message_dict.keys()
    due = in_hours(2)
    wh = whistle(w, report_due=due, resolve_due=due)
    assert wh.report_due == wh.resolve_due == due


def test_whistle_from_a_diary_problem_converts_it(w):
    grid = grid_over(w.c.a.area, w.c.a.compound)
    entry = DiaryEntryFactory(grid=grid, kind=DiaryKind.PROBLEM, category="facility", status=DiaryStatus.OPEN,
                              text="路灯损坏")
    wh = whistle(w, diary=entry)
    entry.refresh_from_db()
    assert wh.source == WhistleSource.DIARY and wh.source_id == entry.pk
    assert entry.status == DiaryStatus.CONVERTED and entry.converted_to == "whistle" and entry.converted_id == wh.pk
    # converted once: a second whistle from it is refused and nothing is stored
    with pytest.raises(ValidationError) as exc:
        whistle(w, diary=entry)
    assert "diary" in exc.value.message_dict
    assert Whistle.objects.count() == 1


def test_whistle_from_a_resident_request_once(w):
    category = RequestCategory.objects.order_by("pk").first()
    now = timezone.now()
    req = ServiceRequest.objects.create(
        code="RQTEST0001", community=w.c.a.area, requester_name="王秀兰", requester_phone="13800000001",
        category=category, text="楼道漏水", response_due=now + timedelta(hours=2), resolve_due=now + timedelta(days=1),
    )
    wh = whistle(w, request=req)
    assert wh.source == WhistleSource.REQUEST and wh.source_id == req.pk
    with pytest.raises(ValidationError) as exc:
        whistle(w, request=req)
    assert "已经吹哨" in exc.value.message_dict["request"][0]
    with pytest.raises(Http404):  # community b's cadre cannot even see the request
        whistle(w, actor=w.cadre_b, area=w.c.b.area, request=req)


# ------------------------------------------------------------------- target actions
def test_full_path_report_resolve_confirm_closes_the_whistle(w):
    wh = whistle(w)
    t = target_of(wh, w.housing)
    t = whistle_actions.whistle_report_in(actor=w.housing_user, target=t)
    assert t.status == TargetStatus.REPORTED and t.reported_by == w.housing_user and t.reported_at
    t = whistle_actions.whistle_resolve(actor=w.housing_user, target=t, answer="已疏通管网并更换井盖")
    assert t.status == TargetStatus.RESOLVED and t.answer == "已疏通管网并更换井盖"
    wh.refresh_from_db()
    assert wh.status == WhistleStatus.AWAITING
    t = whistle_actions.whistle_confirm(actor=w.cadre_a, target=t, satisfaction=Satisfaction.BASIC, note="基本解决")
    assert t.status == TargetStatus.CONFIRMED and t.satisfaction == "basic" and t.confirmed_at
    wh.refresh_from_db()
    assert wh.status == WhistleStatus.CLOSED and wh.closed_at is not None
    steps = list(WhistleEvent.objects.filter(whistle=wh).values_list("to_status", flat=True))
    assert steps == ["open", "notified", "reported", "resolved", "awaiting", "confirmed", "closed"]
    verbs = set(AuditEvent.objects.filter(target_type="services.whistletarget").values_list("verb", flat=True))
    assert verbs == {"whistle.report", "whistle.resolve", "whistle.confirm"}


def test_whistle_status_follows_several_targets_and_reopen(w):
    wh = whistle(w, departments=[w.housing], units=[w.unit_a])
    th, tu = target_of(wh, w.housing), target_of(wh, w.unit_a)
    whistle_actions.whistle_report_in(actor=w.housing_user, target=th)
    whistle_actions.whistle_resolve(actor=w.housing_user, target=th, answer="已处理")
    wh.refresh_from_db()
    assert wh.status == WhistleStatus.OPEN  # the unit has not answered yet
    whistle_actions.whistle_report_in(actor=w.unit_a_user, target=tu)
    whistle_actions.whistle_resolve(actor=w.unit_a_user, target=tu, answer="已配合")
    wh.refresh_from_db()
    assert wh.status == WhistleStatus.AWAITING
    tu = whistle_actions.whistle_reopen(actor=w.cadre_a, target=tu, reason="居民反映仍有积水")
    assert tu.status == TargetStatus.REOPENED and tu.reopen_count == 1 and tu.resolved_at is None
    wh.refresh_from_db()
    assert wh.status == WhistleStatus.OPEN
    whistle_actions.whistle_resolve(actor=w.unit_a_user, target=tu, answer="再次清理")
    whistle_actions.whistle_confirm(actor=w.street_cadre, target=th, satisfaction=Satisfaction.SATISFIED)  # the street is above
    wh.refresh_from_db()
    assert wh.status == WhistleStatus.AWAITING and wh.closed_at is None
    whistle_actions.whistle_confirm(actor=w.cadre_a, target=tu, satisfaction=Satisfaction.SATISFIED)
    wh.refresh_from_db()
    assert wh.status == WhistleStatus.CLOSED


def test_refused_transitions_have_clear_messages(w):
    wh = whistle(w)
    t = target_of(wh, w.housing)
    with pytest.raises(TransitionError) as exc:
        whistle_actions.whistle_resolve(actor=w.housing_user, target=t, answer="好了")
    assert "请先报到" in exc.value.messages[0]
    whistle_actions.whistle_report_in(actor=w.housing_user, target=t)
    with pytest.raises(TransitionError) as exc:
        whistle_actions.whistle_report_in(actor=w.housing_user, target=t)
    assert "已经报到过了" in exc.value.messages[0]
    with pytest.raises(TransitionError):
        whistle_actions.whistle_confirm(actor=w.cadre_a, target=t, satisfaction="satisfied")
    t.refresh_from_db()
    assert t.status == TargetStatus.REPORTED


def test_only_the_named_party_reports_and_only_the_whistler_confirms(w):
    wh = whistle(w, departments=[w.housing, w.urban])
    th = target_of(wh, w.housing)
    with pytest.raises(PermissionDeniedError):  # 城管局 sees the whistle but answers for itself only
        whistle_actions.whistle_report_in(actor=w.urban_user, target=th)
    with pytest.raises(PermissionDeniedError):  # the cadre whistles, it does not report in
        whistle_actions.whistle_report_in(actor=w.cadre_a, target=th)
    with pytest.raises(Http404):
        whistle_actions.whistle_report_in(actor=w.unit_a_user, target=th)  # not named: does not see the whistle
    whistle_actions.whistle_report_in(actor=w.housing_user, target=th)
    whistle_actions.whistle_resolve(actor=w.housing_user, target=th, answer="已处理")
    with pytest.raises(PermissionDeniedError):
        whistle_actions.whistle_confirm(actor=w.housing_user, target=th, satisfaction="satisfied")
    with pytest.raises(Http404):
        whistle_actions.whistle_confirm(actor=w.cadre_b, target=th, satisfaction="satisfied")
    with pytest.raises(ValidationError) as exc:
        whistle_actions.whistle_confirm(actor=w.cadre_a, target=th, satisfaction="great")
    assert "satisfaction" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        whistle_actions.whistle_reopen(actor=w.cadre_a, target=th, reason=" ")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        whistle_actions.whistle_resolve(actor=w.housing_user, target=th, answer="")


def test_cancel_stops_the_whistle(w):
    wh = whistle(w)
    t = target_of(wh, w.housing)
    with pytest.raises(PermissionDeniedError):
        whistle_actions.whistle_cancel(actor=w.housing_user, whistle=wh, reason="不归我们管")
    wh = whistle_actions.whistle_cancel(actor=w.cadre_a, whistle=wh, reason="居民已自行解决")
    assert wh.status == WhistleStatus.CANCELLED
    with pytest.raises(TransitionError) as exc:
        whistle_actions.whistle_report_in(actor=w.housing_user, target=t)
    assert "已撤销" in exc.value.messages[0]
    with pytest.raises(TransitionError) as exc:
        whistle_actions.whistle_cancel(actor=w.cadre_a, whistle=wh, reason="再撤销")
    assert "已经撤销" in exc.value.messages[0]


@requires_postgres("concurrent reports are serialized by row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_report_in_exactly_one_wins():
    w = build_world()
    wh = whistle(w)
    t = target_of(wh, w.housing)
    users = [w.housing_user] + [responder(w.housing, username=f"racer-{i}") for i in range(5)]
    outcomes = race(lambda user: whistle_actions.whistle_report_in(actor=user, target=t), users)
    wins = outcomes.values
    refusals = [e for e in outcomes.errors if isinstance(e, TransitionError)]
    others = [e for e in outcomes.errors if not isinstance(e, TransitionError)]
    assert others == []
    assert len(wins) == 1 and len(refusals) == len(users) - 1
    assert WhistleEvent.objects.filter(target=t, to_status=TargetStatus.REPORTED).count() == 1


# ----------------------------------------------------------------------- departments
def test_district_cadre_manages_departments_and_accounts(w):
    dept = whistle_actions.department_save(actor=w.district_cadre, area=w.c.district, name="市场监管局", phone="12315")
    assert dept.pk and dept.area == w.c.district
    with pytest.raises(ValidationError) as exc:
        whistle_actions.department_save(actor=w.district_cadre, area=w.c.district, name="市场监管局")
    assert "同名" in exc.value.message_dict["name"][0]
    with pytest.raises(ValidationError):
        whistle_actions.department_save(actor=w.district_cadre, area=w.c.a.area, name="社区部门")
    with pytest.raises(PermissionDeniedError):
        whistle_actions.department_save(actor=w.street_cadre, area=w.c.street, name="街道城管科")
    dept = whistle_actions.department_save(actor=w.district_cadre, department=dept, area=w.c.district, name="区市场监管局",
                              is_active=False)
    assert dept.name == "区市场监管局" and not dept.is_active

    r = whistle_actions.responder_add(actor=w.district_cadre, department=w.urban, username="chengguan2", full_name="城管值班",
                         password="long-enough-1")
    assert r.user.check_password("long-enough-1") and r.department == w.urban
    with pytest.raises(ValidationError):
        whistle_actions.responder_add(actor=w.district_cadre, department=w.urban, username="chengguan2")
    with pytest.raises(ValidationError) as exc:
        whistle_actions.responder_add(actor=w.district_cadre, department=w.urban, username="nopassword")
    assert "password" in exc.value.message_dict
    with pytest.raises(PermissionDeniedError):
        whistle_actions.responder_add(actor=w.street_cadre, department=w.urban, username="x1", password="long-enough-1")
    # a community cadre gives its resident unit an account
    r2 = whistle_actions.responder_add(actor=w.cadre_a, unit=w.unit_a, username="weishengyuan", password="long-enough-2")
    assert r2.unit == w.unit_a
    with pytest.raises(Http404):
        whistle_actions.responder_add(actor=w.cadre_b, unit=w.unit_a, username="x2", password="long-enough-1")
    whistle_actions.responder_remove(actor=w.district_cadre, responder=r)
    assert not Responder.objects.filter(pk=r.pk).exists()
