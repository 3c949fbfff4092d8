"""Escalation of overdue whistles: the rules, idempotence (twice, concurrently), the task
through a real broker and worker."""
from datetime import timedelta

import pytest
from django.utils import timezone

from dangjian.models import AuditEvent
from dangjian.testing import race, requires_postgres, wait_until
from services.whistles import actions as whistle_actions
from services.whistles.choices import EscalationStage, TargetStatus, WhistleStatus
from services.whistles.models import Whistle, WhistleEvent, WhistleTarget
from services.whistles.tasks import escalate_overdue_whistles
from services.whistles.tests.test_support import build_world, target_of, whistle

LATER = timedelta(hours=25)  # past the default report deadline (24 h), before the resolve one (7 days)
MUCH_LATER = timedelta(days=8)  # past both


def _escalations(wh):
    return list(WhistleEvent.objects.filter(whistle=wh, to_status=whistle_actions.ESCALATED).order_by("pk").values_list("note", flat=True))


def _snapshot():
    whistles = list(Whistle.objects.order_by("pk").values_list("pk", "status", "escalated_to_id", "escalation_level"))
    targets = list(WhistleTarget.objects.order_by("pk").values_list("pk", "status", "escalation_stage", "escalated_at"))
    return whistles, targets, WhistleEvent.objects.count(), AuditEvent.objects.count()


@pytest.mark.django_db
def test_late_report_escalates_to_the_street_once():
    w = build_world()
    wh = whistle(w)
    assert whistle_actions.whistle_escalate_overdue(now=timezone.now() + timedelta(hours=23)) == 0  # not yet late
    now = timezone.now() + LATER
    assert whistle_actions.whistle_escalate_overdue(now=now) == 1
    wh.refresh_from_db()
    t = target_of(wh, w.housing)
    assert wh.escalated_to == w.c.street and wh.escalation_level == 1
    assert t.escalation_stage == EscalationStage.REPORT_OVERDUE and t.escalated_at == now
    assert _escalations(wh) == ["逾期未报到（住建局），升级至兴东街道"]
    # idempotent: running again changes no row and writes no event
    before = _snapshot()
    assert whistle_actions.whistle_escalate_overdue(now=now) == 0
    assert whistle_actions.whistle_escalate_overdue(now=now + timedelta(hours=1)) == 0
    assert _snapshot() == before


@pytest.mark.django_db
def test_late_resolution_escalates_one_level_further():
    w = build_world()
    wh = whistle(w)
    whistle_actions.whistle_escalate_overdue(now=timezone.now() + LATER)
    whistle_actions.whistle_report_in(actor=w.housing_user, target=target_of(wh, w.housing))  # reported late
    assert whistle_actions.whistle_escalate_overdue(now=timezone.now() + LATER) == 0  # reporting late is not a new stage
    assert whistle_actions.whistle_escalate_overdue(now=timezone.now() + MUCH_LATER) == 1
    wh.refresh_from_db()
    assert wh.escalated_to == w.c.district and wh.escalation_level == 2
    assert target_of(wh, w.housing).escalation_stage == EscalationStage.RESOLVE_OVERDUE
    assert _escalations(wh)[-1] == "逾期未办结（住建局），升级至元宝区"


@pytest.mark.django_db
def test_never_reported_and_past_both_deadlines_takes_both_steps():
    w = build_world()
    wh = whistle(w)
    assert whistle_actions.whistle_escalate_overdue(now=timezone.now() + MUCH_LATER) == 2
    wh.refresh_from_db()
    assert wh.escalated_to == w.c.district and wh.escalation_level == 2
    assert _escalations(wh) == ["逾期未报到（住建局），升级至兴东街道", "逾期未办结（住建局），升级至元宝区"]


@pytest.mark.django_db
def test_reported_in_time_but_unresolved_escalates_once():
    w = build_world()
    wh = whistle(w)
    whistle_actions.whistle_report_in(actor=w.housing_user, target=target_of(wh, w.housing))
    assert whistle_actions.whistle_escalate_overdue(now=timezone.now() + MUCH_LATER) == 1
    wh.refresh_from_db()
    assert wh.escalated_to == w.c.street and wh.escalation_level == 1
    assert _escalations(wh) == ["逾期未办结（住建局），升级至兴东街道"]


@pytest.mark.django_db
def test_several_late_units_escalate_the_whistle_once_per_stage():
    w = build_world()
    wh = whistle(w, departments=[w.housing, w.urban], units=[w.unit_a])
    whistle_actions.whistle_report_in(actor=w.unit_a_user, target=target_of(wh, w.unit_a))
    assert whistle_actions.whistle_escalate_overdue(now=timezone.now() + LATER) == 1
    wh.refresh_from_db()
    assert wh.escalation_level == 1
    assert _escalations(wh) == ["逾期未报到（住建局、城管局），升级至兴东街道"]
    assert target_of(wh, w.unit_a).escalation_stage == EscalationStage.NONE


@pytest.mark.django_db
def test_answered_cancelled_and_closed_whistles_are_left_alone():
    w = build_world()
    answered = whistle(w)
    t = target_of(answered, w.housing)
    whistle_actions.whistle_report_in(actor=w.housing_user, target=t)
    whistle_actions.whistle_resolve(actor=w.housing_user, target=t, answer="已处理")  # awaiting the whistler's confirmation
    cancelled = whistle_actions.whistle_cancel(actor=w.cadre_a, whistle=whistle(w), reason="居民已自行解决")
    assert whistle_actions.whistle_escalate_overdue(now=timezone.now() + MUCH_LATER) == 0
    for wh in (answered, cancelled):
        wh.refresh_from_db()
        assert wh.escalation_level == 0 and wh.escalated_to is None
    # sent back after the deadline: it is late again
    whistle_actions.whistle_reopen(actor=w.cadre_a, target=t, reason="仍未解决")
    assert whistle_actions.whistle_escalate_overdue(now=timezone.now() + MUCH_LATER) == 1
    answered.refresh_from_db()
    assert answered.escalated_to == w.c.street and answered.status == WhistleStatus.OPEN


@pytest.mark.django_db
def test_escalation_from_the_street_climbs_from_where_it_is():
    w = build_world()
    wh = whistle(w, actor=w.street_cadre, area=w.c.street, departments=[w.urban])
    assert whistle_actions.whistle_escalate_overdue(now=timezone.now() + MUCH_LATER) == 2
    wh.refresh_from_db()
    assert wh.escalated_to == w.c.city and wh.escalation_level == 2  # street → district → city
    # at the top, a further stage cannot climb but is still counted
    wh2 = whistle(w, actor=w.street_cadre, area=w.c.street, departments=[w.power])
    Whistle.objects.filter(pk=wh2.pk).update(escalated_to=w.c.district)
    assert whistle_actions.whistle_escalate_overdue(now=timezone.now() + MUCH_LATER) == 2
    wh2.refresh_from_db()
    assert wh2.escalated_to == w.c.city and wh2.escalation_level == 2


@pytest.mark.django_db
def test_escalated_whistle_is_visible_to_the_cadres_it_went_to():
    w = build_world()
    wh = whistle(w)
    from organizations.grants.choices import Role
    from organizations.tests.factories import build_city, user_with

    other_district = user_with(Role.DISTRICT, build_city().district)
    assert not Whistle.objects.visible_to(other_district).filter(pk=wh.pk).exists()
    whistle_actions.whistle_escalate_overdue(now=timezone.now() + MUCH_LATER)
    assert Whistle.objects.visible_to(w.district_cadre).filter(pk=wh.pk).exists()


@pytest.mark.django_db
def test_task_runs_the_escalation(settings):
    w = build_world()
    wh = whistle(w, report_due=timezone.now() + timedelta(seconds=1))
    Whistle.objects.filter(pk=wh.pk).update(report_due=timezone.now() - timedelta(minutes=5))
    assert escalate_overdue_whistles.delay().get() == 1  # eager in the test settings
    assert escalate_overdue_whistles.delay().get() == 0
    wh.refresh_from_db()
    assert wh.escalation_level == 1 and target_of(wh, w.housing).status == TargetStatus.NOTIFIED


@requires_postgres("concurrent runs are kept apart by row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_escalate_once():
    w = build_world()
    whistles = [whistle(w, title=f"事项{i}") for i in range(6)]
    now = timezone.now() + MUCH_LATER
    outcomes = race(lambda: whistle_actions.whistle_escalate_overdue(now=now, batch=2), [()] * 4)
    assert outcomes.errors == []
    assert sum(outcomes.values) == 2 * len(whistles)
    for wh in whistles:
        wh.refresh_from_db()
        assert wh.escalation_level == 2 and wh.escalated_to == w.c.district
        assert len(_escalations(wh)) == 2


def test_task_through_the_broker_twice_escalates_once(live_worker):
    from organizations.accounts.models import LoginAttempt
    from organizations.accounts.tasks import purge_login_attempts

    w = build_world()
    wh = whistle(w)
    Whistle.objects.filter(pk=wh.pk).update(report_due=timezone.now() - timedelta(minutes=5))

    first = escalate_overdue_whistles.delay()
    second = escalate_overdue_whistles.delay()
    assert first.id and second.id  # sent, not run eagerly
    assert wait_until(lambda: Whistle.objects.filter(pk=wh.pk, escalation_level__gte=1).exists())
    # one worker takes tasks in order: once a marker task sent after both has run, both have
    marker = LoginAttempt.objects.create(username="marker", succeeded=False)
    LoginAttempt.objects.filter(pk=marker.pk).update(at=timezone.now() - timedelta(days=40))
    purge_login_attempts.delay(30)
    assert wait_until(lambda: not LoginAttempt.objects.filter(pk=marker.pk).exists())
    wh.refresh_from_db()
    assert wh.escalation_level == 1 and wh.escalated_to == w.c.street
    assert len(_escalations(wh)) == 1
