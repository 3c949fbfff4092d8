"""Writes for organizational life: filing and updating an activity with its attendance
and evidence, QR sign-in, and publishing a rule-set version.

Every function takes keyword-only arguments and an explicit ``actor``.  Out of scope is
``Http404`` (like a missing object); in scope but a role that may not write is
``dangjian.errors.PermissionDeniedError``; bad input is Django's ``ValidationError``
with field errors.  Every write records an audit event.

Fill once: attendance at an activity whose type counts service (党员先锋日, 志愿服务) is
also the members' service time — each present member gets one ``ServiceRecord`` keyed by
the activity, kept in step whenever the attendance changes (``services.wishes.actions``).

Evidence is optional and capped (过度留痕 is what we design against): at most
``ATTACHMENT_MAX_FILES`` files of ``ATTACHMENT_MAX_BYTES`` each, of the kinds in
``ATTACHMENT_KINDS``, the content checked against the extension.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.life import schedule, selectors
from assessments.life.choices import AttendanceStatus, DeliberationStep, Frequency, SignInVia
from assessments.life.models import (
    Activity,
    ActivityAttachment,
    ActivityRule,
    ActivityType,
    Attendance,
    MemberLastPresent,
    OrgVerdict,
    RuleSet,
)
from dangjian import trees
from dangjian.audit import record
from dangjian.errors import PermissionDeniedError
from dangjian.scoping import get_scope
from dangjian.uploads import check_photo, sniff
from organizations.areas.models import Area
from organizations.grants.choices import MANAGE_ROLES, Role
from organizations.members.models import Member
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from services.ledger import actions as ledger_actions
from services.ledger.models import ServiceSource

__all__ = [
    "PermissionDeniedError", "activity_file", "activity_update", "activity_sign_in", "rule_set_publish",
    "org_verdicts_refresh", "sync_member_figures",
    "ATTACHMENT_MAX_FILES", "ATTACHMENT_MAX_BYTES", "ATTACHMENT_KINDS", "RULE_ROLES",
]

ATTACHMENT_MAX_FILES = 3
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
# extension → what the content must look like
ATTACHMENT_KINDS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png", "docx": "docx", "xlsx": "xlsx"}
REASON_MAX = 200
# Who may publish a rule-set version for an area (and its subtree).
RULE_ROLES = frozenset({Role.ADMIN, Role.DISTRICT})

ACTIVITY_FIELDS = ("activity_type", "starts_at", "ends_at", "place", "topic", "minutes", "decisions", "step", "service_hours")


def _require_manage_org(actor, org):
    scope = get_scope(actor)
    if not scope.covers_org(org):
        raise Http404
    if not scope.covers_org(org, MANAGE_ROLES):
        raise PermissionDeniedError(_("您的角色无权为该组织填报组织生活。"))


def _check_attachments(uploads, *, existing: int) -> list[tuple[object, str]]:
    uploads = list(uploads or ())
    if not uploads:
        return []
    errors = []
    if existing + len(uploads) > ATTACHMENT_MAX_FILES:
        errors.append(
            _("每次活动最多保留 %(n)d 个附件（已有 %(existing)d 个）：只需上传必要的佐证材料。")
            % {"n": ATTACHMENT_MAX_FILES, "existing": existing}
        )
    out = []
    for upload in uploads:
        name = str(getattr(upload, "name", "") or "")
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        kind = ATTACHMENT_KINDS.get(ext)
        if kind is None:
            errors.append(_("“%(name)s”：只接受 PDF、JPG、PNG、DOCX、XLSX 文件。") % {"name": name})
            continue
        if upload.size > ATTACHMENT_MAX_BYTES:
            errors.append(_("“%(name)s”超过 5 MB。") % {"name": name})
            continue
        if sniff(upload) != kind:
            errors.append(_("“%(name)s”的内容与扩展名不符，或文件已损坏。") % {"name": name})
            continue
        if kind in ("jpg", "png"):  # pictures are stored re-encoded, as every photo (dangjian.uploads)
            try:
                upload = check_photo(upload)
            except ValidationError as exc:
                errors.extend(f"“{name}”：{m}" for m in exc.message_dict.get("photo", exc.messages))
                continue
            upload.original_name = name
            ext = upload.name.rsplit(".", 1)[-1]
        out.append((upload, ext if ext != "jpeg" else "jpg"))
    if errors:
        raise ValidationError({"attachments": errors})
    return out


def _store_attachments(actor, activity, checked):
    for upload, ext in checked:
        original = str(getattr(upload, "original_name", None) or upload.name)[:200]
        upload.name = f"{secrets.token_hex(8)}.{ext}"  # never a user-chosen path or name on disk
        ActivityAttachment.objects.create(
            activity=activity, file=upload, original_name=original, size=upload.size, uploaded_by=actor
        )


# ------------------------------------------------------------------------- attendance
def _normalize_attendance(attendance) -> dict[int, tuple[str, str]]:
    out = {}
    errors = []
    for raw_id, value in (attendance or {}).items():
        status, reason = (value, "") if isinstance(value, str) else (tuple(value) + ("",))[:2]
        try:
            member_id = int(raw_id)
        except (TypeError, ValueError):
            errors.append(_("党员编号“%(id)s”不正确。") % {"id": raw_id})
            continue
        if status not in AttendanceStatus.values:
            errors.append(_("出席情况“%(status)s”不正确。") % {"status": status})
            continue
        out[member_id] = (status, (reason or "").strip())
    if errors:
        raise ValidationError({"attendance": errors})
    return out


def _check_attendance(actor, org, activity_type, attendance) -> dict[int, tuple[str, str]]:
    """Members must be on the organization's roster (for service activities: any member
    the actor can see); absence and leave need a reason."""
    clean = _normalize_attendance(attendance)
    if not clean:
        return clean
    pool = Member.objects.visible_to(actor) if activity_type.counts_service else selectors.roster(org)
    names = dict(pool.filter(pk__in=list(clean)).values_list("pk", "name"))
    errors = []
    unknown = sorted(set(clean) - set(names))
    if unknown:
        if activity_type.counts_service:
            message = _("以下编号的党员不存在或不在您的管辖范围内：%(ids)s。")
        else:
            message = _("以下编号的党员不在“%(org)s”的名册中：%(ids)s。")
        errors.append(message % {"ids": "、".join(map(str, unknown)), "org": org.name})
    for member_id, (status, reason) in clean.items():
        if member_id not in names:
            continue
        if status != AttendanceStatus.PRESENT and not reason:
            errors.append(
                _("“%(name)s”%(status)s，须填写原因。") % {"name": names[member_id], "status": AttendanceStatus(status).label}
            )
        elif len(reason) > REASON_MAX:
            errors.append(_("“%(name)s”的原因不能超过 %(n)d 字。") % {"name": names[member_id], "n": REASON_MAX})
    if errors:
        raise ValidationError({"attendance": errors})
    return clean


def _write_attendance(activity, clean) -> dict:
    """Make the attendance rows match ``clean`` (the whole list), keeping a QR sign-in's
    time while the member stays present."""
    existing = {a.member_id: a for a in Attendance.objects.select_for_update().filter(activity=activity)}
    new, changed = [], []
    for member_id, (status, reason) in clean.items():
        row = existing.get(member_id)
        if row is None:
            new.append(Attendance(activity=activity, member_id=member_id, status=status, reason=reason))
            continue
        if row.status == status and row.reason == reason:
            continue
        if status != AttendanceStatus.PRESENT or row.status != AttendanceStatus.PRESENT:
            row.via, row.signed_in_at = SignInVia.ROSTER, None
        row.status, row.reason = status, reason
        changed.append(row)
    removed = [row.pk for member_id, row in existing.items() if member_id not in clean]
    if removed:
        Attendance.objects.filter(pk__in=removed).delete()
    if changed:
        Attendance.objects.bulk_update(changed, ["status", "reason", "via", "signed_in_at"])
    if new:
        Attendance.objects.bulk_create(new)
    return {"added": len(new), "changed": len(changed), "removed": len(removed)}


def sync_member_figures(activity, *, old_starts_at=None) -> dict:
    """Bring what members' figures derive from an activity's attendance in line with it (used
    by the actions here and by the admin after an inline edit): the service-hours ledger, and
    the last attendance of the members present there or whose last attendance was this
    activity (at its start, or at ``old_starts_at`` when it moved) — so a member removed from
    the list loses it too.  Returns the ledger's counts."""
    present = Attendance.objects.filter(activity=activity, status=AttendanceStatus.PRESENT).values_list("member_id", flat=True)
    service = ledger_actions.service_records_for_activity(
        activity=activity, present_member_ids=list(present),
        counts_service=activity.activity_type.counts_service, occurred_on=schedule.local_date(activity.starts_at),
    )
    starts = {activity.starts_at} | ({old_starts_at} if old_starts_at else set())
    members = set(Attendance.objects.filter(activity=activity).values_list("member_id", flat=True))
    members |= set(MemberLastPresent.objects.filter(at__in=starts).values_list("member_id", flat=True))
    MemberLastPresent.objects.refresh(member_ids=members)
    return service


def _aware(value):
    if isinstance(value, datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, schedule.SHANGHAI)
    return value


def _hours(value, activity_type) -> Decimal:
    if value in (None, ""):
        return activity_type.default_service_hours if activity_type.counts_service else Decimal("0")
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"service_hours": _("服务时长须为数字。")}) from None
    if hours < 0 or hours > 24:
        raise ValidationError({"service_hours": _("服务时长应在 0 到 24 小时之间。")})
    return hours


def _check_activity(activity) -> None:
    errors = {}
    if activity.starts_at and activity.ends_at and activity.ends_at < activity.starts_at:
        errors["ends_at"] = _("结束时间不能早于开始时间。")
    if activity.activity_type.has_steps:
        if not activity.step:
            errors["step"] = _("%(type)s须注明议事环节（民事民提、民议、民决、民办、民评）。") % {"type": activity.activity_type.name}
        elif activity.step not in DeliberationStep.values:
            errors["step"] = _("议事环节不正确。")
    else:
        activity.step = ""
    try:
        activity.full_clean(exclude=["org", "activity_type", "created_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_file(
    *, actor, org, activity_type, starts_at, ends_at, topic, place="", minutes="", decisions="", step="",
    attendance=None, attachments=(), service_hours=None,
) -> Activity:
    """File an activity of ``org`` with its attendance ``{member_id: (status, reason)}``."""
    _require_manage_org(actor, org)
    if not isinstance(activity_type, ActivityType):
        raise ValidationError({"activity_type": _("请选择活动类型。")})
    activity = Activity(
        org=org, activity_type=activity_type, starts_at=_aware(starts_at), ends_at=_aware(ends_at),
        place=place or "", topic=topic or "", minutes=minutes or "", decisions=decisions or "", step=step or "",
        service_hours=_hours(service_hours, activity_type), created_by=actor,
    )
    _check_activity(activity)
    clean = _check_attendance(actor, org, activity_type, attendance)
    checked = _check_attachments(attachments, existing=0)
    activity.save()
    counts = _write_attendance(activity, clean)
    service = sync_member_figures(activity)
    org_verdicts_refresh(org=org)
    _store_attachments(actor, activity, checked)
    record(actor, "activity.file", activity, {"attendance": counts, "service": service, "attachments": len(checked)})
    return activity


@transaction.atomic
def activity_update(*, actor, activity, attendance=None, attachments=(), remove_attachments=(), **fields) -> Activity:
    """Change an activity's fields; ``attendance`` (when given) replaces the whole list;
    ``attachments`` are added and ``remove_attachments`` (ids) removed."""
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    current = Activity.objects.select_related("org__area").filter(pk=activity.pk).first()
    if current is None:
        raise Http404
    _require_manage_org(actor, current.org)
    activity = Activity.objects.select_for_update(of=("self",)).select_related("org__area", "activity_type").get(pk=activity.pk)
    changes = {}
    if "activity_type" in fields and not isinstance(fields["activity_type"], ActivityType):
        raise ValidationError({"activity_type": _("请选择活动类型。")})
    type_changed = "activity_type" in fields and fields["activity_type"].pk != activity.activity_type_id
    for name, value in fields.items():
        if name == "service_hours":
            continue
        if name in ("starts_at", "ends_at"):
            value = _aware(value)
        if name in ("place", "topic", "minutes", "decisions", "step"):
            value = value or ""
        old = getattr(activity, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(activity, name, value)
    if "service_hours" in fields or type_changed:
        hours = _hours(fields.get("service_hours"), activity.activity_type)
        if hours != activity.service_hours:
            changes["service_hours"] = [str(activity.service_hours), str(hours)]
            activity.service_hours = hours
    _check_activity(activity)
    clean = _check_attendance(actor, activity.org, activity.activity_type, attendance) if attendance is not None else None
    remove_ids = {int(pk) for pk in remove_attachments or ()}
    kept = activity.attachments.exclude(pk__in=remove_ids)
    checked = _check_attachments(attachments, existing=kept.count())
    old_starts_at = current.starts_at
    activity.save()
    counts = _write_attendance(activity, clean) if clean is not None else None
    service = sync_member_figures(activity, old_starts_at=old_starts_at)
    org_verdicts_refresh(org=activity.org)
    removed = 0
    if remove_ids:
        for attachment in activity.attachments.filter(pk__in=remove_ids):
            attachment.file.delete(save=False)
            attachment.delete()
            removed += 1
    _store_attachments(actor, activity, checked)
    record(actor, "activity.update", activity, {
        "fields": changes, "attendance": counts, "service": service,
        "attachments": {"added": len(checked), "removed": removed},
    })
    return activity


# ------------------------------------------------------------------------- QR sign-in
@dataclass(frozen=True)
class SignInResult:
    activity: Activity
    attendance: Attendance
    already: bool  # the member had already signed in (nothing changed)


def activity_sign_in(*, actor, token: str, now=None) -> SignInResult:
    """Mark the actor's member record present at the activity whose QR code holds
    ``token``, inside the sign-in window (``calendar.signin_window``).  Signing in twice
    changes nothing: one row, the first sign-in time kept."""
    now = now or timezone.now()
    member = Member.objects.filter(user_id=getattr(actor, "pk", None)).first() if getattr(actor, "is_authenticated", False) else None
    if member is None:
        raise ValidationError(_("您的账号没有关联党员信息，无法签到。请联系社区工作人员在名册中关联账号。"))
    with transaction.atomic():
        activity = (
            Activity.objects.select_for_update(of=("self",))  # the activity row only, not its type or org
            .select_related("activity_type", "org__area")
            .filter(signin_token=str(token))
            .first()
        )
        if activity is None:
            raise Http404
        state = schedule.signin_state(now, activity.starts_at, activity.ends_at)
        opens, closes = schedule.signin_window(activity.starts_at, activity.ends_at)
        if state == schedule.SIGNIN_EARLY:
            raise ValidationError(
                _("签到尚未开始：%(at)s 起可以签到。") % {"at": timezone.localtime(opens, schedule.SHANGHAI).strftime("%Y-%m-%d %H:%M")}
            )
        if state == schedule.SIGNIN_CLOSED:
            raise ValidationError(
                _("签到已结束：签到截止于 %(at)s。") % {"at": timezone.localtime(closes, schedule.SHANGHAI).strftime("%Y-%m-%d %H:%M")}
            )
        eligible = activity.activity_type.counts_service or selectors.roster(activity.org).filter(pk=member.pk).exists()
        if not eligible:
            raise ValidationError(_("您不是“%(org)s”的党员，不能在该活动签到。") % {"org": activity.org.name})
        row, created = Attendance.objects.select_for_update().get_or_create(
            activity=activity, member=member,
            defaults={"status": AttendanceStatus.PRESENT, "via": SignInVia.QR, "signed_in_at": now},
        )
        already = not created and row.status == AttendanceStatus.PRESENT and row.signed_in_at is not None
        if not created and not already:
            row.status, row.reason, row.via = AttendanceStatus.PRESENT, "", SignInVia.QR
            row.signed_in_at = row.signed_in_at or now
            row.save(update_fields=["status", "reason", "via", "signed_in_at"])
        if not already:
            MemberLastPresent.objects.refresh(member_ids=[member.pk])
            if activity.activity_type.counts_service:
                ledger_actions.service_record_upsert(
                    source=ServiceSource.ACTIVITY, source_id=activity.pk, member_id=member.pk,
                    hours=activity.service_hours, occurred_on=schedule.local_date(activity.starts_at), note=activity.topic,
                )
            record(actor, "activity.sign_in", activity, {"member": member.pk})
    return SignInResult(activity, row, already)


# --------------------------------------------------------------------------- rule sets
def _type_of(value, types_by_key):
    if isinstance(value, ActivityType):
        return types_by_key.get(value.pk)
    return types_by_key.get(value) or types_by_key.get(str(value))


def _clean_rule_change(change, base, type_name) -> tuple[dict, list]:
    errors = []
    out = dict(base)
    if "frequency" in change:
        if change["frequency"] not in Frequency.values:
            errors.append(_("%(type)s：频次不正确。") % {"type": type_name})
        else:
            out["frequency"] = change["frequency"]
    if "min_count" in change:
        try:
            n = int(change["min_count"])
        except (TypeError, ValueError):
            n = 0
        if not 1 <= n <= 31:
            errors.append(_("%(type)s：每期至少次数应在 1 到 31 之间。") % {"type": type_name})
        else:
            out["min_count"] = n
    for key, allowed, label in (("org_kinds", OrgKind.values, _("组织类别")), ("org_categories", OrgCategory.values, _("组织类型"))):
        if key in change:
            values = list(dict.fromkeys(change[key] or []))
            bad = [v for v in values if v not in allowed]
            if bad:
                errors.append(_("%(type)s：%(label)s“%(bad)s”不正确。") % {"type": type_name, "label": label, "bad": "、".join(map(str, bad))})
            else:
                out[key] = values
    return out, errors


@transaction.atomic
def rule_set_publish(*, actor, area, name, effective_from, rules=(), notes="") -> RuleSet:
    """Publish a new rule-set version for ``area``'s subtree, effective from
    ``effective_from``: the rules in force there on that day, with ``rules`` changes
    (``{"activity_type": type|id|code, "frequency"?, "min_count"?, "org_kinds"?,
    "org_categories"?}``) applied.  Only 区委组织部 or 系统管理员 over the area."""
    scope = get_scope(actor)
    if not scope.covers_area(area):
        raise Http404
    if not scope.covers_area(area, RULE_ROLES):
        raise PermissionDeniedError(_("只有区委组织部或系统管理员可以发布组织生活规则。"))
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("请填写规则名称。")
    if not effective_from:
        errors["effective_from"] = _("请填写生效日期。")
    if errors:
        raise ValidationError(errors)
    Area.objects.select_for_update().filter(pk=area.pk).first()  # one publisher per area at a time
    base_set, base_rules = selectors.effective_rules(area, effective_from)
    merged = {
        r.activity_type_id: {"frequency": r.frequency, "min_count": r.min_count,
                             "org_kinds": list(r.org_kinds), "org_categories": list(r.org_categories)}
        for r in base_rules
    }
    types = list(ActivityType.objects.all())
    by_key = {t.pk: t for t in types} | {t.code: t for t in types}
    rule_errors, changed = [], []
    for change in rules or ():
        activity_type = _type_of(change.get("activity_type"), by_key)
        if activity_type is None:
            rule_errors.append(_("活动类型“%(t)s”不存在。") % {"t": change.get("activity_type")})
            continue
        base = merged.get(activity_type.pk, {"frequency": Frequency.AS_NEEDED, "min_count": 1, "org_kinds": [], "org_categories": []})
        new, problems = _clean_rule_change(change, base, activity_type.name)
        rule_errors += problems
        if new != base:
            changed.append({"activity_type": activity_type.code, "from": base, "to": new})
        merged[activity_type.pk] = new
    if rule_errors:
        raise ValidationError({"rules": rule_errors})
    version = (RuleSet.objects.filter(area=area).aggregate(m=Max("version"))["m"] or 0) + 1
    rule_set = RuleSet(
        area=area, name=name.strip(), version=version, effective_from=effective_from, notes=notes or "", created_by=actor
    )
    rule_set.full_clean(exclude=["area", "created_by"])
    rule_set.save()
    ActivityRule.objects.bulk_create([ActivityRule(rule_set=rule_set, activity_type_id=type_id, **values) for type_id, values in merged.items()])
    # the verdicts of the organizations under the area were judged by the old rules: dropped,
    # they are evaluated again when next read (or by tonight's refresh)
    OrgVerdict.objects.filter(trees.subtree_q(area, "org__area")).delete()
    record(actor, "rule_set.publish", rule_set, {"based_on": base_set.pk if base_set else None, "changes": changed})
    return rule_set


# -------------------------------------------------------------- compliance verdicts
VERDICT_OVERDUE_KEPT = 20  # overdue items stored per organization (the page shows six, and the count)
VERDICT_BATCH = 2000


def org_verdicts_refresh(*, today=None, area=None, org=None) -> int:
    """Evaluate and store the compliance verdicts (``OrgVerdict``) of ``today`` for one
    organization, the organizations anchored in ``area``'s subtree, or (neither) every one;
    set-based: the rule book, the organizations and one grouped count of their activities,
    then upserts in batches.  Idempotent; returns the number of verdicts written."""
    today = today or timezone.localdate()
    if org is not None:
        area_of = org.area if org.area_id else None
        book = selectors.RuleBook(area_of, today)
        orgs = PartyOrg.objects.filter(pk=org.pk)
        scope = None
    else:
        book = selectors.RuleBook(area, today, subtree=True) if area is not None else selectors.RuleBook(None, today)
        orgs = PartyOrg.objects.anchored_within(area) if area is not None else PartyOrg.objects.all()
        scope = area
    now = timezone.now()
    rows = []
    for row, verdict in selectors.evaluate_orgs(orgs.order_by().values(*selectors.ORG_COLUMNS), book, today, area=scope):
        overdue = verdict.overdue if verdict is not None else []
        rows.append(OrgVerdict(
            org_id=row["pk"], as_of=today, assessed=verdict is not None,
            compliant=verdict is not None and verdict.compliant,
            overdue=[list(item) for item in overdue[:VERDICT_OVERDUE_KEPT]], overdue_count=len(overdue), computed_at=now,
        ))
    for i in range(0, len(rows), VERDICT_BATCH):
        OrgVerdict.objects.bulk_create(
            rows[i:i + VERDICT_BATCH], update_conflicts=True, unique_fields=["org"],
            update_fields=["as_of", "assessed", "compliant", "overdue", "overdue_count", "computed_at"],
        )
    return len(rows)
