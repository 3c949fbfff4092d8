"""Writes of residents' deliberation (居民议事).  Every status change of a topic or comment
goes through ``dangjian.workflow`` (lock, check, record an event row and an audit event).
Out of scope answers ``Http404``; in scope but not allowed ``PermissionDeniedError``; a
refused change ``TransitionError``; bad input ``ValidationError`` per field.

民事民提  ``topic_propose`` (public) / ``topic_enter`` (staff, from a diary entry or a meeting)
          → ``topic_accept`` (with the question and its options) / ``topic_merge`` / ``topic_decline``
民事民议  ``topic_support``, ``topic_comment`` (public), ``comment_show`` / ``comment_hide``;
          ``meeting_record``: the 议事会 filed through ``assessments.life.actions.activity_file``
民事民决  ``meeting_vote`` (counts per option), ``topic_decide`` (quorum, majority, ties: ``voting``)
民事民办  ``topic_start_work``: a request, a whistle or a checklist item; ``topic_complete``
          once the linked record is finished
民事民评  ``topic_rate`` (public: code + last four digits of the proposer's or a supporter's phone)
"""
import hmac

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.audit import record
from dangjian.crypto import keyed_hash
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.privacy import is_valid_mobile
from dangjian.validation import check_text, text_or_error
from dangjian.workflow import action_refusal, action_transition
from organizations.areas.choices import AreaLevel
from services.deliberation import permissions, voting
from services.deliberation.choices import (
    COMMENT_ACTIONS,
    COMMENT_TRANSITIONS,
    OPEN_STATUSES,
    RATABLE_STATUSES,
    TOPIC_ACTIONS,
    TOPIC_REFUSALS,
    TOPIC_TRANSITIONS,
    VOTER_KINDS,
    CommentAction,
    CommentStatus,
    ParticipantKind,
    RaterRole,
    TopicAction,
    TopicSource,
    TopicStatus,
    WorkKind,
)
from services.deliberation.models import (
    Meeting,
    MeetingParticipant,
    MeetingRule,
    MeetingVote,
    Topic,
    TopicComment,
    TopicOption,
    TopicRating,
    TopicSupport,
)
from services.resident.actions import by_code, check_contact, check_place, digits, save_with_code
from services.resident.choices import Satisfaction

TITLE_MAX = 100
TEXT_MAX = 2000
QUESTION_MAX = 200
FACTS_MAX = 3000
OPTION_MAX = 200
OPTIONS_MAX = 6
REASON_MAX = 200
COMMENT_MAX = 500
NOTE_MAX = 1000
MINUTES_MAX = 5000
NAME_MAX = 50


def _topic_transition(verb, topic, **kwargs) -> Topic:
    refusal = action_refusal(verb, known=TOPIC_REFUSALS, statuses=TopicStatus, verbs=TopicAction,
                             otherwise=gettext_lazy("该议题当前为“%(now)s”，不能%(verb)s。"))
    return action_transition(Topic, verb, topic, actions=TOPIC_ACTIONS, table=TOPIC_TRANSITIONS, refusal=refusal,
                             audit="topic", **kwargs)


def _visible(actor, topic) -> Topic:
    found = Topic.objects.visible_to(actor).select_related("community").filter(pk=topic.pk).first()
    if found is None:
        raise Http404
    return found


def _require_manage(actor, topic) -> Topic:
    topic = _visible(actor, topic)
    if not permissions.can_manage(actor, topic):
        raise PermissionDeniedError(_("只有社区工作人员（及其上级）可以办理居民议事。"))
    return topic


def topic_for_code(code) -> Topic:
    """The topic with this code (any case, spaces ignored), or 404."""
    return by_code(Topic.objects.select_related("community", "merged_into", "decided_option"), code)


def _check_topic_text(errors, title, text):
    title = check_text(errors, "title", title, TITLE_MAX, empty_message=_("请用一句话写明要议的事。"))
    text = check_text(errors, "text", text, TEXT_MAX, empty_message=_("请说明具体情况。"))
    return title, text


# ------------------------------------------------------------------------ 民事民提
@transaction.atomic
def topic_propose(*, community, title, text, name, phone, building=None, photo=None) -> Topic:
    """A resident's proposal from the public form (no actor), stored as 待审核."""
    from dangjian.uploads import check_photo

    errors = {}
    check_place(errors, community, building, building_levels=(AreaLevel.BUILDING, AreaLevel.ENTRANCE))
    title, text = _check_topic_text(errors, title, text)
    name, _address, phone = check_contact(errors, name=name, name_max=NAME_MAX, address="", address_max=1, phone=phone,
                                          building=building, address_required=False)
    if errors:
        raise ValidationError(errors)
    topic = Topic(community=community, building=building, title=title, text=text, proposer_name=name,
                  proposer_phone=phone, source=TopicSource.RESIDENT)
    if photo:
        topic.photo = check_photo(photo)
    save_with_code(topic)
    topic.make_event(actor=None, from_status="", to_status=TopicStatus.PROPOSED).save()
    record(None, "topic.propose", topic, {"community": community.pk})
    return topic


@transaction.atomic
def topic_enter(*, actor, community=None, title, text, name="", phone="", building=None, diary=None,
                activity=None) -> Topic:
    """A cadre or grid worker enters a matter residents raised: from a diary entry of their
    grid (the entry's community), from a meeting (an activity they may see), or typed in.
    The proposer's name and phone are optional (a phone lets the proposer rate it)."""
    from assessments.life.models import Activity
    from grids.diary.models import DiaryEntry
    from grids.diary.permissions import can_change_entry

    source = TopicSource.STAFF
    if diary is not None:
        diary = DiaryEntry.objects.visible_to(actor).select_related("grid__community", "building").filter(pk=diary.pk).first()
        if diary is None:
            raise Http404
        if not can_change_entry(actor, diary):
            raise PermissionDeniedError(_("只有该网格的网格员或社区工作人员可以把民情日记提为议事事项。"))
        community, source = diary.grid.community, TopicSource.DIARY
        if building is None and diary.building_id and diary.building.level in (AreaLevel.BUILDING, AreaLevel.ENTRANCE):
            building = diary.building
    elif activity is not None:
        activity = Activity.objects.visible_to(actor).filter(pk=activity.pk).first()
        if activity is None:
            raise Http404
        source = TopicSource.MEETING
    errors = {}
    check_place(errors, community, building, building_levels=(AreaLevel.BUILDING, AreaLevel.ENTRANCE))
    if "community" not in errors and not permissions.get_scope(actor).covers_area(community, permissions.READ_ROLES):
        raise Http404
    title, text = _check_topic_text(errors, title, text)
    name = check_text(errors, "name", name, NAME_MAX, required=False)
    phone = digits(phone)
    if phone and not is_valid_mobile(phone):
        errors["phone"] = _("请填写正确的11位手机号，或留空。")
    if errors:
        raise ValidationError(errors)
    topic = Topic(community=community, building=building, title=title, text=text, proposer_name=name,
                  proposer_phone=phone, source=source, diary=diary, source_activity=activity, created_by=actor)
    save_with_code(topic)
    topic.make_event(actor=actor, from_status="", to_status=TopicStatus.PROPOSED, note=TopicSource(source).label).save()
    record(actor, "topic.enter", topic, {"community": community.pk, "source": source})
    return topic


def _clean_options(options) -> list[str]:
    labels = [str(o or "").strip() for o in options or ()]
    labels = [label for label in labels if label]
    errors = []
    if len(labels) < 2:
        errors.append(_("请至少列出两个方案（可包括“维持现状”）。"))
    if len(labels) > OPTIONS_MAX:
        errors.append(_("方案最多 %(n)d 个。") % {"n": OPTIONS_MAX})
    if any(len(label) > OPTION_MAX for label in labels):
        errors.append(_("每个方案不超过 %(n)d 字。") % {"n": OPTION_MAX})
    if len(set(labels)) != len(labels):
        errors.append(_("方案不能重复。"))
    if errors:
        raise ValidationError({"options": errors})
    return labels


def topic_accept(*, actor, topic, question, options, facts="") -> Topic:
    """Accept a proposal as a topic: the question put to residents, its options, the facts gathered."""
    topic = _require_manage(actor, topic)
    errors = {}
    question = check_text(errors, "question", question, QUESTION_MAX, empty_message=_("请写明议题。"))
    facts = check_text(errors, "facts", facts, FACTS_MAX, required=False)
    try:
        labels = _clean_options(options)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _topic_transition(TopicAction.ACCEPT, topic, actor=actor, note=question, question=question,
                                   facts=facts, accepted_at=timezone.now())
        TopicOption.objects.bulk_create(
            [TopicOption(topic=locked, label=label, position=i) for i, label in enumerate(labels, start=1)])
    return locked


def topic_merge(*, actor, topic, into, note="") -> Topic:
    """Merge a proposal into an open topic of the same community (its proposer follows that one)."""
    topic = _require_manage(actor, topic)
    if into is None:
        raise ValidationError({"into": _("请选择要合并到的议题。")})
    target = Topic.objects.filter(pk=into.pk).first()
    if target is None or target.community_id != topic.community_id or target.pk == topic.pk:
        raise ValidationError({"into": _("只能合并到本社区的其他议题。")})
    if target.status not in OPEN_STATUSES:
        raise ValidationError({"into": _("只能合并到正在征求意见或议事中的议题（“%(code)s”当前为“%(now)s”）。") % {
            "code": target.code, "now": target.get_status_display()}})
    note = (note or "").strip()[:REASON_MAX]
    return _topic_transition(TopicAction.MERGE, topic, actor=actor, note=_("合并到议题 %(code)s") % {"code": target.code},
                             merged_into=target, decline_reason=note)


def topic_decline(*, actor, topic, reason) -> Topic:
    topic = _require_manage(actor, topic)
    reason = text_or_error("reason", reason, REASON_MAX, empty_message=_("请填写不予立项的原因，提议人会看到。"))
    return _topic_transition(TopicAction.DECLINE, topic, actor=actor, note=reason, decline_reason=reason)


# ------------------------------------------------------------------------ 民事民议
def _resident_phone(phone) -> str:
    phone = digits(phone)
    if not is_valid_mobile(phone):
        raise ValidationError({"phone": _("请填写正确的11位手机号。")})
    return phone


def _open_topic(code) -> Topic:
    topic = topic_for_code(code)
    if topic.status not in OPEN_STATUSES:
        if topic.status == TopicStatus.PROPOSED:
            raise TransitionError(_("该事项还在社区审核中，暂不能附议或发表意见。"), code="transition")
        raise TransitionError(_("该议题当前为“%(now)s”，已不再征集附议和意见。") % {"now": topic.get_status_display()},
                              code="transition")
    return topic


def topic_support(*, code, phone) -> TopicSupport:
    """A resident supports (附议) an open topic: one support per phone per topic (the unique
    constraint on the phone's keyed hash decides a race)."""
    topic = _open_topic(code)
    phone = _resident_phone(phone)
    if topic.proposer_phone_hash and hmac.compare_digest(topic.proposer_phone_hash, keyed_hash(phone)):
        raise ValidationError({"phone": _("您是该事项的提议人，无需再附议。")})
    try:
        with transaction.atomic():
            support = TopicSupport.objects.create(topic=topic, phone=phone)
    except IntegrityError:
        raise ValidationError({"phone": _("该手机号已经附议过这个议题，每个手机号只能附议一次。")}) from None
    record(None, "topic.support", topic, {})
    return support


def topic_comment(*, code, phone, text) -> TopicComment:
    """A resident's comment on an open topic, shown once a cadre approves it."""
    topic = _open_topic(code)
    errors = {}
    text = check_text(errors, "text", text, COMMENT_MAX, empty_message=_("请写下您的意见。"))
    try:
        phone = _resident_phone(phone)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    comment = TopicComment.objects.create(topic=topic, phone=phone, text=text)
    record(None, "topic.comment", topic, {"comment": comment.pk})
    return comment


def _moderate(verb, *, actor, comment) -> TopicComment:
    found = TopicComment.objects.select_related("topic__community").filter(pk=comment.pk).first()
    if found is None or not Topic.objects.visible_to(actor).filter(pk=found.topic_id).exists():
        raise Http404
    if not permissions.can_moderate(actor, found):
        raise PermissionDeniedError(_("只有社区工作人员可以审核居民意见。"))
    refusal = action_refusal(verb, known={}, statuses=CommentStatus, verbs=CommentAction,
                             otherwise=gettext_lazy("该意见当前为“%(now)s”，不能%(verb)s。"))
    return action_transition(TopicComment, verb, found, actions=COMMENT_ACTIONS, table=COMMENT_TRANSITIONS,
                             refusal=refusal, audit="topic_comment", actor=actor, moderated_by=actor,
                             moderated_at=timezone.now())


def comment_show(*, actor, comment) -> TopicComment:
    return _moderate(CommentAction.SHOW, actor=actor, comment=comment)


def comment_hide(*, actor, comment) -> TopicComment:
    return _moderate(CommentAction.HIDE, actor=actor, comment=comment)


def community_org(community):
    """The party organization that holds a community's deliberation meetings: the one anchored
    at the community (its 社区党委), or None."""
    from organizations.orgs.choices import OrgCategory
    from organizations.orgs.models import PartyOrg

    orgs = PartyOrg.objects.filter(area=community).order_by("pk")
    return orgs.filter(category=OrgCategory.COMMUNITY).first() or orgs.first()


def _clean_participants(participants, scope_members) -> list[MeetingParticipant]:
    rows, errors = [], []
    for p in participants or ():
        kind, member, unit = p.get("kind"), p.get("member"), p.get("unit")
        name = str(p.get("name") or "").strip()
        if kind not in ParticipantKind.values:
            errors.append(_("参会人员的身份不正确。"))
            continue
        if kind == ParticipantKind.MEMBER:
            if member is None:
                errors.append(_("请选择参会的党员。"))
                continue
            if not scope_members.filter(pk=member.pk).exists():
                raise Http404
            name = ""
        elif kind == ParticipantKind.UNIT and unit is not None:
            name = name or unit.name
        if kind != ParticipantKind.MEMBER and not name:
            errors.append(_("请填写%(kind)s的姓名或名称。") % {"kind": ParticipantKind(kind).label})
            continue
        if len(name) > NAME_MAX:
            errors.append(_("姓名或名称不超过 %(n)d 字。") % {"n": NAME_MAX})
            continue
        rows.append(MeetingParticipant(kind=kind, member=member if kind == ParticipantKind.MEMBER else None,
                                       unit=unit if kind == ParticipantKind.UNIT else None, name=name))
    if errors:
        raise ValidationError({"participants": errors})
    if not rows:
        raise ValidationError({"participants": _("请登记参会人员。")})
    return rows


def meeting_record(*, actor, topic, rule, starts_at, ends_at, eligible, participants, place="", minutes="") -> Meeting:
    """Record the 议事会 of an accepted topic: an activity (居民议事会, step 民事民议) of the
    community's organization filed through ``assessments.life.actions.activity_file``, with its
    rule, the number of eligible voters and the participants; the topic moves to 议事中.
    The voters present are the participants the rule lets vote."""
    from assessments.life.actions import activity_file
    from assessments.life.choices import DeliberationStep
    from assessments.life.models import ActivityType
    from organizations.members.models import Member

    topic = _require_manage(actor, topic)
    errors = {}
    if not isinstance(rule, MeetingRule) or not rule.is_active:
        errors["rule"] = _("请选择议事规则。")
    minutes = check_text(errors, "minutes", minutes, MINUTES_MAX, required=False)
    try:
        eligible = int(eligible)
    except (TypeError, ValueError):
        eligible = -1
    if eligible < 1:
        errors["eligible"] = _("请填写应到表决人数（正整数）。")
    try:
        rows = _clean_participants(participants, Member.objects.visible_to(actor))
    except ValidationError as exc:
        errors.update(exc.message_dict)
        rows = []
    org = community_org(topic.community)
    if org is None:
        errors["rule"] = _("社区“%(name)s”还没有登记社区党组织，无法登记议事会。") % {"name": topic.community.name}
    if errors:
        raise ValidationError(errors)
    voters = VOTER_KINDS[rule.voters]
    present = sum(1 for r in rows if r.kind in voters)
    if present > eligible:
        raise ValidationError({"eligible": _("参会的表决人员（%(present)d 人）多于应到表决人数（%(eligible)d 人），请核对。") % {
            "present": present, "eligible": eligible}})
    activity_type = ActivityType.objects.filter(code="residents_deliberation").first()
    if activity_type is None:
        raise ValidationError({"rule": _("活动类型“居民议事会”未配置，请联系系统管理员。")})
    with transaction.atomic():
        activity = activity_file(actor=actor, org=org, activity_type=activity_type, starts_at=starts_at, ends_at=ends_at,
                                 topic=(topic.question or topic.title)[:200], place=place, minutes=minutes,
                                 step=DeliberationStep.DISCUSS)
        meeting = Meeting.objects.create(topic=topic, activity=activity, rule=rule, eligible=eligible, present=present)
        for row in rows:
            row.meeting = meeting
        MeetingParticipant.objects.bulk_create(rows)
        _topic_transition(TopicAction.DELIBERATE, topic, actor=actor,
                          note=_("%(rule)s：应到 %(eligible)d 人，实到表决人员 %(present)d 人") % {
                              "rule": rule.name, "eligible": eligible, "present": present})
        record(actor, "topic.meeting", topic, {"meeting": meeting.pk, "activity": activity.pk})
    return meeting


def _current_meeting(topic):
    return Meeting.objects.select_related("rule", "activity").filter(topic=topic).order_by("-created_at", "-id").first()


@transaction.atomic
def meeting_vote(*, actor, topic, counts) -> Meeting:
    """Record the votes per option of the topic's meeting (``{option: n}``; again = replace)."""
    topic = _require_manage(actor, topic)
    locked = Topic.objects.select_for_update().get(pk=topic.pk)
    if locked.status != TopicStatus.DELIBERATING:
        raise TransitionError(_("只有议事中的议题可以登记表决票数（当前为“%(now)s”）。") % {"now": locked.get_status_display()},
                              code="transition")
    meeting = _current_meeting(locked)
    if meeting is None:
        raise TransitionError(_("请先登记议事会。"), code="transition")
    options = {o.pk: o for o in TopicOption.objects.filter(topic=locked)}
    clean = {}
    for option, n in (counts or {}).items():
        pk = getattr(option, "pk", option)
        if pk not in options:
            raise ValidationError({"counts": _("方案不属于该议题。")})
        try:
            clean[pk] = int(n)
        except (TypeError, ValueError):
            raise ValidationError({"counts": _("票数须为整数。")}) from None
    wrong = voting.check_counts(eligible=meeting.eligible, present=meeting.present, counts=clean)
    if wrong:
        raise ValidationError({"counts": wrong})
    MeetingVote.objects.filter(meeting=meeting).delete()
    MeetingVote.objects.bulk_create([MeetingVote(meeting=meeting, option_id=pk, count=clean.get(pk, 0)) for pk in options])
    meeting.voted_at = timezone.now()
    meeting.save(update_fields=["voted_at"])
    record(actor, "topic.vote", locked, {"meeting": meeting.pk, "counts": {str(k): v for k, v in clean.items()}})
    return meeting


def decision_of(meeting) -> voting.Outcome:
    counts = {v.option_id: v.count for v in meeting.votes.all()}
    if meeting.voted_at is None:
        return voting.Outcome(None, _("尚未登记表决票数。"))
    return voting.outcome(meeting.rule, eligible=meeting.eligible, present=meeting.present, counts=counts)


def topic_decide(*, actor, topic, reasons) -> Topic:
    """The decision of the meeting's vote, with its reasons (public): refused without quorum,
    without the rule's majority, or on a tie at the top."""
    topic = _require_manage(actor, topic)
    reasons = text_or_error("reasons", reasons, NOTE_MAX, empty_message=_("请写明决定的内容和理由，将在议题页面公开。"))

    def winner(locked):
        meeting = _current_meeting(locked)
        if meeting is None:
            raise TransitionError(_("请先登记议事会。"), code="transition")
        result = decision_of(meeting)
        if result.winner is None:
            raise TransitionError(result.refusal, code="transition")
        return result.winner

    chosen = winner(topic) if topic.status == TopicStatus.DELIBERATING else None

    def check(locked):  # the votes again, on the locked row
        if winner(locked) != chosen:
            raise TransitionError(_("表决票数刚刚有变化，请核对后再形成决定。"), code="transition")

    return _topic_transition(TopicAction.DECIDE, topic, actor=actor, note=reasons[:500], check=check,
                             decision_reasons=reasons, decided_at=timezone.now(), decided_option_id=chosen)


# ------------------------------------------------------------------------ 民事民办
def _start_request(actor, topic, *, owner, due, category, contact_name, contact_phone):
    from services.requests.actions import request_submit
    from services.requests.choices import RequestSource

    name = contact_name or topic.proposer_name
    phone = contact_phone or topic.proposer_phone
    text = _("【居民议事决定 %(code)s】%(question)s\n决定：%(reasons)s\n责任人：%(owner)s，完成时限：%(due)s") % {
        "code": topic.code, "question": topic.question or topic.title, "reasons": topic.decision_reasons,
        "owner": owner, "due": due}
    req = request_submit(community=topic.community, category=category, text=text[:1000], name=name, phone=phone,
                         building=topic.building, address="", source=RequestSource.STAFF)
    return {"work_request": req}


def _start_whistle(actor, topic, *, owner, due, departments, units):
    import datetime

    from services.whistles.actions import whistle_create

    resolve_due = timezone.make_aware(datetime.datetime.combine(due, datetime.time(18, 0)))
    whistle = whistle_create(actor=actor, area=topic.community, title=(topic.question or topic.title)[:100],
                             description=_("居民议事决定（%(code)s）：%(reasons)s") % {"code": topic.code,
                                                                                  "reasons": topic.decision_reasons},
                             departments=departments or (), units=units or (), resolve_due=resolve_due)
    return {"work_whistle": whistle}


def _start_item(actor, topic, *, owner, due):
    from assessments.checklists.actions import checklist_item_add
    from assessments.checklists.choices import ItemKind, ProblemSource
    from assessments.checklists.models import Checklist

    org = community_org(topic.community)
    checklist = Checklist.objects.filter(org=org, year=due.year).first() if org is not None else None
    if checklist is None:
        raise ValidationError({"kind": _("本社区党组织还没有 %(year)d 年的四张清单，请先建立清单或选择其他落实方式。") % {
            "year": due.year}})
    item = checklist_item_add(actor=actor, checklist=checklist, kind=ItemKind.PROBLEM, source=ProblemSource.OTHER,
                              title=(topic.question or topic.title)[:200], detail=topic.decision_reasons[:2000],
                              owner=owner, due_on=due)
    return {"work_item": item}


def topic_start_work(*, actor, topic, kind, owner, due, category=None, contact_name="", contact_phone="",
                     departments=(), units=()) -> Topic:
    """民事民办: the decision becomes work with an owner and a deadline — a resident request
    (派单办理), a whistle to departments, or an item of the community's four lists — created
    through that feature's action in the same transaction, and linked to the topic."""
    topic = _require_manage(actor, topic)
    errors = {}
    owner = check_text(errors, "owner", owner, NAME_MAX, empty_message=_("请填写责任人。"))
    if due is None:
        errors["due"] = _("请填写完成时限。")
    elif due < timezone.localdate():
        errors["due"] = _("完成时限不能早于今天。")
    if kind == WorkKind.PROJECT:
        errors["kind"] = _("服务项目的落实方式尚未开通，请选择其他方式。")
    elif kind not in WorkKind.values:
        errors["kind"] = _("请选择落实方式。")
    if kind == WorkKind.REQUEST and category is None:
        errors["category"] = _("请选择诉求类别。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # of=self: the building is a nullable join, which PostgreSQL cannot lock
        locked = Topic.objects.select_for_update(of=("self",)).select_related("community", "building").get(pk=topic.pk)
        if locked.status != TopicStatus.DECIDED:
            _topic_transition(TopicAction.START_WORK, locked, actor=actor)  # raises the refusal
        if kind == WorkKind.REQUEST:
            link = _start_request(actor, locked, owner=owner, due=due, category=category, contact_name=contact_name,
                                  contact_phone=contact_phone)
        elif kind == WorkKind.WHISTLE:
            link = _start_whistle(actor, locked, owner=owner, due=due, departments=departments, units=units)
        else:
            link = _start_item(actor, locked, owner=owner, due=due)
        return _topic_transition(TopicAction.START_WORK, locked, actor=actor,
                                 note=_("%(kind)s，责任人 %(owner)s，%(due)s 前完成") % {
                                     "kind": WorkKind(kind).label, "owner": owner, "due": due},
                                 work_kind=kind, work_owner=owner, work_due=due, work_started_at=timezone.now(), **link)


def topic_complete(*, actor, topic, note) -> Topic:
    """Confirm the work done: only once the linked record is finished (a request resolved, a
    whistle closed, a checklist item done)."""
    from services.deliberation.selectors import work_progress

    topic = _require_manage(actor, topic)
    note = text_or_error("note", note, NOTE_MAX, empty_message=_("请简要说明办理结果，将在议题页面公开。"))

    def check(locked):
        progress = work_progress(Topic.objects.select_related("work_request", "work_whistle", "work_item").get(pk=locked.pk))
        if progress is None or not progress["done"]:
            raise TransitionError(_("交办的工作（%(what)s）尚未办结，不能确认办结。") % {
                "what": progress["label"] if progress else _("无")}, code="transition")

    return _topic_transition(TopicAction.COMPLETE, topic, actor=actor, note=note[:500], check=check,
                             done_note=note, done_at=timezone.now())


# ------------------------------------------------------------------------ 民事民评
def _rater(topic, last4):
    """``(role, phone hash)`` of the proposer or a supporter whose phone ends in ``last4`` and who
    has not rated yet; ``(None, None)`` when none; ``(role, "")`` when all such have rated."""
    rated = set(TopicRating.objects.filter(topic=topic).values_list("phone_hash", flat=True))
    found_rated = None
    candidates = []
    if topic.proposer_phone:
        candidates.append((RaterRole.PROPOSER, topic.proposer_phone, topic.proposer_phone_hash))
    candidates += [(RaterRole.SUPPORTER, s.phone, s.phone_hash) for s in TopicSupport.objects.filter(topic=topic).order_by("pk")]
    for role, phone, phone_hash in candidates:
        if len(phone) >= 4 and hmac.compare_digest(phone[-4:], last4):
            if phone_hash in rated:
                found_rated = role
                continue
            return role, phone_hash
    return (found_rated, "") if found_rated else (None, None)


def topic_rate(*, code, phone_last4, rating, comment="") -> TopicRating:
    """The proposer or a supporter rates a settled topic (public): the code plus the last four
    digits of the phone they proposed or supported with; one rating each.  The first rating
    moves the topic to 已评价."""
    topic = topic_for_code(code)
    errors = {}
    if rating not in Satisfaction.values:
        errors["rating"] = _("请选择评价。")
    comment = check_text(errors, "comment", comment, COMMENT_MAX, required=False)
    last4 = digits(phone_last4)
    if len(last4) != 4:
        errors["phone_last4"] = _("请填写提议或附议时所留手机号的后四位。")
    if errors:
        raise ValidationError(errors)
    if topic.status not in RATABLE_STATUSES:
        raise TransitionError(_("议题办结后才能评价。"), code="transition")
    with transaction.atomic():
        locked = Topic.objects.select_for_update().get(pk=topic.pk)
        role, phone_hash = _rater(locked, last4)
        if role is None:
            raise ValidationError({"phone_last4": _("手机号后四位与提议人或附议居民所留的都不一致。")})
        if not phone_hash:
            raise ValidationError({"phone_last4": _("您已经评价过这个议题了。")})
        rated = TopicRating.objects.create(topic=locked, rater=role, phone_hash=phone_hash, rating=rating, comment=comment)
        if locked.status == TopicStatus.DONE:
            _topic_transition(TopicAction.RATE, locked, actor=None, note=Satisfaction(rating).label, rated_at=timezone.now())
        else:
            record(None, "topic.rate", locked, {"rater": role})
    return rated
