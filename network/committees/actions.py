"""Writes of the regional network (区域化党建).

Who: the managing roles (``MANAGE_ROLES``) over the committee's area
(``permissions.can_manage``); pairings over the compound branch.  Out of scope is
``Http404``; in scope but not allowed ``PermissionDeniedError``; bad input
``ValidationError`` per field; a refused status change ``TransitionError``.

* ``committee_save`` — create or change a committee: its area must be of a level its kind
  sits on, its convening organization one of that area's subtree.
* ``seat_add`` / ``seat_end`` — a resident unit of the committee's area or a department of
  its district or street takes a seat; a unit (or department) holds at most one current seat
  per committee (checked on the locked committee, and by a partial unique constraint).
* ``meeting_record`` — the meeting is an activity of type 联席会议 filed for the convening
  organization through ``assessments.life.actions.activity_file``, and the
  ``CommitteeMeeting`` with its attending seats, in one transaction.
* ``problem_raise``, ``problem_settle``, ``problem_decline``, ``problem_whistle`` — the
  problem's workflow (``dangjian.workflow``); whistling calls
  ``services.whistles.actions.whistle_create`` (source 联席会议) in the same transaction.
  A whistled problem is settled when its whistle is closed (``selectors.settled_q``).
* ``commitment_save`` / ``commitment_fulfil`` — a unit's yearly 三个一.
* ``pairing_create`` / ``pairing_end`` — 结对共建: one current pairing per compound branch.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian import trees
from dangjian.audit import record
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.scoping import get_scope
from dangjian.validation import check_text
from dangjian.workflow import action_refusal, transition
from network.committees import permissions
from network.committees.choices import (
    KIND_LEVELS,
    PROBLEM_ACTIONS,
    PROBLEM_TRANSITIONS,
    CommitmentKind,
    CommitteeKind,
    ProblemAction,
    ProblemStatus,
    SeatRole,
)
from network.committees.models import (
    BranchPairing,
    CommitteeMeeting,
    CommitteeProblem,
    CommitteeSeat,
    JointCommittee,
    UnitCommitment,
)
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg

MEETING_TYPE = "joint_meeting"  # assessments' ActivityType of a 联席会议
NAME_MAX = 100
TITLE_MAX = 100
TEXT_MAX = 2000
REASON_MAX = 500
PERSON_MAX = 50
CONTENT_MAX = 300

PROBLEM_REFUSALS = {
    (ProblemAction.SETTLE, ProblemStatus.SETTLED): _("该问题已经解决。"),
    (ProblemAction.WHISTLE, ProblemStatus.SETTLED): _("该问题已经解决，无需吹哨。"),
    (ProblemAction.DECLINE, ProblemStatus.SETTLED): _("该问题已经解决。"),
    (ProblemAction.SETTLE, ProblemStatus.DECLINED): _("该问题已不予解决。"),
    (ProblemAction.WHISTLE, ProblemStatus.DECLINED): _("该问题已不予解决，不能再吹哨。"),
    (ProblemAction.DECLINE, ProblemStatus.DECLINED): _("该问题已不予解决。"),
}


# ---------------------------------------------------------------------------- helpers
def _visible_committee(actor, committee, *, lock=False) -> JointCommittee:
    qs = JointCommittee.objects.visible_to(actor).select_related("area", "convener__area")
    if lock:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=committee.pk).first() if committee is not None else None
    if found is None:
        raise Http404
    return found


def _require_manage(actor, committee):
    if not permissions.can_manage(actor, committee):
        raise PermissionDeniedError(_("只有该区域的区、街道、社区工作人员可以管理该联席组织。"))


def _committee_for_write(actor, committee, *, lock=False) -> JointCommittee:
    found = _visible_committee(actor, committee, lock=lock)
    _require_manage(actor, found)
    return found


def _date(errors, name, value, *, required=True, message=None):
    if value in (None, ""):
        if required:
            errors[name] = message or _("请填写日期。")
        return None
    if not isinstance(value, date):
        errors[name] = _("日期格式不正确。")
        return None
    return value


# --------------------------------------------------------------------------- committees
def committee_save(*, actor, committee=None, kind, name, area, convener, established_on=None, active=True):
    """Create (``committee`` None) or change a joint committee."""
    errors = {}
    if kind not in CommitteeKind.values:
        errors["kind"] = _("请选择联席组织的类型。")
    name = check_text(errors, "name", name, NAME_MAX, empty_message=_("请填写名称。"))
    found_area = Area.objects.visible_to(actor).filter(pk=getattr(area, "pk", None)).first() if area else None
    if area is not None and found_area is None:
        raise Http404
    if found_area is None:
        errors["area"] = _("请选择所在区域。")
    elif kind in CommitteeKind.values and found_area.level not in KIND_LEVELS[kind]:
        errors["area"] = _("%(kind)s只能建在%(levels)s。") % {
            "kind": CommitteeKind(kind).label,
            "levels": "、".join(_level_label(level) for level in KIND_LEVELS[kind])}
    found_org = PartyOrg.objects.visible_to(actor).select_related("area").filter(
        pk=getattr(convener, "pk", None)).first() if convener else None
    if convener is not None and found_org is None:
        raise Http404
    if found_org is None:
        errors["convener"] = _("请选择牵头党组织。")
    elif found_area is not None and not trees.contains(found_area, found_org.area):
        errors["convener"] = _("牵头党组织必须是该区域内的党组织。")
    if established_on is not None and established_on > timezone.localdate():
        errors["established_on"] = _("成立日期不能晚于今天。")
    if found_area is not None and not errors.get("area") and not get_scope(actor).covers_area(
            found_area, permissions.ROLES):
        raise PermissionDeniedError(_("只有该区域的区、街道、社区工作人员可以建立联席组织。"))
    if committee is not None:
        committee = _committee_for_write(actor, committee)
    if not errors and found_area is not None:
        clash = JointCommittee.objects.filter(area=found_area, name=name)
        if committee is not None:
            clash = clash.exclude(pk=committee.pk)
        if clash.exists():
            errors["name"] = _("该区域已有同名的联席组织。")
    if errors:
        raise ValidationError(errors)
    fields = dict(kind=kind, name=name, area=found_area, convener=found_org, established_on=established_on,
                  active=bool(active))
    with transaction.atomic():
        if committee is None:
            committee = JointCommittee.objects.create(**fields)
            record(actor, "committee.create", committee, {"area": found_area.pk, "kind": kind})
        else:
            changes = {k: getattr(v, "pk", v) for k, v in fields.items() if getattr(committee, k) != v}
            for k, v in fields.items():
                setattr(committee, k, v)
            committee.save()
            record(actor, "committee.update", committee, {k: str(v) for k, v in changes.items()})
    return committee


def _level_label(level):
    from organizations.areas.choices import AreaLevel

    return str(AreaLevel(level).label)


# ------------------------------------------------------------------------------ seats
def seat_parties_q(committee):
    """Where the parties of ``committee``'s seats may come from (``committee.area`` loaded):
    resident units inside its area, active departments of its district or street (or inside)."""
    from django.db.models import Q

    area = committee.area
    units = trees.subtree_q(area, "community")
    departments = Q(is_active=True) & (trees.ancestors_q(area, "area") | trees.subtree_q(area, "area"))
    return units, departments


def seat_add(*, actor, committee, unit=None, department=None, person_name="", person_post="",
             role=SeatRole.MEMBER, since=None) -> CommitteeSeat:
    from organizations.units.models import ResidentUnit
    from services.whistles.models import Department

    errors = {}
    if (unit is None) == (department is None):
        errors["unit"] = _("请选择一个驻区单位或一个职能部门（只能选一个）。")
    person_name = check_text(errors, "person_name", person_name, PERSON_MAX, required=False)
    person_post = check_text(errors, "person_post", person_post, PERSON_MAX, required=False)
    if role not in SeatRole.values:
        errors["role"] = _("请选择在联席组织中的职务。")
    since = _date(errors, "since", since or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        committee = _committee_for_write(actor, committee, lock=True)
        units_q, departments_q = seat_parties_q(committee)
        if unit is not None:
            found = ResidentUnit.objects.visible_to(actor).filter(pk=unit.pk).first()
            if found is None:
                raise Http404
            if not ResidentUnit.objects.filter(units_q, pk=found.pk).exists():
                raise ValidationError({"unit": _("驻区单位“%(name)s”不在本联席组织的区域内。") % {"name": found.name}})
            taken = CommitteeSeat.objects.current().filter(committee=committee, unit=found)
            party = {"unit": found}
        else:
            found = Department.objects.visible_to(actor).filter(pk=department.pk).first()
            if found is None:
                raise Http404
            if not Department.objects.filter(departments_q, pk=found.pk).exists():
                raise ValidationError({"department": _("职能部门“%(name)s”不是本区域所在区、街道的有效部门。") % {
                    "name": found.name}})
            taken = CommitteeSeat.objects.current().filter(committee=committee, department=found)
            party = {"department": found}
        if taken.exists():
            raise ValidationError({next(iter(party)): _("“%(name)s”已是本联席组织的成员单位。") % {"name": found.name}})
        try:
            with transaction.atomic():
                seat = CommitteeSeat.objects.create(committee=committee, person_name=person_name,
                                                    person_post=person_post, role=role, since=since, **party)
        except IntegrityError:
            raise ValidationError({next(iter(party)): _("“%(name)s”已是本联席组织的成员单位。") % {"name": found.name}}) from None
        record(actor, "committee.seat_add", seat, {"committee": committee.pk, "role": role,
                                                  **{k: v.pk for k, v in party.items()}})
    return seat


def seat_end(*, actor, seat, until=None) -> CommitteeSeat:
    found = CommitteeSeat.objects.visible_to(actor).filter(pk=seat.pk).first()
    if found is None:
        raise Http404
    until = until or timezone.localdate()
    with transaction.atomic():
        _committee_for_write(actor, found.committee, lock=True)
        found = CommitteeSeat.objects.select_for_update().get(pk=found.pk)
        if found.until is not None:
            raise TransitionError(_("该成员单位已经退出。"), code="transition")
        if until < found.since:
            raise ValidationError({"until": _("终止日期不能早于起始日期。")})
        found.until = until
        found.save(update_fields=["until"])
        record(actor, "committee.seat_end", found, {"until": until.isoformat()})
    return found


# ---------------------------------------------------------------------------- meetings
def meeting_record(*, actor, committee, starts_at, ends_at, place="", topic, minutes="",
                   attending_seats=()) -> CommitteeMeeting:
    """File the meeting as an activity (联席会议) of the convening organization and record
    which seats attended — both or neither."""
    from assessments.life.actions import activity_file
    from assessments.life.models import ActivityType

    committee = _committee_for_write(actor, committee)
    if not committee.active:
        raise ValidationError({"committee": _("该联席组织已停止运行，不能再登记会议。")})
    seat_ids = {s.pk for s in attending_seats or ()}
    seats = list(CommitteeSeat.objects.current().filter(committee=committee, pk__in=seat_ids))
    if len(seats) != len(seat_ids):
        raise ValidationError({"attending_seats": _("出席单位须是本联席组织在任的成员单位。")})
    meeting_type = ActivityType.objects.filter(code=MEETING_TYPE).first()
    if meeting_type is None:  # the type ships with assessments' data migration
        raise ValidationError({"committee": _("系统缺少“联席会议”活动类型，请联系管理员。")})
    with transaction.atomic():
        activity = activity_file(actor=actor, org=committee.convener, activity_type=meeting_type,
                                 starts_at=starts_at, ends_at=ends_at, topic=topic, place=place, minutes=minutes)
        meeting = CommitteeMeeting.objects.create(committee=committee, activity=activity)
        meeting.attending.set(seats)
        record(actor, "committee.meeting", meeting, {"committee": committee.pk, "activity": activity.pk,
                                                    "attending": sorted(seat_ids)})
    return meeting


# ---------------------------------------------------------------------------- problems
def problem_raise(*, actor, meeting, title, description="", raised_by=None, now=None) -> CommitteeProblem:
    found = CommitteeMeeting.objects.visible_to(actor).select_related("committee").filter(pk=meeting.pk).first()
    if found is None:
        raise Http404
    committee = _committee_for_write(actor, found.committee)
    errors = {}
    title = check_text(errors, "title", title, TITLE_MAX, empty_message=_("请填写问题。"))
    description = check_text(errors, "description", description, TEXT_MAX, required=False)
    if raised_by is not None and not CommitteeSeat.objects.filter(committee=committee, pk=raised_by.pk).exists():
        errors["raised_by"] = _("提出单位须是本联席组织的成员单位。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        problem = CommitteeProblem.objects.create(
            committee=committee, meeting=found, title=title, description=description, raised_by=raised_by,
            status=ProblemStatus.OPEN, created_by=actor, created_at=now or timezone.now())
        problem.make_event(actor=actor, from_status="", to_status=ProblemStatus.OPEN, note=_("会议提出")).save()
        record(actor, "committee.problem_raise", problem, {"meeting": found.pk})
    return problem


def _visible_problem(actor, problem) -> CommitteeProblem:
    found = (CommitteeProblem.objects.visible_to(actor).select_related("committee__area", "whistle")
             .filter(pk=problem.pk).first())
    if found is None:
        raise Http404
    _require_manage(actor, found.committee)
    return found


def _problem_refusal(verb):
    return action_refusal(verb, known=PROBLEM_REFUSALS, statuses=ProblemStatus, verbs=ProblemAction,
                          otherwise=_("该问题当前为“%(now)s”，不能%(verb)s。"))


def _check_not_held(locked):
    """A whistled problem waits for its whistle, unless the whistle was cancelled."""
    from services.whistles.choices import WhistleStatus
    from services.whistles.models import Whistle

    if locked.status != ProblemStatus.WHISTLED:
        return
    status = Whistle.objects.filter(pk=locked.whistle_id).values_list("status", flat=True).first()
    if status == WhistleStatus.CLOSED:
        raise TransitionError(_("该问题已通过吹哨解决。"), code="transition")
    if status != WhistleStatus.CANCELLED:
        raise TransitionError(_("该问题已吹哨，正在由职能部门和单位办理，请在吹哨事项中跟进。"), code="transition")


def _problem_transition(verb, problem, *, actor, note, **changes):
    starts, to_status = PROBLEM_ACTIONS[verb]
    with transaction.atomic():
        obj, event = transition(CommitteeProblem, problem.pk, to_status, PROBLEM_TRANSITIONS, actor=actor, note=note,
                                allowed_from=starts, refusal=_problem_refusal(verb), check=_check_not_held, **changes)
        record(actor, f"committee.problem_{verb}", obj, {"from": event.from_status, "to": to_status})
    return obj


def problem_settle(*, actor, problem, settlement, settled_by=None, now=None) -> CommitteeProblem:
    """Settled by the committee itself (often through a member unit's commitment)."""
    problem = _visible_problem(actor, problem)
    errors = {}
    settlement = check_text(errors, "settlement", settlement, TEXT_MAX, empty_message=_("请说明解决情况。"))
    if settled_by is not None and not CommitteeSeat.objects.filter(committee_id=problem.committee_id,
                                                                   pk=settled_by.pk).exists():
        errors["settled_by"] = _("承诺解决的单位须是本联席组织的成员单位。")
    if errors:
        raise ValidationError(errors)
    return _problem_transition(ProblemAction.SETTLE, problem, actor=actor, note=settlement[:200],
                               settlement=settlement, settled_by=settled_by, settled_at=now or timezone.now())


def problem_decline(*, actor, problem, reason) -> CommitteeProblem:
    problem = _visible_problem(actor, problem)
    errors = {}
    reason = check_text(errors, "reason", reason, REASON_MAX, empty_message=_("请说明不予解决的原因。"))
    if errors:
        raise ValidationError(errors)
    return _problem_transition(ProblemAction.DECLINE, problem, actor=actor, note=reason[:200], decline_reason=reason)


def problem_whistle(*, actor, problem, departments=(), units=(), title=None, description=None,
                    report_due=None, resolve_due=None, now=None) -> CommitteeProblem:
    """Turn the problem into a whistle from the committee's area to the departments and
    units picked (source 联席会议), in one transaction."""
    from services.whistles.actions import whistle_create
    from services.whistles.choices import WhistleSource
    from services.whistles.permissions import WHISTLE_LEVELS

    problem = _visible_problem(actor, problem)
    area = problem.committee.area
    if area.level not in WHISTLE_LEVELS:
        raise ValidationError({"departments": _("只有街道、社区的联席组织可以吹哨；区级联席会的问题请直接交办职能部门。")})
    with transaction.atomic():
        locked = CommitteeProblem.objects.select_for_update().get(pk=problem.pk)
        starts, _to = PROBLEM_ACTIONS[ProblemAction.WHISTLE]
        if locked.status not in starts:
            raise TransitionError(_problem_refusal(ProblemAction.WHISTLE)(locked.status), code="transition")
        _check_not_held(locked)
        whistle = whistle_create(
            actor=actor, area=area, title=(title or locked.title), description=(description or locked.description
                                                                               or locked.title),
            departments=departments, units=units, report_due=report_due, resolve_due=resolve_due,
            origin=(WhistleSource.COMMITTEE, locked.pk), now=now)
        return _problem_transition(ProblemAction.WHISTLE, locked, actor=actor,
                                   note=_("吹哨：%(code)s") % {"code": whistle.code}, whistle=whistle)


# ------------------------------------------------------------------------- commitments
def _amount(errors, value):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["amount"] = _("金额须为数字。")
        return None
    if amount <= 0 or amount >= Decimal("10000000000"):
        errors["amount"] = _("金额须大于 0 且小于一百亿元。")
        return None
    return amount


def commitment_save(*, actor, seat, year, kind, content, amount=None, due=None) -> UnitCommitment:
    """A seat's commitment of ``kind`` for ``year`` (one of each kind a year)."""
    found = CommitteeSeat.objects.visible_to(actor).select_related("committee").filter(pk=seat.pk).first()
    if found is None:
        raise Http404
    committee = _committee_for_write(actor, found.committee)
    errors = {}
    if kind not in CommitmentKind.values:
        errors["kind"] = _("请选择承诺类别。")
    content = check_text(errors, "content", content, CONTENT_MAX, empty_message=_("请填写承诺内容。"))
    amount = _amount(errors, amount)
    if kind == CommitmentKind.FUNDS and amount is None and "amount" not in errors:
        errors["amount"] = _("“一笔资金”须填写金额。")
    if kind != CommitmentKind.FUNDS:
        amount = None
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = _("年度不正确。")
    if found.until is not None:
        errors["seat"] = _("该成员单位已退出，不能再登记承诺。")
    if not errors and UnitCommitment.objects.filter(seat=found, year=year, kind=kind).exists():
        errors["kind"] = _("该单位本年度已登记过“%(kind)s”。") % {"kind": CommitmentKind(kind).label}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            with transaction.atomic():
                commitment = UnitCommitment.objects.create(committee=committee, seat=found, year=year, kind=kind,
                                                           content=content, amount=amount, due=due)
        except IntegrityError:
            raise ValidationError({"kind": _("该单位本年度已登记过“%(kind)s”。") % {
                "kind": CommitmentKind(kind).label}}) from None
        record(actor, "committee.commitment", commitment, {"seat": found.pk, "year": year, "kind": kind,
                                                          "amount": str(amount) if amount is not None else None})
    return commitment


def commitment_fulfil(*, actor, commitment, fulfilled_on=None, note="") -> UnitCommitment:
    found = UnitCommitment.objects.visible_to(actor).select_related("committee").filter(pk=commitment.pk).first()
    if found is None:
        raise Http404
    _committee_for_write(actor, found.committee)
    errors = {}
    note = check_text(errors, "note", note, REASON_MAX, empty_message=_("请说明兑现情况。"))
    fulfilled_on = fulfilled_on or timezone.localdate()
    if fulfilled_on > timezone.localdate():
        errors["fulfilled_on"] = _("兑现日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = UnitCommitment.objects.select_for_update().get(pk=found.pk)
        if locked.fulfilled_on is not None:
            raise TransitionError(_("该承诺已经兑现。"), code="transition")
        locked.fulfilled_on = fulfilled_on
        locked.fulfilment = note
        locked.save(update_fields=["fulfilled_on", "fulfilment"])
        record(actor, "committee.commitment_fulfil", locked, {"on": fulfilled_on.isoformat()})
    return locked


# ---------------------------------------------------------------------------- pairings
def pairing_create(*, actor, organ_branch, compound_branch, since=None, note="") -> BranchPairing:
    errors = {}
    from network.committees.selectors import organ_branches_for

    organ = organ_branches_for(actor).filter(pk=getattr(organ_branch, "pk", None)).first()
    compound = PartyOrg.objects.visible_to(actor).filter(pk=getattr(compound_branch, "pk", None)).select_related(
        "area").first()
    if compound_branch is not None and compound is None:
        raise Http404
    if organ is None:
        errors["organ_branch"] = _("请选择一个机关党支部。")
    if compound is None or compound.category != OrgCategory.COMPOUND or compound.kind != OrgKind.BRANCH:
        errors["compound_branch"] = _("请选择一个小区党支部。")
    note = check_text(errors, "note", note, CONTENT_MAX, required=False)
    since = since or timezone.localdate()
    if errors:
        raise ValidationError(errors)
    if not permissions.can_manage_pairing(actor, compound):
        raise PermissionDeniedError(_("只有该小区党支部所在区域的工作人员可以登记结对共建。"))
    message = _("“%(name)s”已有结对的机关党支部，请先结束原结对。") % {"name": compound.name}
    with transaction.atomic():
        PartyOrg.objects.select_for_update().filter(pk=compound.pk).first()
        if BranchPairing.objects.current().filter(compound_branch=compound).exists():
            raise ValidationError({"compound_branch": message})
        try:
            with transaction.atomic():
                pairing = BranchPairing.objects.create(organ_branch=organ, compound_branch=compound, since=since,
                                                       note=note)
        except IntegrityError:
            raise ValidationError({"compound_branch": message}) from None
        record(actor, "committee.pairing", pairing, {"organ": organ.pk, "compound": compound.pk})
    return pairing


def pairing_end(*, actor, pairing, until=None) -> BranchPairing:
    found = BranchPairing.objects.visible_to(actor).select_related("compound_branch__area").filter(pk=pairing.pk).first()
    if found is None:
        raise Http404
    if not permissions.can_manage_pairing(actor, found.compound_branch):
        raise PermissionDeniedError(_("只有该小区党支部所在区域的工作人员可以结束结对共建。"))
    until = until or timezone.localdate()
    with transaction.atomic():
        locked = BranchPairing.objects.select_for_update().get(pk=found.pk)
        if locked.until is not None:
            raise TransitionError(_("该结对已经结束。"), code="transition")
        if until < locked.since:
            raise ValidationError({"until": _("结束日期不能早于结对日期。")})
        locked.until = until
        locked.save(update_fields=["until"])
        record(actor, "committee.pairing_end", locked, {"until": until.isoformat()})
    return locked
