"""Writes of 民主评议党员: one function per use case.

    appraisal_create (branch, year, meeting) → appraisal_grade (the sheet, as often as
    needed while 评议中) → appraisal_confirm (支部确认: every member graded, the rules hold)
    → appraisal_approve (上级审核, optional) | appraisal_reopen (back to 评议中, with a reason)

The rules (``assessments.appraisal.rules``) are checked on every save of the sheet and again
on confirmation, on the locked round: an in-service member who did not report to their
residence community during the year cannot be graded 合格 or above; 基本合格 and 不合格 need
a note; 优秀 at most one third of the members graded.  A refused row is a ``ValidationError``
keyed ``grade_<member id>`` and nothing of the sheet is written.

Lock, check, record: every write takes the round with ``select_for_update``, re-checks its
state, writes, and records an ``AppraisalEvent`` and an audit event.  Out of scope is
``Http404``; in scope but not allowed ``PermissionDeniedError``; a state that does not allow
the change ``TransitionError``.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.appraisal import permissions, rules, selectors
from assessments.appraisal.choices import (
    APPRAISAL_ACTIONS,
    APPRAISAL_TRANSITIONS,
    AppraisalAction,
    AppraisalStatus,
    Grade,
)
from assessments.appraisal.models import Appraisal, AppraisalEvent, AppraisalGrade
from dangjian.audit import record
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.workflow import transition

REASON_MAX = 300

_REFUSALS = {
    (AppraisalAction.CONFIRM, AppraisalStatus.CONFIRMED): gettext_lazy("评议结果已经确认。"),
    (AppraisalAction.CONFIRM, AppraisalStatus.APPROVED): gettext_lazy("评议结果已经上级审核，不能再次确认。"),
    (AppraisalAction.APPROVE, AppraisalStatus.DRAFT): gettext_lazy("支部尚未确认评议结果，不能审核。"),
    (AppraisalAction.APPROVE, AppraisalStatus.APPROVED): gettext_lazy("评议结果已经审核通过。"),
    (AppraisalAction.REOPEN, AppraisalStatus.DRAFT): gettext_lazy("评议正在进行中。"),
    (AppraisalAction.REOPEN, AppraisalStatus.APPROVED): gettext_lazy("评议结果已经上级审核，不能退回。"),
}


def _who(actor):
    return actor if getattr(actor, "pk", None) else None


def _visible(actor, appraisal) -> Appraisal:
    pk = getattr(appraisal, "pk", appraisal)
    found = (Appraisal.objects.visible_to(actor).select_related("org__area", "org__parent__area").filter(pk=pk).first()
             if pk is not None else None)
    if found is None:
        raise Http404
    return found


def _require_grader(actor, org):
    if not permissions.can_grade(actor, org):
        raise PermissionDeniedError(_("只有本支部的书记、委员等管理人员可以开展民主评议党员。"))


def _event(appraisal, actor, action, *, from_status="", to_status="", note=""):
    AppraisalEvent.of(appraisal=appraisal, actor=actor, action=action, from_status=from_status, to_status=to_status,
                      note=note).save()


def _refuse(message):
    raise TransitionError(message, code="transition")


# ------------------------------------------------------------------------------ create
@transaction.atomic
def appraisal_create(*, actor, org, year, activity=None, today=None) -> Appraisal:
    """Open ``org``'s 民主评议党员 for ``year`` (one per branch and year), held at ``activity``
    (a 组织生活会 or 民主评议党员 meeting of the branch in that year)."""
    from organizations.orgs.models import PartyOrg

    if org is None or not PartyOrg.objects.visible_to(actor).filter(pk=org.pk).exists():
        raise Http404
    org = PartyOrg.objects.select_related("area").get(pk=org.pk)
    _require_grader(actor, org)
    if org.kind not in selectors.APPRAISING_KINDS:
        raise ValidationError({"org": _("民主评议党员由党支部（党总支）开展，“%(org)s”不是党支部。") % {"org": org.name}})
    today = today or timezone.localdate()
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("请填写年度。")}) from None
    if not today.year - 1 <= year <= today.year:
        raise ValidationError({"year": _("只能为 %(a)d 至 %(b)d 年开展评议。") % {"a": today.year - 1, "b": today.year}})
    _check_meeting(org, year, activity)
    exists = _("“%(org)s”%(year)d 年的民主评议党员已经建立。") % {"org": org.name, "year": year}
    if Appraisal.objects.filter(org=org, year=year).exists():
        raise ValidationError({"year": exists})
    try:
        with transaction.atomic():
            appraisal = Appraisal.objects.create(org=org, year=year, activity=activity, created_by=_who(actor))
    except IntegrityError:  # opened at the same moment by someone else
        raise ValidationError({"year": exists}) from None
    _event(appraisal, actor, "create", to_status=appraisal.status)
    record(actor, "appraisal.create", appraisal, {"year": year, "activity": getattr(activity, "pk", None)})
    return appraisal


def _check_meeting(org, year, activity):
    if activity is None:
        return
    if activity.org_id != org.pk or activity.activity_type.code not in selectors.MEETING_TYPES:
        raise ValidationError({"activity": _("评议会议须是本支部召开的组织生活会或民主评议党员会议。")})
    if timezone.localtime(activity.starts_at).year != year:
        raise ValidationError({"activity": _("评议会议须在 %(year)d 年召开。") % {"year": year}})


# ------------------------------------------------------------------------------- grade
def _sheet_errors(appraisal, rows, entries) -> dict:
    """``{"grade_<id>": message}`` for each refused row of ``entries`` ({member id: (grade, note)})."""
    by_id = {row.pk: row for row in rows}
    errors = {}
    for member_id, (grade, note) in entries.items():
        row = by_id.get(member_id)
        if row is None:
            errors[f"grade_{member_id}"] = _("该党员不在本支部本年度的评议名单中。")
            continue
        if grade not in Grade.values:
            errors[f"grade_{member_id}"] = _("请选择%(name)s的评议等次。") % {"name": row.name}
            continue
        message = rules.grade_refusal(name=row.name, grade=grade, in_service=row.in_service, reported=row.reported,
                                      year=appraisal.year) or rules.note_refusal(name=row.name, grade=grade, note=note)
        if message:
            errors[f"grade_{member_id}"] = message
    return errors


def _excellent_errors(grades: dict, members: int) -> dict:
    excellent = sum(1 for g in grades.values() if g == Grade.EXCELLENT)
    message = rules.excellent_refusal(excellent=excellent, members=members)
    return {"__all__": message} if message else {}


def appraisal_grade(*, actor, appraisal, entries) -> Appraisal:
    """Save the grading sheet: ``entries`` maps member ids to ``(grade, note)`` (a blank
    grade leaves the member ungraded, removing a grade saved before).  All or nothing: a
    refused row raises ``ValidationError`` with every row's message."""
    appraisal = _visible(actor, appraisal)
    _require_grader(actor, appraisal.org)
    entries = {int(k): (v[0] or "", (v[1] or "").strip()) for k, v in entries.items()}
    with transaction.atomic():
        locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
        if locked.status != AppraisalStatus.DRAFT:
            _refuse(_("评议结果已%(s)s，不能再修改等次。") % {"s": AppraisalStatus(locked.status).label})
        rows = selectors.sheet_rows(locked)
        given = {k: v for k, v in entries.items() if v[0]}
        errors = _sheet_errors(locked, rows, given)
        saved = {g.member_id: g for g in AppraisalGrade.objects.filter(appraisal=locked)}
        after = {mid: g.grade for mid, g in saved.items() if mid not in entries}
        after.update({mid: grade for mid, (grade, _note) in given.items()})
        errors.update(_excellent_errors(after, len(rows)))
        if errors:
            raise ValidationError(errors)
        cleared = [mid for mid, (grade, _note) in entries.items() if not grade and mid in saved]
        if cleared:
            AppraisalGrade.objects.filter(appraisal=locked, member_id__in=cleared).delete()
        new, changed = [], []
        for mid, (grade, note) in given.items():
            old = saved.get(mid)
            if old is None:
                new.append(AppraisalGrade(appraisal=locked, member_id=mid, grade=grade, note=note, graded_by=_who(actor)))
            elif (old.grade, old.note) != (grade, note):
                old.grade, old.note, old.graded_by = grade, note, _who(actor)
                changed.append(old)
        AppraisalGrade.objects.bulk_create(new)
        if changed:
            now = timezone.now()
            for g in changed:
                g.graded_at = now
            AppraisalGrade.objects.bulk_update(changed, ["grade", "note", "graded_by", "graded_at"])
        if new or changed or cleared:
            note = _("评定 %(n)d 人，修改 %(c)d 人，清除 %(d)d 人") % {"n": len(new), "c": len(changed), "d": len(cleared)}
            _event(locked, actor, "grade", from_status=locked.status, to_status=locked.status, note=note)
            record(actor, "appraisal.grade", locked, {"new": len(new), "changed": len(changed), "cleared": len(cleared)})
        locked.save(update_fields=["updated_at"])
    return locked


# --------------------------------------------------------------------------- workflow
def _status_change(verb, appraisal, *, actor, note="", check=None, **changes) -> Appraisal:
    starts, to_status = APPRAISAL_ACTIONS[verb]

    def refusal(current):
        known = _REFUSALS.get((verb, current))
        if known is not None:
            return str(known)
        return _("评议当前为“%(now)s”，不能%(verb)s。") % {"now": AppraisalStatus(current).label,
                                                        "verb": AppraisalAction(verb).label}

    with transaction.atomic():
        obj, event = transition(Appraisal, appraisal.pk, to_status, APPRAISAL_TRANSITIONS, actor=actor, note=note,
                                allowed_from=starts, refusal=refusal, check=check, **changes)
        record(actor, f"appraisal.{verb}", obj, {"from": event.from_status, "to": to_status, "note": note})
    return obj


def appraisal_confirm(*, actor, appraisal) -> Appraisal:
    """The branch confirms the result: held at a meeting, every member on the sheet graded,
    the rules holding for every grade (re-checked on the locked round)."""
    appraisal = _visible(actor, appraisal)
    _require_grader(actor, appraisal.org)

    def check(locked):
        if locked.activity_id is None:
            _refuse(_("请先选择召开评议的组织生活会或民主评议党员会议，再确认结果。"))
        rows = selectors.sheet_rows(locked)
        missing = [row.name for row in rows if not row.grade]
        if missing:
            _refuse(_("还有 %(n)d 名党员未评定等次：%(names)s。") % {"n": len(missing), "names": "、".join(missing[:10])})
        if not rows:
            _refuse(_("评议名单中没有党员，不能确认。"))
        errors = _sheet_errors(locked, rows, {row.pk: (row.grade, row.grade_note) for row in rows})
        errors.update(_excellent_errors({row.pk: row.grade for row in rows}, len(rows)))
        if errors:
            _refuse("；".join(str(m) for m in errors.values()))

    return _status_change(AppraisalAction.CONFIRM, appraisal, actor=actor, check=check,
                          confirmed_at=timezone.now(), confirmed_by=_who(actor), return_reason="")


def appraisal_approve(*, actor, appraisal) -> Appraisal:
    appraisal = _visible(actor, appraisal)
    if not permissions.is_superior(actor, appraisal.org):
        raise PermissionDeniedError(_("只有上级党组织可以审核“%(org)s”的评议结果，本支部人员不能审核本支部的评议。") % {
            "org": appraisal.org.name})
    return _status_change(AppraisalAction.APPROVE, appraisal, actor=actor, approved_at=timezone.now(),
                          approved_by=_who(actor))


def appraisal_reopen(*, actor, appraisal, reason) -> Appraisal:
    """Back to 评议中, with the reason (the superior sending it back, or the branch correcting it)."""
    appraisal = _visible(actor, appraisal)
    if not permissions.can_reopen(actor, appraisal):
        raise PermissionDeniedError(_("只有本支部或上级党组织的管理人员可以退回评议结果。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明退回原因。")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("退回原因不能超过 %(n)d 个字。") % {"n": REASON_MAX}})
    return _status_change(AppraisalAction.REOPEN, appraisal, actor=actor, note=reason, return_reason=reason,
                          confirmed_at=None, confirmed_by=None)


def appraisal_set_meeting(*, actor, appraisal, activity) -> Appraisal:
    """Choose (or change) the meeting a round in progress was held at."""
    appraisal = _visible(actor, appraisal)
    _require_grader(actor, appraisal.org)
    with transaction.atomic():
        locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
        if locked.status != AppraisalStatus.DRAFT:
            _refuse(_("评议结果已%(s)s，不能更换评议会议。") % {"s": AppraisalStatus(locked.status).label})
        _check_meeting(appraisal.org, locked.year, activity)
        locked.activity = activity
        locked.save(update_fields=["activity", "updated_at"])
        _event(locked, actor, "meeting", from_status=locked.status, to_status=locked.status, note=str(activity)[:200])
        record(actor, "appraisal.meeting", locked, {"activity": getattr(activity, "pk", None)})
    return locked
