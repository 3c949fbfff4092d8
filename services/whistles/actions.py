"""Writes of 吹哨报到 (whistles), their escalation, and the departments that answer them.

Who may do what
    * Whistling (``whistle_create``): the managing roles (``MANAGE_ROLES``) over the
      street or community that whistles.  The whistle names active departments the
      whistler can see (``Department.objects.visible_to``) whose area contains the
      whistling area (the district's or the street's departments), and/or resident units
      located inside the whistling area.  It may come from a resident request
      (``source=request``) or a people's-diary problem (``source=diary``, converted through
      ``grids.diary.actions.diary_convert`` in the same transaction).
    * Reporting in (报到) and answering (办理完毕): a ``Responder`` account of the named
      department or unit.
    * Confirming (确认办结, with 满意/基本满意/不满意) and sending back (退回重办, with a
      reason): the whistling side — ``MANAGE_ROLES`` over the whistle's area (which
      includes the cadres above it).  Cancelling (撤销) likewise.
    * Departments and their accounts: 系统管理员 and 区委组织部 over the department's area
      (``department_save``, ``responder_add``, ``responder_remove``); resident units'
      accounts also by the community cadres over the unit's community.

State
    Each named party (``WhistleTarget``) moves along ``TARGET_TRANSITIONS`` through
    ``dangjian.workflow.transition`` (lock, re-check, write, event).  The whistle's own
    status follows its targets along ``WHISTLE_TRANSITIONS`` (``transition_locked`` on the
    whistle already locked): every target confirmed → 已办结 (``closed_at``); none
    still to do and one awaiting confirmation → 待确认; otherwise 办理中.  A target action
    first locks the whistle row, then the target (always in that order, as the
    escalation does), so concurrent actions on one whistle are serialized.

Escalation (``whistle_escalate_overdue``, run by the periodic task)
    A target still 待报到 after ``report_due`` reaches stage 逾期未报到; a target not yet
    answered (待报到, 已报到 or 退回重办) after ``resolve_due`` reaches stage 逾期未办结.
    Each stage escalates a whistle once: when one of its targets first reaches a stage,
    ``escalated_to`` moves one level up the territory tree (from the current
    ``escalated_to``, else from ``area``), ``escalation_level`` grows by one and an event
    “逾期未报到，升级至…” is written.  The run locks the whistles it works on with
    ``select_for_update(skip_locked=True)`` and writes with conditional UPDATEs, so a
    second (or concurrent) run finds nothing more to do.

Errors: out of scope → ``Http404``; in scope but not allowed → ``PermissionDeniedError``;
bad input → ``ValidationError`` per field; a refused status change → ``TransitionError``.
"""

import secrets
from collections import defaultdict
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian import trees
from dangjian.audit import record
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.models import AuditEvent
from dangjian.scoping import get_scope
from dangjian.validation import check_text
from dangjian.workflow import transition, transition_locked
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.units.models import ResidentUnit
from services.resident.actions import CODE_ALPHABET, save_with_code
from services.resident.choices import Satisfaction
from services.whistles.choices import (
    LIVE_STATUSES,
    TARGET_ACTIONS,
    TARGET_TRANSITIONS,
    TODO_STATUSES,
    WHISTLE_TRANSITIONS,
    EscalationStage,
    TargetAction,
    TargetStatus,
    WhistleSource,
    WhistleStatus,
)
from services.whistles.models import Department, Responder, Whistle, WhistleEvent, WhistleTarget
from services.whistles.permissions import (
    DEPARTMENT_ROLES,
    WHISTLE_LEVELS,
    answers_for,
    can_manage_department,
    can_manage_unit_accounts,
    can_whistle,
    is_whistler,
)

DEPARTMENT_LEVELS = (AreaLevel.DISTRICT, AreaLevel.STREET)

DEFAULT_REPORT_HOURS = 24
DEFAULT_RESOLVE_DAYS = 7
TITLE_MAX = 100
DESCRIPTION_MAX = 2000
ANSWER_MAX = 2000
REASON_MAX = 500
ESCALATION_BATCH = 500

# The marker ``to_status`` of an escalation event.
ESCALATED = "escalated"

TARGET_REFUSALS = {
    (TargetAction.REPORT, TargetStatus.REPORTED): _("已经报到过了。"),
    (TargetAction.REPORT, TargetStatus.RESOLVED): _("该单位已办理完毕，无需再报到。"),
    (TargetAction.REPORT, TargetStatus.CONFIRMED): _("该事项已确认办结。"),
    (TargetAction.REPORT, TargetStatus.REOPENED): _("已经报到过了，请继续办理。"),
    (TargetAction.RESOLVE, TargetStatus.NOTIFIED): _("请先报到，再登记办理结果。"),
    (TargetAction.RESOLVE, TargetStatus.RESOLVED): _("已经登记办理完毕，正在等待吹哨方确认。"),
    (TargetAction.RESOLVE, TargetStatus.CONFIRMED): _("该事项已确认办结。"),
    (TargetAction.CONFIRM, TargetStatus.CONFIRMED): _("已经确认过了。"),
    (TargetAction.REOPEN, TargetStatus.CONFIRMED): _("已经确认办结，不能再退回。"),
}


# ---------------------------------------------------------------------------- helpers
def new_whistle_code(now=None, rng=None) -> str:
    """``CS`` + date + five letters/digits, e.g. ``CS261122K7M2Q``."""
    now = now or timezone.now()
    choice = rng.choice if rng is not None else secrets.choice
    return "CS" + timezone.localtime(now).strftime("%y%m%d") + "".join(choice(CODE_ALPHABET) for _ in range(5))


def _text(errors, name, value, maximum, empty):
    return check_text(errors, name, value, maximum, empty_message=empty)


def _inside(node, area) -> bool:
    """``node`` lies in ``area``'s subtree (both loaded with tree columns)."""
    return trees.contains(area, node)


def _party_names(targets) -> str:
    return "、".join(str(t.party) for t in targets)


# ---------------------------------------------------------------------------- create
def whistle_create(*, actor, area, title, description, departments=(), units=(), report_due=None, resolve_due=None,
                   request=None, diary=None, origin=None, now=None) -> Whistle:
    """Blow the whistle from ``area`` (a street or community) on the named departments and
    resident units.  ``request`` (a ``ServiceRequest``) or ``diary`` (a ``DiaryEntry``)
    marks where the problem came from; a diary problem is converted in the same
    transaction.  ``origin`` is ``(source, id)`` of a source its own feature has checked
    (a joint committee's problem: ``network.committees.actions.problem_whistle``).
    Deadlines default to 24 hours to report in and 7 days to resolve."""
    now = now or timezone.now()
    if area is None:
        raise ValidationError({"area": _("请选择吹哨的街道或社区。")})
    area = Area.objects.visible_to(actor).filter(pk=area.pk).first()
    if area is None:
        raise Http404
    if area.level not in WHISTLE_LEVELS:
        raise ValidationError({"area": _("只有街道或社区可以吹哨。")})
    if not can_whistle(actor, area):
        raise PermissionDeniedError(_("只有街道、社区的工作人员（及其上级）可以在本区域吹哨。"))

    errors = {}
    title = _text(errors, "title", title, TITLE_MAX, _("请填写吹哨事项。"))
    description = _text(errors, "description", description, DESCRIPTION_MAX, _("请说明情况。"))
    report_due = report_due or now + timedelta(hours=DEFAULT_REPORT_HOURS)
    resolve_due = resolve_due or now + timedelta(days=DEFAULT_RESOLVE_DAYS)
    if report_due <= now:
        errors["report_due"] = _("报到截止时间必须晚于现在。")
    if resolve_due <= now:
        errors["resolve_due"] = _("办结截止时间必须晚于现在。")
    elif report_due > resolve_due:
        errors["resolve_due"] = _("办结截止时间不能早于报到截止时间。")

    dept_ids = {d.pk for d in departments or ()}
    unit_ids = {u.pk for u in units or ()}
    found_depts = list(
        Department.objects.visible_to(actor).filter(pk__in=dept_ids).select_related("area").order_by(*trees.preorder("area"), "name")
    ) if dept_ids else []
    found_units = list(ResidentUnit.objects.filter(pk__in=unit_ids).select_related("community").order_by("name")) if unit_ids else []
    if len(found_depts) != len(dept_ids):
        errors["departments"] = _("所选职能部门不存在或不在您的可选范围内。")
    else:
        wrong = [d.name for d in found_depts if not d.is_active or not _inside(area, d.area)]
        if wrong:
            errors["departments"] = _("职能部门“%(names)s”不是本区域所在区或街道的有效部门。") % {"names": "、".join(wrong)}
    if len(found_units) != len(unit_ids):
        errors["units"] = _("所选驻区单位不存在。")
    else:
        wrong = [u.name for u in found_units if not _inside(u.community, area)]
        if wrong:
            errors["units"] = _("驻区单位“%(names)s”不在本区域内。") % {"names": "、".join(wrong)}
    if not dept_ids and not unit_ids and "departments" not in errors:
        errors["departments"] = _("请至少选择一个职能部门或驻区单位。")

    source, source_id = WhistleSource.NEW, None
    if origin is not None:
        source, source_id = origin
    if request is not None and diary is not None:
        errors["request"] = _("一个吹哨事项只能来自一条诉求或一条民情日记。")
    elif request is not None:
        from services.requests.models import ServiceRequest

        found = ServiceRequest.objects.visible_to(actor).select_related("community").filter(pk=request.pk).first()
        if found is None:
            raise Http404
        if not _inside(found.community, area):
            errors["request"] = _("该诉求不在吹哨区域内。")
        elif Whistle.objects.filter(source=WhistleSource.REQUEST, source_id=found.pk).exclude(
                status=WhistleStatus.CANCELLED).exists():
            errors["request"] = _("该诉求已经吹哨，请勿重复吹哨。")
        source, source_id = WhistleSource.REQUEST, found.pk
    elif diary is not None:
        from grids.diary.models import DiaryEntry

        found = DiaryEntry.objects.visible_to(actor).select_related("grid__community").filter(pk=diary.pk).first()
        if found is None:
            raise Http404
        if not _inside(found.grid.community, area):
            errors["diary"] = _("该民情日记不在吹哨区域内。")
        source, source_id = WhistleSource.DIARY, found.pk
        diary = found
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        whistle = Whistle(
            area=area, title=title, description=description, source=source, source_id=source_id,
            status=WhistleStatus.OPEN, report_due=report_due, resolve_due=resolve_due, created_by=actor, created_at=now,
        )
        save_with_code(whistle, lambda: new_whistle_code(now))
        targets = WhistleTarget.objects.bulk_create(
            [WhistleTarget(whistle=whistle, department=d) for d in found_depts]
            + [WhistleTarget(whistle=whistle, unit=u) for u in found_units]
        )
        if diary is not None:
            from grids.diary.actions import diary_convert
            from grids.diary.choices import ConversionTarget

            try:
                diary_convert(actor=actor, entry=diary, target=ConversionTarget.WHISTLE, target_id=whistle.pk)
            except ValidationError as exc:
                raise ValidationError({"diary": exc.messages}) from None
        events = [whistle.make_event(actor=actor, from_status="", to_status=WhistleStatus.OPEN,
                                     note=_("吹哨：%(names)s") % {"names": _party_names(targets)}, target=None)]
        events += [t.make_event(actor=actor, from_status="", to_status=TargetStatus.NOTIFIED) for t in targets]
        for e in events:
            e.at = now
        WhistleEvent.objects.bulk_create(events)
        record(actor, "whistle.create", whistle, {
            "area": area.pk, "departments": sorted(dept_ids), "units": sorted(unit_ids),
            "source": source, "source_id": source_id,
        })
    return whistle


# ------------------------------------------------------------------- target actions
def _target_refusal(verb):
    def message(current):
        known = TARGET_REFUSALS.get((verb, current))
        if known is not None:
            return str(known)
        return _("该单位当前为“%(now)s”，不能%(verb)s。") % {
            "now": TargetStatus(current).label, "verb": TargetAction(verb).label}
    return message


def _visible_target(actor, target) -> WhistleTarget:
    found = (
        WhistleTarget.objects.visible_to(actor).select_related("whistle__area", "department", "unit")
        .filter(pk=target.pk).first()
    )
    if found is None:
        raise Http404
    return found


def _sync_whistle(whistle, *, actor, now):
    """Make the (locked) whistle's status follow its targets; one event when it changes
    (``transition_locked``: the whistle is locked before its target, so it is not taken again)."""
    statuses = set(WhistleTarget.objects.filter(whistle_id=whistle.pk).values_list("status", flat=True))
    if whistle.status not in LIVE_STATUSES:
        return whistle
    if statuses and statuses <= {TargetStatus.CONFIRMED}:
        to = WhistleStatus.CLOSED
    elif TargetStatus.RESOLVED in statuses and not statuses & set(TODO_STATUSES):
        to = WhistleStatus.AWAITING
    else:
        to = WhistleStatus.OPEN
    if to == whistle.status:
        return whistle
    notes = {WhistleStatus.CLOSED: _("全部单位确认办结"), WhistleStatus.AWAITING: _("各单位已办理完毕，待吹哨方确认"),
             WhistleStatus.OPEN: _("有单位尚在办理")}
    transition_locked(whistle, to, WHISTLE_TRANSITIONS, actor=actor, note=notes[to],
                      closed_at=now if to == WhistleStatus.CLOSED else None)
    return whistle


def _target_transition(verb, target, *, actor, note="", check=None, now=None, **changes) -> WhistleTarget:
    starts, to_status = TARGET_ACTIONS[verb]
    now = now or timezone.now()
    with transaction.atomic():
        # lock order: the whistle, then its target (as the escalation does)
        whistle = Whistle.objects.select_for_update().get(pk=target.whistle_id)
        if whistle.status == WhistleStatus.CANCELLED:
            raise TransitionError(_("该吹哨事项已撤销。"), code="transition")
        obj, event = transition(
            WhistleTarget, target.pk, to_status, TARGET_TRANSITIONS, actor=actor, note=note, allowed_from=starts,
            refusal=_target_refusal(verb), check=check, **changes,
        )
        _sync_whistle(whistle, actor=actor, now=now)
        record(actor, f"whistle.{verb}", obj, {"from": event.from_status, "to": to_status, "whistle": whistle.pk})
    obj.whistle = whistle
    return obj


def _require_responder(actor, target, message):
    if not answers_for(actor, target):
        raise PermissionDeniedError(message)


def _require_whistler(actor, target, message):
    if not is_whistler(actor, target.whistle):
        raise PermissionDeniedError(message)


def whistle_report_in(*, actor, target, note="", now=None) -> WhistleTarget:
    """报到: the department or unit acknowledges the whistle."""
    now = now or timezone.now()
    target = _visible_target(actor, target)
    _require_responder(actor, target, _("只有被吹哨的部门或单位的报到账号可以报到。"))
    return _target_transition(
        TargetAction.REPORT, target, actor=actor, note=(note or "").strip()[:REASON_MAX] or _("已报到"), now=now,
        reported_at=now, reported_by=actor,
    )


def whistle_resolve(*, actor, target, answer, now=None) -> WhistleTarget:
    """办理完毕: the department or unit answers; the whistling side then confirms or sends it back."""
    now = now or timezone.now()
    target = _visible_target(actor, target)
    _require_responder(actor, target, _("只有被吹哨的部门或单位的报到账号可以登记办理结果。"))
    errors = {}
    answer = _text(errors, "answer", answer, ANSWER_MAX, _("请填写办理结果。"))
    if errors:
        raise ValidationError(errors)
    return _target_transition(TargetAction.RESOLVE, target, actor=actor, note=answer[:REASON_MAX], now=now,
                              answer=answer, resolved_at=now)


def whistle_confirm(*, actor, target, satisfaction, note="", now=None) -> WhistleTarget:
    """确认办结 with the whistling side's satisfaction (满意 / 基本满意 / 不满意)."""
    now = now or timezone.now()
    target = _visible_target(actor, target)
    _require_whistler(actor, target, _("只有吹哨的街道、社区工作人员可以确认办结。"))
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意度。")})
    label = Satisfaction(satisfaction).label
    note = (note or "").strip()
    return _target_transition(
        TargetAction.CONFIRM, target, actor=actor, note=f"{label}：{note}"[:REASON_MAX] if note else label, now=now,
        satisfaction=satisfaction, confirmed_at=now,
    )


def whistle_reopen(*, actor, target, reason, now=None) -> WhistleTarget:
    """退回重办: the answer does not settle the problem; the unit works on it again."""
    now = now or timezone.now()
    target = _visible_target(actor, target)
    _require_whistler(actor, target, _("只有吹哨的街道、社区工作人员可以退回重办。"))
    errors = {}
    reason = _text(errors, "reason", reason, REASON_MAX, _("请填写退回的原因。"))
    if errors:
        raise ValidationError(errors)
    obj = _target_transition(TargetAction.REOPEN, target, actor=actor, note=reason, now=now,
                             reopen_count=F("reopen_count") + 1, resolved_at=None)
    obj.refresh_from_db(fields=["reopen_count"])
    return obj


def whistle_cancel(*, actor, whistle, reason, now=None) -> Whistle:
    """撤销 a whistle still in progress (the whistling side, with a reason)."""
    now = now or timezone.now()
    found = Whistle.objects.visible_to(actor).select_related("area").filter(pk=whistle.pk).first()
    if found is None:
        raise Http404
    if not is_whistler(actor, found):
        raise PermissionDeniedError(_("只有吹哨的街道、社区工作人员可以撤销吹哨。"))
    errors = {}
    reason = _text(errors, "reason", reason, REASON_MAX, _("请填写撤销的原因。"))
    if errors:
        raise ValidationError(errors)

    def refusal(current):
        if current == WhistleStatus.CANCELLED:
            return _("该吹哨事项已经撤销。")
        return _("该吹哨事项已办结，不能撤销。")

    with transaction.atomic():
        obj, event = transition(
            Whistle, found.pk, WhistleStatus.CANCELLED, WHISTLE_TRANSITIONS, actor=actor, note=reason,
            refusal=refusal,
        )
        record(actor, "whistle.cancel", obj, {"from": event.from_status, "reason": reason})
    return obj


# ------------------------------------------------------------------------ escalation
def _overdue_q(now, prefix=""):
    p = f"{prefix}__" if prefix else ""
    report = Q(**{f"{p}status": TargetStatus.NOTIFIED, f"{p}whistle__report_due__lt": now,
                  f"{p}escalation_stage__lt": EscalationStage.REPORT_OVERDUE})
    resolve = Q(**{f"{p}status__in": TODO_STATUSES, f"{p}whistle__resolve_due__lt": now,
                   f"{p}escalation_stage__lt": EscalationStage.RESOLVE_OVERDUE})
    return report | resolve


def _stages_due(status, report_due, resolve_due, now):
    """The escalation stages a target in ``status`` qualifies for at ``now``."""
    stages = set()
    if status == TargetStatus.NOTIFIED and report_due < now:
        stages.add(EscalationStage.REPORT_OVERDUE)
    if status in TODO_STATUSES and resolve_due < now:
        stages.add(EscalationStage.RESOLVE_OVERDUE)
    return stages


def whistle_escalate_overdue(*, now=None, batch=ESCALATION_BATCH) -> int:
    """Escalate every overdue whistle once per newly reached stage; returns the number of
    escalation steps taken (0 when there is nothing new — running it again is harmless)."""
    now = now or timezone.now()
    steps = 0
    while True:
        done, found = _escalate_batch(now, batch)
        steps += done
        if found < batch:
            return steps


def _escalate_batch(now, batch):
    """One transaction over at most ``batch`` whistles: ``(steps taken, whistles locked)``."""
    notes = {
        EscalationStage.REPORT_OVERDUE: _("逾期未报到（%(names)s），升级至%(area)s"),
        EscalationStage.RESOLVE_OVERDUE: _("逾期未办结（%(names)s），升级至%(area)s"),
    }
    with transaction.atomic():
        ids = list(
            Whistle.objects.select_for_update(skip_locked=True)
            .filter(status=WhistleStatus.OPEN, pk__in=WhistleTarget.objects.filter(_overdue_q(now)).values("whistle_id"))
            .order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return 0, 0
        # Read again under the lock: nobody else can change these whistles' targets now.
        rows = WhistleTarget.objects.filter(whistle_id__in=ids).select_related("department", "unit", "whistle").order_by("pk")
        old_stage = defaultdict(int)  # the whistle's stage so far: the highest of its targets'
        late = defaultdict(lambda: defaultdict(list))  # whistle → stage → parties newly reaching it
        raise_to = defaultdict(list)  # stage → target ids
        for t in rows:
            old_stage[t.whistle_id] = max(old_stage[t.whistle_id], t.escalation_stage)
            fresh = {s for s in _stages_due(t.status, t.whistle.report_due, t.whistle.resolve_due, now)
                     if s > t.escalation_stage}
            if fresh:
                raise_to[max(fresh)].append(t.pk)
                for s in fresh:
                    late[t.whistle_id][s].append(str(t.party))
        for stage, pks in raise_to.items():
            WhistleTarget.objects.filter(pk__in=pks, escalation_stage__lt=stage).update(
                escalation_stage=stage, escalated_at=now, updated_at=now)
        new_steps = {pk: sorted(s for s in late[pk] if s > old_stage[pk]) for pk in ids}
        changed = [pk for pk in ids if new_steps[pk]]
        if not changed:
            return 0, len(ids)
        whistles = list(
            Whistle.objects.filter(pk__in=changed)
            .select_related("area__parent__parent", "escalated_to__parent__parent").order_by("pk")
        )
        events, audits, steps = [], [], 0
        for w in whistles:
            node = w.escalated_to or w.area
            for stage in new_steps[w.pk]:
                node = node.parent if node.parent_id else node
                w.escalation_level += 1
                steps += 1
                names = "、".join(late[w.pk][stage])
                events.append(WhistleEvent.of(
                    whistle=w, actor=None, from_status=w.status, to_status=ESCALATED, at=now,
                    note=str(notes[stage] % {"names": names, "area": node.name}),
                ))
            w.escalated_to = node
            w.updated_at = now
            audits.append(AuditEvent(
                actor=None, verb="whistle.escalate", target_type=w._meta.label_lower, target_id=str(w.pk),
                target_repr=str(w)[:200],
                changes={"escalated_to": node.pk, "level": w.escalation_level, "stages": new_steps[w.pk]},
            ))
        Whistle.objects.bulk_update(whistles, ["escalated_to", "escalation_level", "updated_at"])
        WhistleEvent.objects.bulk_create(events)
        AuditEvent.objects.bulk_create(audits)
    return steps, len(ids)


# ----------------------------------------------------------------------- departments
def department_save(*, actor, area, name, phone="", is_active=True, department=None) -> Department:
    """Create (``department=None``) or change a functional department of a district or street."""
    errors = {}
    name = _text(errors, "name", name, 100, _("请填写部门名称。"))
    phone = (phone or "").strip()
    if len(phone) > 30:
        errors["phone"] = _("不能超过 %(n)d 个字。") % {"n": 30}
    if area is None:
        errors["area"] = _("请选择部门所属的区或街道。")
    elif area.level not in DEPARTMENT_LEVELS:
        errors["area"] = _("职能部门只能设在区或街道。")
    if department is not None:
        department = Department.objects.visible_to(actor).select_related("area").filter(pk=department.pk).first()
        if department is None:
            raise Http404
        if not can_manage_department(actor, department):
            raise PermissionDeniedError(_("只有系统管理员和区委组织部可以管理职能部门。"))
    if area is not None and not get_scope(actor).covers_area(area, DEPARTMENT_ROLES):
        raise PermissionDeniedError(_("只有系统管理员和区委组织部可以管理本区域的职能部门。"))
    if not errors:
        clash = Department.objects.filter(area=area, name=name)
        if department is not None:
            clash = clash.exclude(pk=department.pk)
        if clash.exists():
            errors["name"] = _("该区域已有同名部门。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        creating = department is None
        if creating:
            department = Department(area=area, name=name, phone=phone, is_active=bool(is_active))
            before = {}
        else:
            before = {"area": department.area_id, "name": department.name, "phone": department.phone,
                      "is_active": department.is_active}
            department.area, department.name, department.phone = area, name, phone
            department.is_active = bool(is_active)
        department.save()
        after = {"area": department.area_id, "name": name, "phone": phone, "is_active": department.is_active}
        record(actor, "department.create" if creating else "department.update", department,
               {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v})
    return department


def responder_add(*, actor, username, department=None, unit=None, full_name="", password="") -> Responder:
    """Give a user account (an existing one, or a new one with ``password``) the right to
    report in and answer for a department or a resident unit."""
    if (department is None) == (unit is None):
        raise ValidationError(_("请选择一个职能部门或一个驻区单位。"))
    if department is not None:
        department = Department.objects.visible_to(actor).select_related("area").filter(pk=department.pk).first()
        if department is None:
            raise Http404
        if not can_manage_department(actor, department):
            raise PermissionDeniedError(_("只有系统管理员和区委组织部可以管理职能部门的报到账号。"))
    else:
        unit = ResidentUnit.objects.visible_to(actor).select_related("community").filter(pk=unit.pk).first()
        if unit is None:
            raise Http404
        if not can_manage_unit_accounts(actor, unit):
            raise PermissionDeniedError(_("只有社区工作人员及其上级可以管理驻区单位的报到账号。"))
    errors = {}
    username = (username or "").strip()
    User = get_user_model()
    user = User.objects.filter(username=username).first() if username else None
    if not username:
        errors["username"] = _("请填写账号。")
    elif user is None and not password:
        errors["password"] = _("新账号请设置初始密码。")
    elif user is None:
        try:  # the one password policy (AUTH_PASSWORD_VALIDATORS), also against the new name
            validate_password(password, User(username=username, first_name=(full_name or "").strip()[:150]))
        except ValidationError as exc:
            errors["password"] = exc.messages
    if user is not None and Responder.objects.filter(user=user, department=department, unit=unit).exists():
        errors["username"] = _("该账号已经是报到账号。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if user is None:
            user = User(username=username, first_name=(full_name or "").strip()[:150])
            user.set_password(password)
            user.save()
        responder = Responder.objects.create(user=user, department=department, unit=unit)
        record(actor, "responder.add", responder, {"user": user.pk, "department": getattr(department, "pk", None),
                                                   "unit": getattr(unit, "pk", None)})
    return responder


def responder_remove(*, actor, responder) -> None:
    found = Responder.objects.select_related("department__area", "unit__community").filter(pk=responder.pk).first()
    if found is None:
        raise Http404
    if found.department_id is not None:
        if not Department.objects.visible_to(actor).filter(pk=found.department_id).exists():
            raise Http404
        allowed = can_manage_department(actor, found.department)
    else:
        if not ResidentUnit.objects.visible_to(actor).filter(pk=found.unit_id).exists():
            raise Http404
        allowed = can_manage_unit_accounts(actor, found.unit)
    if not allowed:
        raise PermissionDeniedError(_("您无权移除该报到账号。"))
    with transaction.atomic():
        record(actor, "responder.remove", found, {"user": found.user_id})
        found.delete()
