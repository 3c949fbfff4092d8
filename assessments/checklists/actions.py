"""Writes for the four lists (四张清单): one function per use case.

The yearly cycle (DOMAIN "Responsibility and assessment")::

    年初列清单   checklist_create → checklist_item_add/update/delete → checklist_submit
                 → checklist_approve | checklist_return (reason) → … → checklist_submit
    年中查清单   item_progress, item_complete (evidence), problems found by 月调度/半年督查/
                 观摩评议 (checklist_item_add kind=problem), rectifications with a deadline,
                 rectification_close (销号), checklist_midyear_check (the superior's notes)
    年底述清单   checklist_report (书记述职) → checklist_appraise (好/较好/一般/差)

Who: the organization's own cadres write the list and its progress; the superior approves,
returns, checks mid-year and appraises — never a cadre of the organization itself
(``assessments.checklists.permissions``).

Rules of the items:

* 责任清单 and 考核清单 items are added, changed and removed only while the list is a draft
  or has been returned; once approved they are only completed (``item_complete``).
* 问题清单 items can be added at any time of the year (until the appraisal) and name their
  source; they are never completed directly: a problem is closed (销号) when all its
  rectifications are closed.
* 整改清单 items link a problem of the same list and have a deadline; ``rectification_close``
  closes one with a written result (and optionally a file) and closes its problem once
  every rectification of that problem is closed.

Evidence is optional and capped (过度留痕 is what we design against): one file per item,
at most 5 MB, a real picture (``dangjian.uploads.check_photo``) or a PDF/Office document whose
bytes match its extension; it is stored under a random name.

Lock, check, record: every write takes the checklist row with ``select_for_update`` (the one
serialization point of a list and its items), re-checks the state on the locked row,
writes, and records a ``ChecklistEvent`` and an audit event.  Status changes go through
``dangjian.workflow.transition``.  Out of scope is ``Http404``; in scope but not allowed
``PermissionDeniedError``; a state that does not allow the change ``TransitionError``
(a ``ValidationError``: flash message in the UI, 409 in the API); bad input
``ValidationError`` with field errors.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.checklists import permissions
from assessments.checklists.choices import (
    CHECKLIST_ACTIONS,
    CHECKLIST_TRANSITIONS,
    ITEM_ACTIONS,
    ITEM_TRANSITIONS,
    PLANNED_KINDS,
    Appraisal,
    ChecklistAction,
    ChecklistStatus,
    ItemAction,
    ItemKind,
    ItemStatus,
    ProblemSource,
    RecordKind,
)
from assessments.checklists.models import Checklist, ChecklistEvent, ChecklistItem, ItemRecord
from dangjian.audit import record
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.uploads import check_evidence
from dangjian.validation import check_text, text_or_error
from dangjian.workflow import transition, transition_locked

__all__ = [
    "PermissionDeniedError", "TransitionError", "checklist_create", "checklist_item_add", "checklist_item_update",
    "checklist_item_delete", "checklist_submit", "checklist_approve", "checklist_return", "checklist_midyear_check",
    "item_progress", "item_complete", "rectification_close", "checklist_report", "checklist_appraise", "check_evidence",
    "checklist_items_refresh",
]

EDITABLE_STATUSES = frozenset({ChecklistStatus.DRAFT, ChecklistStatus.RETURNED})
COMPLETABLE_KINDS = PLANNED_KINDS

TITLE_MAX = 200
DETAIL_MAX = 2000
OWNER_MAX = 50
NOTE_MAX = 2000
REASON_MAX = 300
REPORT_MAX = 10000
APPRAISAL_NOTE_MAX = 500
MAX_POINTS = 1000

_REFUSALS = {
    (ChecklistAction.SUBMIT, ChecklistStatus.SUBMITTED): gettext_lazy("清单已提交，正在等待上级审批。"),
    (ChecklistAction.SUBMIT, ChecklistStatus.APPROVED): gettext_lazy("清单已审批通过，不能再次提交。"),
    (ChecklistAction.APPROVE, ChecklistStatus.APPROVED): gettext_lazy("清单已审批通过。"),
    (ChecklistAction.APPROVE, ChecklistStatus.DRAFT): gettext_lazy("清单尚未提交，不能审批。"),
    (ChecklistAction.APPROVE, ChecklistStatus.RETURNED): gettext_lazy("清单已退回修改，须重新提交后才能审批。"),
    (ChecklistAction.RETURN, ChecklistStatus.APPROVED): gettext_lazy("清单已审批通过，不能退回。"),
    (ChecklistAction.RETURN, ChecklistStatus.DRAFT): gettext_lazy("清单尚未提交，不能退回。"),
    (ChecklistAction.RETURN, ChecklistStatus.RETURNED): gettext_lazy("清单已退回修改。"),
}


# ----------------------------------------------------------------------------- helpers
def _visible(actor, checklist) -> Checklist:
    pk = getattr(checklist, "pk", checklist)
    found = (
        Checklist.objects.visible_to(actor).select_related("org__area", "org__parent__area").filter(pk=pk).first()
        if pk is not None else None
    )
    if found is None:
        raise Http404
    return found


def _visible_item(actor, item) -> ChecklistItem:
    pk = getattr(item, "pk", item)
    found = (
        ChecklistItem.objects.filter(checklist__in=Checklist.objects.visible_to(actor).values("pk"))
        .select_related("checklist__org__area", "checklist__org__parent__area").filter(pk=pk).first()
        if pk is not None else None
    )
    if found is None:
        raise Http404
    return found


def _require_edit(actor, org):
    if not permissions.can_edit(actor, org):
        raise PermissionDeniedError(_("只有本组织的书记、委员等管理人员可以填报四张清单。"))


def _require_superior(actor, org, what):
    if not permissions.is_superior(actor, org):
        raise PermissionDeniedError(
            _("只有上级党组织可以%(what)s“%(org)s”的四张清单，本组织人员不能%(what)s本组织的清单。") % {"what": what, "org": org.name}
        )


def _lock(checklist_pk) -> Checklist:
    return Checklist.objects.select_for_update().get(pk=checklist_pk)


def _refuse(message):
    raise TransitionError(message, code="transition")


def _event(checklist, actor, action, *, item=None, from_status="", to_status="", note="") -> ChecklistEvent:
    event = ChecklistEvent.of(checklist=checklist, item=item, actor=actor, action=action, from_status=from_status,
                              to_status=to_status, note=note)
    event.save()
    return event


def _text(errors, name, value, maximum, *, required=True, message=None) -> str:
    return check_text(errors, name, value, maximum, required=required, empty_message=message)


def _one_text(name, value, maximum, *, required=True, message=None) -> str:
    return text_or_error(name, value, maximum, required=required, empty_message=message)


def _note_and_evidence(note, evidence, message):
    """The progress note (required, ``message`` when empty) and the checked evidence file."""
    errors = {}
    note = _text(errors, "evidence_note", note, NOTE_MAX, message=message)
    try:
        evidence = check_evidence(evidence)
    except ValidationError as exc:
        errors.update({k: v for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return note, evidence


def _not_appraised(checklist):
    if checklist.appraised_at is not None:
        _refuse(_("%(year)d 年的清单已完成年终评议，不能再修改。") % {"year": checklist.year})


def _shift_year(day: date | None, years: int = 1) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _evidence_change(item, upload) -> dict:
    """The field change that stores ``upload`` as the item's evidence (none without one);
    the file it replaces is deleted once the change is committed."""
    if upload is None:
        return {}
    old = item.evidence.name if item.evidence else ""
    if old:
        storage = item.evidence.storage
        transaction.on_commit(lambda: storage.delete(old))
    return {"evidence": upload}


def _item_change(verb, item, *, actor, note, **changes) -> ChecklistItem:
    """``transition_locked`` of item ``verb`` (the list and the item are locked, in that
    order, by the caller); the event is the item's (``ChecklistItem.make_event``)."""
    starts, to_status = ITEM_ACTIONS[verb]
    transition_locked(
        item, to_status, ITEM_TRANSITIONS, actor=actor, note=note, allowed_from=starts,
        refusal=lambda current: _("事项已%(s)s。") % {"s": ItemStatus(current).label}, **changes,
    )
    return item


# -------------------------------------------------------------------------- checklists
@transaction.atomic
def checklist_create(*, actor, org, year, copy_last_year=False, today=None) -> Checklist:
    """Open ``org``'s four lists for ``year`` (one per organization and year), as a draft;
    with ``copy_last_year`` the responsibility items of last year's list are copied, their
    deadlines moved on a year."""
    from organizations.orgs.models import PartyOrg

    if org is None or not PartyOrg.objects.visible_to(actor).filter(pk=org.pk).exists():
        raise Http404
    org = PartyOrg.objects.select_related("area").get(pk=org.pk)
    _require_edit(actor, org)
    today = today or timezone.localdate()
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("请填写年度。")}) from None
    if not today.year - 1 <= year <= today.year + 1:
        raise ValidationError({"year": _("只能为 %(a)d 至 %(b)d 年建立清单。") % {"a": today.year - 1, "b": today.year + 1}})
    exists = _("“%(org)s”%(year)d 年的四张清单已经建立。") % {"org": org.name, "year": year}
    if Checklist.objects.filter(org=org, year=year).exists():
        raise ValidationError({"year": exists})
    try:
        with transaction.atomic():
            checklist = Checklist.objects.create(org=org, year=year)
    except IntegrityError:  # created at the same moment by someone else
        raise ValidationError({"year": exists}) from None
    copied = 0
    if copy_last_year:
        last = (
            ChecklistItem.objects.filter(checklist__org=org, checklist__year=year - 1, kind=ItemKind.RESPONSIBILITY)
            .order_by("due_on", "pk")
        )
        new = [
            ChecklistItem(
                checklist=checklist, kind=ItemKind.RESPONSIBILITY, title=i.title, detail=i.detail, owner=i.owner,
                due_on=_shift_year(i.due_on), max_points=i.max_points,
                figure=i.figure, figure_params=i.figure_params, target=i.target,  # still read from the records
            )
            for i in last
        ]
        copied = len(ChecklistItem.objects.bulk_create(new))
    note = _("复制上年责任清单 %(n)d 项") % {"n": copied} if copy_last_year else ""
    _event(checklist, actor, "create", to_status=checklist.status, note=note)
    record(actor, "checklist.create", checklist, {"year": year, "copied": copied})
    return checklist


def _status_change(verb, checklist, *, actor, note="", check=None, **changes) -> Checklist:
    starts, to_status = CHECKLIST_ACTIONS[verb]

    def refusal(current):
        known = _REFUSALS.get((verb, current))
        if known is not None:
            return str(known)
        return _("清单当前为“%(now)s”，不能%(verb)s。") % {"now": ChecklistStatus(current).label, "verb": ChecklistAction(verb).label}

    with transaction.atomic():
        obj, event = transition(
            Checklist, checklist.pk, to_status, CHECKLIST_TRANSITIONS, actor=actor, note=note, allowed_from=starts,
            refusal=refusal, check=check, **changes,
        )
        record(actor, f"checklist.{verb}", obj, {"from": event.from_status, "to": to_status, "note": note})
    return obj


def checklist_submit(*, actor, checklist) -> Checklist:
    """Send a draft (or returned) list to the superior organization for approval; it must
    list at least one responsibility."""
    checklist = _visible(actor, checklist)
    _require_edit(actor, checklist.org)

    def check(locked):
        if not locked.items.filter(kind=ItemKind.RESPONSIBILITY).exists():
            _refuse(_("责任清单还是空的：请至少列出一项责任后再提交。"))

    return _status_change(
        ChecklistAction.SUBMIT, checklist, actor=actor, check=check,
        submitted_at=timezone.now(), submitted_by=actor if getattr(actor, "pk", None) else None,
    )


def checklist_approve(*, actor, checklist, note="") -> Checklist:
    checklist = _visible(actor, checklist)
    _require_superior(actor, checklist.org, _("审批"))
    with transaction.atomic():
        approved = _status_change(
            ChecklistAction.APPROVE, checklist, actor=actor, note=(note or "").strip()[:500],
            approved_at=timezone.now(), approved_by=actor if getattr(actor, "pk", None) else None, return_reason="",
        )
        if approved.items.exclude(figure="").exists():  # bound items may be done already: the records decide
            checklist_items_refresh(checklist_ids=[approved.pk], year=approved.year)
    return approved


def checklist_return(*, actor, checklist, reason) -> Checklist:
    """Send the list back for changes, with the reason the organization will read."""
    checklist = _visible(actor, checklist)
    _require_superior(actor, checklist.org, _("退回"))
    reason = _one_text("reason", reason, REASON_MAX, message=_("请写明退回原因。"))
    return _status_change(ChecklistAction.RETURN, checklist, actor=actor, note=reason, return_reason=reason)


def _require_approved(checklist, what):
    if checklist.status != ChecklistStatus.APPROVED:
        _refuse(_("清单审批通过后才能%(what)s（当前为“%(now)s”）。") % {
            "what": what, "now": ChecklistStatus(checklist.status).label})


@transaction.atomic
def checklist_midyear_check(*, actor, checklist, note) -> Checklist:
    """The superior's mid-year check notes (年中查清单); writing again replaces them."""
    checklist = _visible(actor, checklist)
    _require_superior(actor, checklist.org, _("检查"))
    note = _one_text("note", note, NOTE_MAX, message=_("请填写检查意见。"))
    locked = _lock(checklist.pk)
    _require_approved(locked, _("进行年中检查"))
    _not_appraised(locked)
    locked.midyear_note, locked.midyear_at = note, timezone.now()
    locked.midyear_by = actor if getattr(actor, "pk", None) else None
    locked.save(update_fields=["midyear_note", "midyear_at", "midyear_by", "updated_at"])
    _event(locked, actor, "midyear_check", from_status=locked.status, to_status=locked.status, note=note)
    record(actor, "checklist.midyear_check", locked, {"note": note[:200]})
    return locked


@transaction.atomic
def checklist_report(*, actor, checklist, text) -> Checklist:
    """The secretary's year-end report (年底述清单, 书记述职); may be rewritten until appraised."""
    checklist = _visible(actor, checklist)
    _require_edit(actor, checklist.org)
    text = _one_text("report_text", text, REPORT_MAX, message=_("请填写述职报告。"))
    locked = _lock(checklist.pk)
    _require_approved(locked, _("述职"))
    _not_appraised(locked)
    again = locked.reported_at is not None
    locked.report_text, locked.reported_at = text, timezone.now()
    locked.save(update_fields=["report_text", "reported_at", "updated_at"])
    _event(locked, actor, "report", from_status=locked.status, to_status=locked.status,
           note=_("修改述职报告") if again else _("提交述职报告"))
    record(actor, "checklist.report", locked, {"length": len(text), "again": again})
    return locked


@transaction.atomic
def checklist_appraise(*, actor, checklist, appraisal, note="") -> Checklist:
    """The superior appraises the year-end report: 好, 较好, 一般 or 差 (once)."""
    checklist = _visible(actor, checklist)
    _require_superior(actor, checklist.org, _("评议"))
    errors = {}
    if appraisal not in Appraisal.values:
        errors["appraisal"] = _("请选择评议等次（好、较好、一般、差）。")
    note = _text(errors, "appraisal_note", note, APPRAISAL_NOTE_MAX, required=False)
    if errors:
        raise ValidationError(errors)
    locked = _lock(checklist.pk)
    _require_approved(locked, _("评议"))
    if locked.appraised_at is not None:
        _refuse(_("该清单已评议为“%(a)s”，不能重复评议。") % {"a": Appraisal(locked.appraisal).label})
    if locked.reported_at is None:
        _refuse(_("书记尚未述职，不能评议。"))
    locked.appraisal, locked.appraisal_note, locked.appraised_at = appraisal, note, timezone.now()
    locked.appraised_by = actor if getattr(actor, "pk", None) else None
    locked.save(update_fields=["appraisal", "appraisal_note", "appraised_at", "appraised_by", "updated_at"])
    _event(locked, actor, "appraise", from_status=locked.status, to_status=locked.status,
           note=f"{Appraisal(appraisal).label} {note}".strip())
    record(actor, "checklist.appraise", locked, {"appraisal": appraisal, "note": note})
    return locked


# ------------------------------------------------------------------------------- items
def _can_change_kind(checklist, kind):
    """Refuse changes the list's state does not allow for items of ``kind``."""
    _not_appraised(checklist)
    if kind in PLANNED_KINDS and checklist.status not in EDITABLE_STATUSES:
        _refuse(_("%(kind)s只能在清单为草稿或被退回时调整（当前为“%(now)s”）。") % {
            "kind": ItemKind(kind).label, "now": ChecklistStatus(checklist.status).label})


def _clean_item(checklist, kind, values, *, item=None) -> dict:
    """Check an item's fields; returns the values to write."""
    errors = {}
    out = {}
    if "title" in values or item is None:
        out["title"] = _text(errors, "title", values.get("title"), TITLE_MAX, message=_("请填写事项。"))
    if "detail" in values:
        out["detail"] = _text(errors, "detail", values.get("detail"), DETAIL_MAX, required=False)
    if "owner" in values:
        out["owner"] = _text(errors, "owner", values.get("owner"), OWNER_MAX, required=False)
    due_on = values.get("due_on", item.due_on if item is not None else None)
    if "due_on" in values:
        if due_on is not None and not isinstance(due_on, date):
            errors["due_on"] = _("完成时限不正确。")
        elif due_on is not None and due_on < date(checklist.year, 1, 1):
            errors["due_on"] = _("完成时限不能早于 %(year)d 年1月1日。") % {"year": checklist.year}
        else:
            out["due_on"] = due_on
    if kind == ItemKind.RECTIFICATION and due_on is None and "due_on" not in errors:
        errors["due_on"] = _("整改事项须定出整改时限。")
    if kind == ItemKind.PROBLEM:
        source = values.get("source", item.source if item is not None else "")
        if source not in ProblemSource.values:
            errors["source"] = _("请选择问题来源（月调度、半年督查、观摩评议或其他）。")
        else:
            out["source"] = source
    elif values.get("source"):
        errors["source"] = _("只有问题清单事项填写问题来源。")
    if kind == ItemKind.RECTIFICATION:
        problem = values.get("problem", item.problem if item is not None else None)
        problem_id = getattr(problem, "pk", problem)
        found = None
        if problem_id is not None:
            try:
                found = ChecklistItem.objects.filter(
                    pk=int(problem_id), checklist_id=checklist.pk, kind=ItemKind.PROBLEM
                ).first()
            except (TypeError, ValueError):
                found = None
        if found is None:
            errors["problem"] = _("整改事项须对应本清单问题清单中的一个问题。")
        elif found.status == ItemStatus.CLOSED and (item is None or item.problem_id != found.pk):
            errors["problem"] = _("问题“%(title)s”已销号。") % {"title": found.title}
        else:
            out["problem"] = found
    elif values.get("problem") is not None:
        errors["problem"] = _("只有整改清单事项对应问题。")
    if "max_points" in values:
        points = values.get("max_points")
        if points in (None, ""):
            out["max_points"] = None
        elif kind != ItemKind.ASSESSMENT:
            errors["max_points"] = _("只有考核清单事项设置分值。")
        else:
            try:
                points = Decimal(str(points))
                if not 0 < points <= MAX_POINTS:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                errors["max_points"] = _("分值应大于 0 且不超过 %(n)d。") % {"n": MAX_POINTS}
            else:
                out["max_points"] = points.quantize(Decimal("0.1"))
    if {"figure", "figure_params", "target"} & set(values):
        out.update(_clean_binding(errors, kind, values, item))
    if errors:
        raise ValidationError(errors)
    return out


# ---------------------------------------------------------------- bound items (records)
SYSTEM_NOTE = gettext_lazy("系统根据业务记录")
BINDABLE_KINDS = PLANNED_KINDS
TARGET_MAX = Decimal("100000")
PROGRESS_FIELDS = ("progress", "progress_text", "progress_counts", "progress_url", "computed_at")


def bindable_figures() -> list:
    """The catalogue's figures a checklist item may read: those that apply to party
    organizations, except the checklists' own figures (an item cannot be measured by the
    list it belongs to)."""
    from assessments.figures import catalogue
    from assessments.figures.choices import FigureLevel

    return [f for f in catalogue.figures_for(FigureLevel.ORG) if not f.code.startswith("checklists.")]


def _clean_binding(errors, kind, values, item) -> dict:
    """The item's record source: ``figure`` (a catalogue code; blank = manual), its
    ``figure_params`` (an activity type's code for the figures that take one) and the
    ``target`` (a count, hours, or a percentage for a ratio)."""
    from assessments.figures import catalogue
    from assessments.figures.choices import FigureLevel, Measure
    from assessments.life.models import ActivityType

    code = str(values.get("figure", item.figure if item is not None else "") or "").strip()
    if not code:
        return {"figure": "", "figure_params": {}, "target": None}
    if kind not in BINDABLE_KINDS:
        errors["figure"] = _("只有责任清单和考核清单事项可以由业务记录自动计算。")
        return {}
    try:
        figure = catalogue.get(code)
    except catalogue.CatalogueError:
        errors["figure"] = _("指标库中没有数据来源“%(code)s”，请从列表中选择。") % {"code": code[:60]}
        return {}
    if not figure.applies_to(FigureLevel.ORG):
        errors["figure"] = _("“%(name)s”是区域的指标，不适用于党组织，不能作为清单事项的数据来源。") % {"name": figure.name}
        return {}
    if code.startswith("checklists."):
        errors["figure"] = _("“%(name)s”由清单本身计算，不能作为清单事项的数据来源。") % {"name": figure.name}
        return {}
    raw = values.get("figure_params", item.figure_params if item is not None else {}) or {}
    params = {}
    if not isinstance(raw, dict):
        errors["figure_params"] = _("数据来源参数不正确。")
    elif "type" in figure.free_params:
        type_code = str(raw.get("type") or "").strip()
        if type_code:
            if not ActivityType.objects.filter(code=type_code).exists():
                errors["figure_params"] = _("没有“%(code)s”这种活动类型，请从列表中选择。") % {"code": type_code[:40]}
            else:
                params["type"] = type_code
        elif code == "life.months_held":
            errors["figure_params"] = _("按月开展的次数须选择活动类型（例如主题党日）。")
    target = values.get("target", item.target if item is not None else None)
    if target in (None, ""):
        errors["target"] = _("由业务记录计算的事项须填写目标值（例如 12 个月、50 小时、90%）。")
        return {}
    try:
        target = Decimal(str(target))
        if not 0 < target <= TARGET_MAX:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["target"] = _("目标值应为大于 0 的数。")
        return {}
    if figure.measure == Measure.RATIO and target > 100:
        errors["target"] = _("“%(name)s”是比率，目标值按百分数填写，不能超过 100。") % {"name": figure.name}
        return {}
    return {"figure": code, "figure_params": params, "target": target.quantize(Decimal("0.1"))}


def _as_progress(figure, value):
    """A figure's value in the item's unit: a ratio as a percentage (90.0), a count or a sum as is."""
    from assessments.figures.choices import Measure

    if value is None or value.value is None:
        return None
    number = Decimal(value.value)
    if figure.measure == Measure.RATIO:
        number *= 100
    return number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _period_of(year: int, today: date):
    """The checklist's year up to today (the whole year once it is over)."""
    from assessments.scoring.choices import PeriodKind
    from assessments.scoring.periods import Period

    return Period(date(year, 1, 1), min(today, date(year, 12, 31)), PeriodKind.YEAR, str(year))


def checklist_items_refresh(*, org_ids=None, checklist_ids=None, actor=None, year=None, today=None) -> dict:
    """Compute every bound item of the given checklists (of organizations ``org_ids``, or
    lists ``checklist_ids``, or all; of ``year``, default the current one) from the records
    and write its progress; an item of an approved, not yet appraised list whose progress
    reaches its target becomes 已完成, one that falls below it again is reopened.  A manual
    item is never touched.  ``actor`` (a person pressing 重新计算) is audited; the status
    events' actor is always the system (none: "系统根据业务记录").

    Set-based: the items are grouped by figure, parameters and tree; each group costs one
    ``subjects_within`` (3 queries) and one catalogue ``compute`` (1–2 queries) whatever the
    number of items, then one ``bulk_update``.  Status changes lock the lists then the
    items (pk order), re-check them on the locked rows and record one event each.  Returns
    the counts."""
    from assessments.figures import catalogue
    from assessments.figures.subjects import subjects_within
    from dangjian import trees

    today = today or timezone.localdate()
    year = year or today.year
    period = _period_of(year, today)
    items = ChecklistItem.objects.filter(checklist__year=year).exclude(figure="").select_related("checklist__org")
    if org_ids is not None:
        items = items.filter(checklist__org_id__in=list(org_ids))
    if checklist_ids is not None:
        items = items.filter(checklist_id__in=list(checklist_ids))
    items = list(items.order_by("pk"))
    groups: dict[tuple, list] = defaultdict(list)
    for item in items:
        org = item.checklist.org
        groups[(item.figure, json.dumps(item.figure_params or {}, sort_keys=True), trees.span(org).tree)].append(item)
    now = timezone.now()
    counts = {"items": len(items), "groups": len(groups), "done": 0, "reopened": 0}
    for (code, params, _tree), group in groups.items():
        try:
            figure = catalogue.with_params(catalogue.get(code), json.loads(params))
        except catalogue.CatalogueError:
            figure = None
        values = {}
        if figure is not None:
            orgs = list({i.checklist.org_id: i.checklist.org for i in group}.values())
            subjects = subjects_within(orgs=sorted(orgs, key=lambda o: trees.span(o).start))
            values = catalogue.compute(figure, subjects, period)
        for item in group:
            value = values.get(item.checklist.org_id)
            if figure is None:
                item.progress, item.progress_text, item.progress_counts, item.progress_url = None, _("数据来源已不在指标库中"), {}, ""
            else:
                item.progress = _as_progress(figure, value)
                item.progress_text = (value.text if value else str(_("无相关记录")))[:200]
                item.progress_counts = value.counts if value else {}
                item.progress_url = (value.url or "")[:300] if value else ""
            item.computed_at = now
        ChecklistItem.objects.bulk_update(group, PROGRESS_FIELDS, batch_size=1000)
    changes = [i for i in items if _wanted_status(i) not in (None, i.status)]
    if changes:
        # the records decide, whoever asked for the refresh: the events' actor is the system (None)
        done, reopened = _bound_status_changes(changes, actor=None, now=now)
        counts["done"], counts["reopened"] = done, reopened
    if getattr(actor, "pk", None) and checklist_ids is not None and len(checklist_ids) == 1 and items:
        record(actor, "checklist.items_refresh", items[0].checklist, counts)  # who pressed 重新计算
    return counts


def _wanted_status(item):
    """The status a bound item's progress calls for, None when its status is not the
    records' to decide (list not approved or already appraised)."""
    checklist = item.checklist
    if checklist.status != ChecklistStatus.APPROVED or checklist.appraised_at is not None:
        return None
    if item.status not in (ItemStatus.OPEN, ItemStatus.DONE) or not item.target:
        return None
    reached = item.progress is not None and item.progress >= item.target
    return ItemStatus.DONE if reached else ItemStatus.OPEN


@transaction.atomic
def _bound_status_changes(candidates, *, actor, now) -> tuple[int, int]:
    """Lock the lists and the items (pk order), re-check, change, record: complete or reopen."""
    checklist_ids = sorted({i.checklist_id for i in candidates})
    lists = {c.pk: c for c in Checklist.objects.select_for_update().filter(pk__in=checklist_ids).order_by("pk")}
    locked = list(ChecklistItem.objects.select_for_update().filter(pk__in=[i.pk for i in candidates]).order_by("pk"))
    progress = {i.pk: i for i in candidates}
    changed, events, done, reopened = [], [], 0, 0
    note = str(SYSTEM_NOTE)
    for item in locked:
        item.checklist = lists[item.checklist_id]
        if not item.is_bound:
            continue  # unbound meanwhile: a manual item never changes by itself
        item.progress_text = progress[item.pk].progress_text
        wanted = _wanted_status(item)
        if wanted in (None, item.status):
            continue
        verb = ItemAction.COMPLETE if wanted == ItemStatus.DONE else ItemAction.REOPEN
        starts, to_status = ITEM_ACTIONS[verb]
        if item.status not in starts or to_status not in ITEM_TRANSITIONS.get(item.status, ()):
            continue
        from_status = item.status
        item.status, item.updated_at = to_status, now
        if to_status == ItemStatus.DONE:
            item.completed_at = now
            item.evidence_note = _("%(note)s：%(text)s（目标 %(target)s）") % {
                "note": note, "text": item.progress_text, "target": item.target}
            done += 1
        else:
            item.completed_at = None
            reopened += 1
        changed.append(item)
        events.append(item.make_event(actor=actor, from_status=from_status, to_status=to_status,
                                      note=f"{note}：{item.progress_text}"))
    if changed:
        ChecklistItem.objects.bulk_update(changed, ["status", "completed_at", "evidence_note", "updated_at"])
        ChecklistEvent.objects.bulk_create(events)
    return done, reopened


ITEM_FIELDS = ("title", "detail", "owner", "due_on", "source", "problem", "max_points", "figure", "figure_params", "target")


@transaction.atomic
def checklist_item_add(*, actor, checklist, kind, title, detail="", owner="", due_on=None, source="", problem=None,
                       max_points=None, figure="", figure_params=None, target=None) -> ChecklistItem:
    """Add an item of ``kind`` to the list (see the module's rules for when); with a
    ``figure`` (and its ``target``) the item reads the records and its progress is computed
    at once."""
    checklist = _visible(actor, checklist)
    _require_edit(actor, checklist.org)
    if kind not in ItemKind.values:
        raise ValidationError({"kind": _("请选择清单类别。")})
    locked = _lock(checklist.pk)
    _can_change_kind(locked, kind)
    values = _clean_item(locked, kind, {
        "title": title, "detail": detail, "owner": owner, "due_on": due_on, "source": source or "", "problem": problem,
        "max_points": max_points, "figure": figure or "", "figure_params": figure_params or {}, "target": target,
    })
    item = ChecklistItem.objects.create(checklist=locked, kind=kind, **values)
    _event(locked, actor, "item_add", item=item, to_status=item.status, note=f"{ItemKind(kind).label}：{item.title}")
    record(actor, "checklist.item_add", item, {"checklist": locked.pk, "kind": kind, "figure": item.figure})
    if item.is_bound:
        checklist_items_refresh(checklist_ids=[locked.pk], year=locked.year)  # the add/update is audited
        item.refresh_from_db()
    return item


def _lock_open_item(actor, item, refusal):
    """The locked checklist and item an editor may still change (``refusal`` % the item's status otherwise)."""
    item = _visible_item(actor, item)
    _require_edit(actor, item.checklist.org)
    locked = _lock(item.checklist_id)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    _can_change_kind(locked, item.kind)
    if item.status != ItemStatus.OPEN:
        _refuse(refusal % {"s": ItemStatus(item.status).label})
    return locked, item


@transaction.atomic
def checklist_item_update(*, actor, item, **fields) -> ChecklistItem:
    """Change an item's fields (not its kind)."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    locked, item = _lock_open_item(actor, item, _("事项已%(s)s，不能再修改。"))
    values = _clean_item(locked, item.kind, fields, item=item)
    changes = {}
    for name, value in values.items():
        old = getattr(item, name)
        if old != value:
            changes[name] = [str(old) if old is not None else None, str(value) if value is not None else None]
            setattr(item, name, value)
    if changes:
        rebound = bool({"figure", "figure_params", "target"} & set(changes))
        if rebound and not item.is_bound:
            item.progress, item.progress_text, item.progress_counts, item.progress_url, item.computed_at = None, "", {}, "", None
        item.save()
        _event(locked, actor, "item_update", item=item, from_status=item.status, to_status=item.status,
               note="、".join(str(ChecklistItem._meta.get_field(n).verbose_name) for n in changes))
        record(actor, "checklist.item_update", item, {"fields": changes})
        if rebound and item.is_bound:
            checklist_items_refresh(checklist_ids=[locked.pk], year=locked.year)  # the add/update is audited
            item.refresh_from_db()
    return item


@transaction.atomic
def checklist_item_delete(*, actor, item) -> None:
    locked, item = _lock_open_item(actor, item, _("事项已%(s)s，不能删除。"))
    if item.kind == ItemKind.PROBLEM and item.rectifications.exists():
        _refuse(_("问题“%(title)s”已有整改事项，请先删除整改事项。") % {"title": item.title})
    title, kind, pk = item.title, item.kind, item.pk
    record(actor, "checklist.item_delete", item, {"checklist": locked.pk, "kind": kind, "title": title})
    item.delete()
    _event(locked, actor, "item_delete", from_status=ItemStatus.OPEN, note=f"{ItemKind(kind).label}：{title}（#{pk}）")


def _lock_item_for_progress(actor, item, *, kinds, what):
    item = _visible_item(actor, item)
    _require_edit(actor, item.checklist.org)
    locked = _lock(item.checklist_id)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    _not_appraised(locked)
    if item.kind not in kinds:
        if item.kind == ItemKind.PROBLEM:
            _refuse(_("问题清单事项不能直接完成：问题在全部整改事项销号后自动销号。"))
        if item.kind == ItemKind.RECTIFICATION:
            _refuse(_("整改事项请用“整改销号”完成。"))
        _refuse(_("%(kind)s事项不能%(what)s。") % {"kind": ItemKind(item.kind).label, "what": what})
    if item.status != ItemStatus.OPEN:
        _refuse(_("事项已%(s)s。") % {"s": ItemStatus(item.status).label})
    if item.is_bound:
        _refuse(_("该事项由业务记录自动计算（%(text)s），不需要手工填报或上传材料。") % {
            "text": item.progress_text or _("尚未计算")})
    return locked, item


@transaction.atomic
def item_progress(*, actor, item, note) -> ChecklistItem:
    """Write how far an open item has come (the organization's mid-year self-check)."""
    note = _one_text("evidence_note", note, NOTE_MAX, message=_("请填写进展情况。"))
    locked, item = _lock_item_for_progress(
        actor, item, kinds=set(ItemKind.values) - {ItemKind.PROBLEM}, what=_("填报进展"))
    if item.kind in PLANNED_KINDS:
        _require_approved(locked, _("填报进展"))
    item.evidence_note = note
    item.save(update_fields=["evidence_note", "updated_at"])
    _event(locked, actor, "item_progress", item=item, from_status=item.status, to_status=item.status, note=note)
    record(actor, "checklist.item_progress", item, {"note": note[:200]})
    return item


@transaction.atomic
def item_complete(*, actor, item, note, evidence=None) -> ChecklistItem:
    """Mark a responsibility or assessment item of an approved list done, with a note of
    what was done and, optionally, one evidence file."""
    note, evidence = _note_and_evidence(note, evidence, _("请写明完成情况。"))
    locked, item = _lock_item_for_progress(actor, item, kinds=COMPLETABLE_KINDS, what=_("完成"))
    _require_approved(locked, _("登记完成"))
    _item_change(ItemAction.COMPLETE, item, actor=actor, note=note, evidence_note=note, completed_at=timezone.now(),
                 **_evidence_change(item, evidence))
    record(actor, "checklist.item_complete", item, {"evidence": bool(evidence)})
    return item


MAX_CITED = 20  # records one 销号 may cite


def _cited_rows(actor, item, records) -> list[ItemRecord]:
    """The ``ItemRecord`` rows of ``records`` (``{kind: [objects or ids]}``): each must be a
    record the actor sees inside the item's organization (its subtree, or its area's), of
    the kind's resolved states (``selectors.citable_records``); anything else is refused."""
    from assessments.checklists import selectors

    org = item.checklist.org
    rows, missing, total = [], [], 0
    for kind, wanted in (records or {}).items():
        if kind not in RecordKind.values:
            raise ValidationError({"records": _("不能引用这类记录。")})
        ids = []
        for obj in wanted or ():
            try:
                ids.append(int(getattr(obj, "pk", obj)))
            except (TypeError, ValueError):
                raise ValidationError({"records": _("所引用的记录编号不正确。")}) from None
        ids = sorted(set(ids))
        total += len(ids)
        if not ids:
            continue
        found = {o.pk: o for o in selectors.citable_records(actor, org, kind).filter(pk__in=ids)}
        missing += [i for i in ids if i not in found]
        rows += [ItemRecord(item=item, kind=kind, object_id=pk, label=selectors.record_label(kind, obj)[:200],
                            url=selectors.record_url(kind, pk)) for pk, obj in sorted(found.items())]
    if total > MAX_CITED:
        raise ValidationError({"records": _("一次销号最多引用 %(n)d 条记录。") % {"n": MAX_CITED}})
    if missing:
        raise ValidationError({"records": _(
            "所引用的记录（编号 %(ids)s）不存在、尚未办结，或不在“%(org)s”的范围内，不能作为销号依据。"
        ) % {"ids": "、".join(map(str, missing)), "org": org.name}})
    return rows


@transaction.atomic
def rectification_close(*, actor, item, note, evidence=None, records=None) -> ChecklistItem:
    """销号: close a rectification with its result (and optionally one file, and the records
    it cites as evidence: ``records={"activity": [...], "whistle": [...], "request": [...]}``);
    its problem is closed too once all of the problem's rectifications are closed."""
    note, evidence = _note_and_evidence(note, evidence, _("销号须写明整改结果。"))
    locked, item = _lock_item_for_progress(actor, item, kinds={ItemKind.RECTIFICATION}, what=_("销号"))
    item.checklist = locked
    cited = _cited_rows(actor, item, records)
    now = timezone.now()
    _item_change(ItemAction.CLOSE, item, actor=actor, note=note, evidence_note=note, completed_at=now, closed_at=now,
                 **_evidence_change(item, evidence))
    ItemRecord.objects.bulk_create(cited)
    problem_closed = False
    problem = ChecklistItem.objects.select_for_update().filter(pk=item.problem_id).first()
    if problem is not None and problem.status != ItemStatus.CLOSED:
        if not problem.rectifications.exclude(status=ItemStatus.CLOSED).exists():
            _item_change(ItemAction.CLOSE, problem, actor=actor, note=_("全部整改事项已销号"), closed_at=now, completed_at=now)
            problem_closed = True
    record(actor, "checklist.rectification_close", item, {"evidence": bool(evidence), "problem_closed": problem_closed,
                                                          "records": len(cited)})
    return item
