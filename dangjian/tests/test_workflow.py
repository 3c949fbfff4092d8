"""The workflow base: status events, transition tables, lock-check-record, available transitions."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import Http404

from assessments.checklists.choices import CHECKLIST_TRANSITIONS, ChecklistStatus
from assessments.checklists.models import ChecklistEvent
from dangjian.errors import TransitionError
from dangjian.models import EVENT_NOTE_MAX, StatusEvent
from dangjian.workflow import Step, Workflow, anyone, available_transitions, transition, transitions_from
from grids.diary.choices import DIARY_TRANSITIONS, DiaryKind, DiaryStatus
from grids.diary.models import DiaryEntry
from grids.tests.factories import DiaryEntryFactory, GridFactory
from services.requests.models import RequestEvent
from services.tests.factories import cadre, member_user, published, submit
from services.whistles.choices import WHISTLE_TRANSITIONS, WhistleStatus
from services.whistles.models import WhistleEvent
from services.wishes.choices import WISH_TRANSITIONS, WishAction, WishStatus
from services.wishes.models import Wish, WishEvent


class Door(models.TextChoices):
    SHUT = "shut", "关"
    OPEN = "open", "开"
    LOCKED = "locked", "锁"
    GONE = "gone", "拆"


DOOR_ACTIONS = {
    "open": (frozenset({Door.SHUT}), Door.OPEN),
    "shut": (frozenset({Door.OPEN}), Door.SHUT),
    "lock": (frozenset({Door.SHUT}), Door.LOCKED),
    "remove": (frozenset({Door.SHUT, Door.OPEN, Door.LOCKED}), Door.GONE),
}


# ------------------------------------------------------------------------ status events
def test_every_status_history_is_a_status_event():
    for model in (WishEvent, RequestEvent, WhistleEvent, ChecklistEvent):
        assert issubclass(model, StatusEvent)
        assert model._meta.ordering == ["at", "id"]
        assert {"actor", "from_status", "to_status", "note", "at"} <= {f.name for f in model._meta.fields}


def test_an_event_reads_as_its_object_and_its_step():
    assert str(WishEvent(wish_id=7, from_status="", to_status="submitted")) == "7: — → submitted"
    assert str(RequestEvent(request_id=3, from_status="dispatched", to_status="accepted")) == "3: dispatched → accepted"
    assert str(WhistleEvent(whistle_id=5, from_status="open", to_status="escalated")) == "5: open → escalated"
    # a list's history names the action (many of its steps leave the status as it is)
    assert str(ChecklistEvent(checklist_id=2, action="midyear_check", from_status="approved", to_status="approved")) == "2 midyear_check"


def test_an_event_records_no_actor_for_a_resident_and_cuts_the_note():
    event = WishEvent.of(wish_id=7, actor=AnonymousUser(), from_status="fulfilled", to_status="rated", note="好" * 600)
    assert event.actor is None
    assert event.note == "好" * EVENT_NOTE_MAX
    assert (event.wish_id, event.from_status, event.to_status) == (7, "fulfilled", "rated")
    assert WishEvent.of(wish_id=7, actor=None, from_status="", to_status="submitted", note=None).note == ""


# ---------------------------------------------------------------------------- tables
def test_a_table_is_built_from_the_actions():
    table = transitions_from(DOOR_ACTIONS, Door)
    assert table == {
        Door.SHUT: {Door.OPEN, Door.LOCKED, Door.GONE},
        Door.OPEN: {Door.SHUT, Door.GONE},
        Door.LOCKED: {Door.GONE},
        Door.GONE: frozenset(),  # every status has a row, final ones an empty one
    }
    assert all(isinstance(to, frozenset) for to in table.values())


def test_the_tables_once_written_by_hand_are_unchanged():
    assert WHISTLE_TRANSITIONS == {
        WhistleStatus.OPEN: {WhistleStatus.AWAITING, WhistleStatus.CLOSED, WhistleStatus.CANCELLED},
        WhistleStatus.AWAITING: {WhistleStatus.OPEN, WhistleStatus.CLOSED, WhistleStatus.CANCELLED},
        WhistleStatus.CLOSED: set(),
        WhistleStatus.CANCELLED: set(),
    }
    assert DIARY_TRANSITIONS == {
        DiaryStatus.OPEN: {DiaryStatus.RESOLVED, DiaryStatus.CONVERTED},
        DiaryStatus.RECORDED: set(), DiaryStatus.RESOLVED: set(), DiaryStatus.CONVERTED: set(),
    }
    assert CHECKLIST_TRANSITIONS == {
        ChecklistStatus.DRAFT: {ChecklistStatus.SUBMITTED},
        ChecklistStatus.RETURNED: {ChecklistStatus.SUBMITTED},
        ChecklistStatus.SUBMITTED: {ChecklistStatus.APPROVED, ChecklistStatus.RETURNED},
        ChecklistStatus.APPROVED: set(),
    }


# ---------------------------------------------------------------------- lock, check, record
@pytest.mark.django_db
def test_transition_checks_the_table_writes_the_change_and_records_an_event(city):
    wish = submit(city.a)
    actor = cadre(city.a)
    locked, event = transition(Wish, wish.pk, WishStatus.PUBLISHED, WISH_TRANSITIONS, actor=actor, note="同意", reject_reason="")
    assert locked.status == WishStatus.PUBLISHED
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.PUBLISHED
    assert (event.pk is not None, event.actor, event.from_status, event.to_status, event.note) == (
        True, actor, WishStatus.SUBMITTED, WishStatus.PUBLISHED, "同意")
    with pytest.raises(TransitionError) as refused:
        transition(Wish, wish.pk, WishStatus.RATED, WISH_TRANSITIONS, actor=actor)
    assert refused.value.messages == ["当前状态为“待认领”，不能改为“已评价”。"]
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.PUBLISHED
    assert WishEvent.objects.filter(wish=wish).count() == 2  # submitted, published: nothing for the refusal
    with pytest.raises(Http404):
        transition(Wish, wish.pk + 1000, WishStatus.CLAIMED, WISH_TRANSITIONS, actor=actor)


@pytest.mark.django_db
def test_transition_of_an_object_without_history_returns_the_step(city):
    entry = DiaryEntryFactory(grid=GridFactory(community=city.a.area), kind=DiaryKind.PROBLEM, status=DiaryStatus.OPEN)
    locked, step = transition(DiaryEntry, entry.pk, DiaryStatus.RESOLVED, DIARY_TRANSITIONS, actor=None, resolution="已修好")
    assert step == Step(from_status=DiaryStatus.OPEN, to_status=DiaryStatus.RESOLVED)
    entry.refresh_from_db()
    assert (entry.status, entry.resolution) == (DiaryStatus.RESOLVED, "已修好")


# -------------------------------------------------------------------- available transitions
ASKED = []


def holds_key(user, door) -> bool:
    ASKED.append((user.name, door.name))
    return user.name in door.keys


DOOR_RULES = {"open": anyone, "shut": anyone, "lock": holds_key, "remove": holds_key}  # no rule: no one


class FrontDoor:
    workflow = Workflow(Door, DOOR_ACTIONS, rules="dangjian.tests.test_workflow.DOOR_RULES")

    def __init__(self, status, keys=()):
        self.name, self.status, self.keys = "front", status, set(keys)


class Person:
    def __init__(self, name):
        self.name = name


def test_a_workflow_holds_its_table_and_asks_its_rules_lazily():
    workflow = FrontDoor.workflow
    assert workflow.table == transitions_from(DOOR_ACTIONS, Door)
    assert workflow.verbs_from(Door.SHUT) == ["open", "lock", "remove"]
    assert workflow.verbs_from(Door.GONE) == []
    assert workflow.rules is DOOR_RULES


def test_available_transitions_ask_the_status_and_the_rules_for_each_user():
    ASKED.clear()
    door = FrontDoor(Door.SHUT, keys={"王师傅"})
    assert available_transitions(door, Person("王师傅")) == {"open", "lock", "remove"}
    assert available_transitions(door, Person("访客")) == {"open"}
    # one question per rule and user, though two steps share the rule
    assert ASKED == [("王师傅", "front"), ("访客", "front")]
    # the status decides first: an open door is only shut or removed
    assert available_transitions(FrontDoor(Door.OPEN, keys={"王师傅"}), Person("王师傅")) == {"shut", "remove"}
    assert available_transitions(FrontDoor(Door.GONE, keys={"王师傅"}), Person("王师傅")) == frozenset()


def test_settled_steps_are_decided_by_status_alone():
    ASKED.clear()
    door = FrontDoor(Door.SHUT)
    assert available_transitions(door, Person("访客"), settled={"lock"}) == {"lock"}
    assert available_transitions(FrontDoor(Door.OPEN), Person("访客"), settled={"lock"}) == frozenset()
    assert ASKED == []


@pytest.mark.django_db
def test_the_buttons_of_a_wish_differ_by_user(city):
    community_cadre, other_cadre = cadre(city.a), cadre(city.b)
    resident = member_user(city.a.members[0])
    wish = submit(city.a)
    assert available_transitions(wish, community_cadre) == {WishAction.PUBLISH, WishAction.REJECT, WishAction.CANCEL}
    assert available_transitions(wish, other_cadre) == frozenset()
    assert available_transitions(wish, resident) == frozenset()  # not yet on the wall
    wish = published(city.a)
    assert available_transitions(wish, resident) == {WishAction.CLAIM}
    assert WishAction.CANCEL in available_transitions(wish, community_cadre)
    assert WishAction.PUBLISH not in available_transitions(wish, community_cadre)
    assert available_transitions(wish, AnonymousUser()) == frozenset()
