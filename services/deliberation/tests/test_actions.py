"""Each stage's transitions (lock, check, record), one support per phone, moderation, the
decision's rule, the work's link and its live progress, the ratings."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.models import AuditEvent
from services.deliberation import actions
from services.deliberation.choices import CommentStatus, TopicStatus
from services.deliberation.models import Topic, TopicEvent, TopicSupport
from services.deliberation.tests.helpers import accepted, decided, deliberating, phone, proposed
from services.requests import actions as request_actions
from services.requests.models import RequestCategory
from services.tests.factories import cadre

pytestmark = pytest.mark.django_db


def _statuses(topic):
    return list(TopicEvent.objects.filter(topic=topic).order_by("at", "id").values_list("to_status", flat=True))


def test_propose_then_accept_records_events_and_audit(city):
    topic = proposed(city.a)
    assert topic.status == TopicStatus.PROPOSED and len(topic.code) == 10
    topic = actions.topic_accept(actor=cadre(city.a), topic=topic, question="是否加装？", options=["加装", "不装"])
    assert topic.status == TopicStatus.ACCEPTED and topic.options.count() == 2
    assert _statuses(topic) == ["proposed", "accepted"]
    assert AuditEvent.objects.filter(verb="topic.accept").exists()
    with pytest.raises(TransitionError, match="已经立为议题"):
        actions.topic_accept(actor=cadre(city.a), topic=topic, question="x", options=["a", "b"])


def test_accept_needs_two_options(city):
    with pytest.raises(ValidationError) as exc:
        actions.topic_accept(actor=cadre(city.a), topic=proposed(city.a), question="q", options=["只有一个"])
    assert "options" in exc.value.message_dict


def test_out_of_scope_is_404_and_grid_role_may_not_screen(city):
    from organizations.grants.choices import Role
    from organizations.tests.factories import user_with

    topic = proposed(city.a)
    with pytest.raises(Http404):
        actions.topic_decline(actor=cadre(city.b), topic=topic, reason="x")
    with pytest.raises(PermissionDeniedError):
        actions.topic_decline(actor=user_with(Role.GRID, city.a.area), topic=topic, reason="x")


def test_decline_shows_reason_and_merge_points_to_target(city):
    topic = actions.topic_decline(actor=cadre(city.a), topic=proposed(city.a), reason="属于个人诉求，请走居民点单")
    assert topic.status == TopicStatus.DECLINED and topic.decline_reason
    target = accepted(city.a)
    merged = actions.topic_merge(actor=cadre(city.a), topic=proposed(city.a), into=target)
    assert merged.status == TopicStatus.MERGED and merged.merged_into_id == target.pk
    with pytest.raises(ValidationError):
        actions.topic_merge(actor=cadre(city.a), topic=proposed(city.a), into=topic)  # declined: not open


def test_one_support_per_phone(city):
    topic = accepted(city.a)
    p = phone()
    actions.topic_support(code=topic.code, phone=p)
    with pytest.raises(ValidationError, match="只能附议一次"):
        actions.topic_support(code=topic.code, phone=p)
    assert TopicSupport.objects.filter(topic=topic).count() == 1
    with pytest.raises(TransitionError, match="审核中"):
        actions.topic_support(code=proposed(city.a).code, phone=phone())


def test_support_unique_constraint_in_the_database(city):
    from django.db import IntegrityError, transaction

    topic = accepted(city.a)
    TopicSupport.objects.create(topic=topic, phone="13900000000")
    with pytest.raises(IntegrityError), transaction.atomic():
        TopicSupport.objects.create(topic=topic, phone="13900000000")


def test_comments_are_moderated(city):
    topic = accepted(city.a)
    comment = actions.topic_comment(code=topic.code, phone=phone(), text="建议装在东侧")
    assert comment.status == CommentStatus.PENDING
    with pytest.raises(Http404):
        actions.comment_show(actor=cadre(city.b), comment=comment)
    assert actions.comment_show(actor=cadre(city.a), comment=comment).status == CommentStatus.SHOWN
    assert actions.comment_hide(actor=cadre(city.a), comment=comment).status == CommentStatus.HIDDEN


def test_meeting_is_a_deliberation_activity(city):
    topic = deliberating(city.a)
    topic.refresh_from_db()
    meeting = topic.meetings.get()
    assert topic.status == TopicStatus.DELIBERATING
    assert meeting.activity.activity_type.code == "residents_deliberation" and meeting.activity.step == "discuss"
    assert meeting.activity.org == city.a.committee
    assert meeting.present == 3 and meeting.participants.count() == 4  # the property company does not vote


def test_decide_refused_without_quorum_and_on_tie(city):
    actor = cadre(city.a)
    topic = deliberating(city.a, actor, eligible=10, representatives=("甲", "乙", "丙", "丁"))
    first, second = topic.options.all()
    actions.meeting_vote(actor=actor, topic=topic, counts={first.pk: 4, second.pk: 0})
    with pytest.raises(TransitionError, match="未达到法定人数"):
        actions.topic_decide(actor=actor, topic=topic, reasons="r")
    topic = deliberating(city.a, actor, eligible=4, representatives=("甲", "乙", "丙", "丁"))
    first, second = topic.options.all()
    actions.meeting_vote(actor=actor, topic=topic, counts={first.pk: 2, second.pk: 2})
    with pytest.raises(TransitionError, match="票数相同"):
        actions.topic_decide(actor=actor, topic=topic, reasons="r")
    with pytest.raises(ValidationError, match="每人只能投一票"):
        actions.meeting_vote(actor=actor, topic=topic, counts={first.pk: 4, second.pk: 1})
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.DELIBERATING


def test_decision_becomes_a_request_whose_progress_is_read_live(city):
    actor = cadre(city.a)
    topic = decided(city.a, actor)
    assert topic.status == TopicStatus.DECIDED and topic.decided_option.label == "加装"
    category = RequestCategory.objects.filter(is_active=True).first()
    due = timezone.localdate() + timedelta(days=14)
    topic = actions.topic_start_work(actor=actor, topic=topic, kind="request", owner="物业王经理", due=due, category=category)
    assert topic.status == TopicStatus.IN_PROGRESS and topic.work_request_id
    with pytest.raises(TransitionError, match="尚未办结"):
        actions.topic_complete(actor=actor, topic=topic, note="装好了")
    req = topic.work_request
    member_user = city.a.members[0]
    from services.tests.factories import member_user as make_user

    user = make_user(member_user)
    request_actions.request_dispatch(actor=actor, request=req, member=member_user)
    request_actions.request_accept(actor=user, request=req)
    request_actions.request_resolve(actor=user, request=req, note="已装好4个充电桩")
    topic = actions.topic_complete(actor=actor, topic=topic, note="已装好4个充电桩")
    assert topic.status == TopicStatus.DONE


def test_project_kind_is_reserved(city):
    actor = cadre(city.a)
    topic = decided(city.a, actor)
    with pytest.raises(ValidationError, match="尚未开通"):
        actions.topic_start_work(actor=actor, topic=topic, kind="project", owner="x",
                                 due=timezone.localdate() + timedelta(days=3))


def _done(city, proposer_phone):
    actor = cadre(city.a)
    topic = decided(city.a, actor, proposer_phone=proposer_phone)
    Topic.objects.filter(pk=topic.pk).update(status=TopicStatus.DONE, done_at=timezone.now())  # work covered above
    return Topic.objects.get(pk=topic.pk)


def test_proposer_and_supporters_rate_once_each(city):
    topic = accepted(city.a, proposer_phone="13911112222")
    actions.topic_support(code=topic.code, phone="13933334444")
    Topic.objects.filter(pk=topic.pk).update(status=TopicStatus.DONE, done_at=timezone.now())
    with pytest.raises(ValidationError, match="都不一致"):
        actions.topic_rate(code=topic.code, phone_last4="0000", rating="satisfied")
    actions.topic_rate(code=topic.code, phone_last4="2222", rating="satisfied")
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.RATED
    with pytest.raises(ValidationError, match="已经评价过"):
        actions.topic_rate(code=topic.code, phone_last4="2222", rating="basic")
    actions.topic_rate(code=topic.code, phone_last4="4444", rating="unsatisfied")
    assert topic.ratings.count() == 2


def test_rating_refused_before_done(city):
    topic = decided(city.a)
    with pytest.raises(TransitionError, match="办结后"):
        actions.topic_rate(code=topic.code, phone_last4="1234", rating="satisfied")


def test_staff_enter_from_diary_needs_grid_rights(city):
    topic = actions.topic_enter(actor=cadre(city.a), community=city.a.area, title="楼道堆物", text="三单元楼道堆物")
    assert topic.source == "staff" and topic.status == TopicStatus.PROPOSED
    with pytest.raises(Http404):
        actions.topic_enter(actor=cadre(city.b), community=city.a.area, title="x", text="y")
