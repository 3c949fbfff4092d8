"""Writes of 发展党员: opening a case (the application letter received), recording a step
(lock the case, check order, intervals and the step's own rules, record, move the stage),
publishing the public notice, extending probation, and following a member who moves.

Every function takes keyword-only arguments and an explicit ``actor``.  Out of scope is
``Http404``; in scope but a role that may not write is ``PermissionDeniedError``; a step the
rules refuse is a ``ValidationError`` whose message names the rule and its clause
(``schedule.StepRefused``).  Admission creates the probationary ``Member`` through
``organizations.members.actions.member_create``; full membership updates it through
``member_update``.  Every write records an audit event.
"""
from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import record
from dangjian.crypto import normalise
from dangjian.errors import PermissionDeniedError
from dangjian.privacy import is_valid_id_number, is_valid_mobile
from dangjian.scoping import get_scope
from dangjian.uploads import check_evidence
from organizations.development import schedule, selectors
from organizations.development.choices import STAGE_ORDER, Stage, StepKind
from organizations.development.models import DevelopmentCase, DevelopmentStep
from organizations.grants.choices import MANAGE_ROLES
from organizations.members import actions as member_actions
from organizations.members.choices import MemberStatus
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg

EVIDENCE_MAX_FILES = 3
NOTICE_WORKING_DAYS = 5
EXTENSION_MONTHS = (6, 7, 8, 9, 10, 11, 12)


def _require_manage(actor, org):
    scope = get_scope(actor)
    if not scope.covers_org(org):
        raise Http404
    if not scope.covers_org(org, MANAGE_ROLES):
        raise PermissionDeniedError(_("您的角色无权办理该支部的发展党员工作。"))


def _refused(exc: schedule.StepRefused, field="on"):
    return ValidationError({field: exc.message})


def _today():
    return timezone.localdate()


def refresh_plan(case, rules=None, *, today=None) -> schedule.Plan:
    """Recompute the case's derived ``next_*``/``due_*`` columns from its steps (the caller saves)."""
    rules = rules if rules is not None else selectors.rules_of(case.rule_set)
    plan = schedule.plan(rules, selectors.taken_of(case), today or _today(),
                         extension_months=case.probation_extension_months)
    nxt, soonest = plan.next, plan.soonest
    case.next_step = nxt.rule.code if nxt else ""
    case.next_allowed_on = nxt.allowed_from if nxt else None
    case.due_step = soonest.rule.code if soonest else ""
    case.due_on = soonest.due_on if soonest else None
    return plan


# ------------------------------------------------------------------------------ cases
@transaction.atomic
def case_create(*, actor, organization, name, gender, birth_date, applied_on, phone="", id_number="",
                note="") -> DevelopmentCase:
    """The application letter (入党申请书) is received: open the case and record its first step."""
    _require_manage(actor, organization)
    if organization.kind not in selectors.BRANCH_KINDS:
        raise ValidationError({"organization": _("发展党员由党支部（党总支）办理，请选择党支部。")})
    rule_set = selectors.rule_set_for(organization, applied_on)
    if rule_set is None:
        raise ValidationError({"organization": _("没有适用于该支部的发展党员规则。")})
    today = _today()
    if applied_on > today:
        raise ValidationError({"applied_on": _("递交申请日期不能晚于今天。")})
    phone, id_number = normalise(phone or ""), normalise(id_number or "").upper()
    errors = {}
    if phone and not is_valid_mobile(phone):
        errors["phone"] = _("请输入有效的11位手机号码。")
    if id_number and not is_valid_id_number(id_number):
        errors["id_number"] = _("请输入有效的18位身份证号（校验位须正确）。")
    if errors:
        raise ValidationError(errors)
    try:
        schedule.check_age(birth_date, applied_on, rule_set.min_age)
    except schedule.StepRefused as exc:
        raise _refused(exc, "birth_date") from None
    case = DevelopmentCase(organization=organization, name=name.strip(), gender=gender, birth_date=birth_date,
                           phone=phone, id_number=id_number, applied_on=applied_on, rule_set=rule_set,
                           stage=Stage.APPLICANT, created_by=actor)
    case.full_clean(exclude=["next_step", "due_step"])
    case.save()
    rules = selectors.rules_of(rule_set)
    first = min((r for r in rules if not r.recurring), key=lambda r: r.order)
    DevelopmentStep.objects.create(case=case, code=first.code, rule_set=rule_set, on=applied_on, note=note,
                                   recorded_by=actor)
    refresh_plan(case, rules, today=today)
    case.save(update_fields=["next_step", "next_allowed_on", "due_step", "due_on", "updated_at"])
    record(actor, "development.case_create", case, {"organization": organization.pk, "rule_set": rule_set.pk})
    return case


def _check_people(rule, people):
    if rule.kind not in (StepKind.CONTACTS, StepKind.SPONSORS):
        return []
    people = list(people or [])
    try:
        schedule.check_people(rule, [(m.name, m.status == MemberStatus.FULL) for m in people])
    except schedule.StepRefused as exc:
        raise _refused(exc, "people") from None
    return people


def _check_vote(case, rule, activity, ballot, on):
    if activity is None:
        raise ValidationError({"activity": _("请选择召开的支部党员大会（先在组织生活中登记会议及出席情况）。")})
    if activity.org_id != case.organization_id or activity.activity_type.code != selectors.VOTE_TYPE:
        raise ValidationError({"activity": _("所选会议不是本支部的支部党员大会。")})
    if timezone.localdate(activity.starts_at) != on:
        raise ValidationError({"on": _("表决日期须为该次支部党员大会召开的日期（%(d)s）。")
                               % {"d": schedule.cn_date(timezone.localdate(activity.starts_at))}})
    quorum = selectors.meeting_quorum(activity)
    try:
        schedule.check_vote(ballot, expected=quorum.expected, present=quorum.present, quorum_met=quorum.met,
                            clause=rule.clause)
    except schedule.StepRefused as exc:
        raise _refused(exc, "votes_yes") from None
    return quorum


def _stored_evidence(uploads, existing=0):
    uploads = [u for u in (uploads or []) if u]
    if existing + len(uploads) > EVIDENCE_MAX_FILES:
        raise ValidationError({"evidence": _("每个环节最多保留 %(n)d 个佐证材料：只需上传必要的材料。")
                               % {"n": EVIDENCE_MAX_FILES}})
    checked = []
    for upload in uploads:
        original = str(getattr(upload, "name", ""))[:200]
        checked.append((check_evidence(upload), original))
    return checked


def step_record(*, actor, case, code, on, people=(), note="", hours=None, activity=None, yes=None, no=None,
                abstain=None, written=0, evidence=(), today=None) -> DevelopmentStep:
    """Record step ``code`` of ``case`` on ``on``: lock the case, check the rules (order,
    minimum interval and clause, the step's people, hours or vote), write the step, move the
    case to the stage the step enters, admit or confirm the member, refresh the plan."""
    today = today or _today()
    if not selectors.cases_for(actor).filter(pk=case.pk).exists():
        raise Http404
    checked = _stored_evidence(evidence)
    with transaction.atomic():
        case = DevelopmentCase.objects.select_for_update().select_related("rule_set").get(pk=case.pk)
        org = PartyOrg.objects.select_related("area").get(pk=case.organization_id)
        _require_manage(actor, org)
        rules = selectors.rules_of(case.rule_set)
        try:
            rule = schedule.check_step(rules, selectors.taken_of(case), code, on, today,
                                       extension_months=case.probation_extension_months)
        except schedule.StepRefused as exc:
            raise _refused(exc) from None
        people = _check_people(rule, people)
        if rule.kind == StepKind.TRAINING:
            try:
                schedule.check_hours(rule, hours)
            except schedule.StepRefused as exc:
                raise _refused(exc, "hours") from None
        step = DevelopmentStep(case=case, code=code, rule_set=case.rule_set, on=on, note=note or "",
                               recorded_by=actor, hours=hours if rule.kind == StepKind.TRAINING else None)
        if rule.kind == StepKind.NOTICE:
            step.notice_until = schedule.working_period_end(on, NOTICE_WORKING_DAYS)
        if rule.kind == StepKind.VOTE:
            ballot = schedule.Ballot(yes or 0, no or 0, abstain or 0, written or 0)
            quorum = _check_vote(case, rule, activity, ballot, on)
            step.activity = activity
            step.votes_expected, step.votes_present = quorum.expected, quorum.present
            step.votes_yes, step.votes_no, step.votes_abstain, step.votes_written = (
                ballot.yes, ballot.no, ballot.abstain, ballot.written)
        step.save()
        if people:
            step.people.set(people)
        if checked:
            step.evidence = [
                {"path": default_storage.save(f"development/{case.pk}/{upload.name}", upload), "name": original,
                 "size": upload.size}
                for upload, original in checked
            ]
            step.save(update_fields=["evidence"])
        before = case.stage
        if rule.enters_stage and STAGE_ORDER[rule.enters_stage] > STAGE_ORDER[case.stage]:
            case.stage = rule.enters_stage
        if rule.kind == StepKind.ADMIT:
            case.member = _admit(actor, case, org)
        if rule.kind == StepKind.CONFIRM:
            _confirm(actor, case, rules)
        refresh_plan(case, rules, today=today)
        case.save()
        record(actor, f"development.step.{code}", case,
               {"step": step.pk, "on": on.isoformat(), "stage": [before, case.stage]})
    return step


def _vote_date(case, code="branch_vote") -> date | None:
    return case.steps.filter(code=code).order_by("-on").values_list("on", flat=True).first()


def _admit(actor, case, org) -> Member:
    """上级党委审批 passed: the person becomes a probationary member of the branch, joined on
    the day of the 支部大会 that admitted them (their 政治生日)."""
    vote_on = _vote_date(case)
    if case.member_id is not None:
        return case.member
    fields = {"birth_date": case.birth_date, "joined_on": vote_on, "status": MemberStatus.PROBATIONARY}
    if case.phone:
        fields["phone"] = case.phone
    if case.id_number:
        fields["id_number"] = case.id_number
    return member_actions.member_create(actor=actor, organization=org, name=case.name, gender=case.gender, **fields)


def _confirm(actor, case, rules):
    """转正 approved: full membership from the day the probation ended."""
    if case.member_id is None:
        raise ValidationError({"on": _("该档案还没有对应的预备党员记录，不能办理转正。")})
    vote_on = _vote_date(case)
    end = schedule.probation_end(vote_on, case.probation_extension_months)
    member_actions.member_update(actor=actor, member=case.member, status=MemberStatus.FULL, full_member_on=end)


@transaction.atomic
def probation_extend(*, actor, case, months: int, note="") -> DevelopmentCase:
    """延长预备期 once, by 6 to 12 months (细则第三十二条), decided by the 支部大会."""
    if not selectors.cases_for(actor).filter(pk=case.pk).exists():
        raise Http404
    case = DevelopmentCase.objects.select_for_update().select_related("rule_set", "organization__area").get(pk=case.pk)
    _require_manage(actor, case.organization)
    if case.stage != Stage.PROBATIONARY:
        raise ValidationError({"months": _("只有预备党员才能延长预备期。")})
    if case.probation_extension_months:
        raise ValidationError({"months": _("预备期只能延长一次（细则第三十二条）。")})
    if months not in EXTENSION_MONTHS:
        raise ValidationError({"months": _("延长预备期最短半年、最长一年（细则第三十二条）。")})
    if case.steps.filter(code="full_vote").exists():
        raise ValidationError({"months": _("已讨论转正，不能再延长预备期。")})
    case.probation_extension_months = months
    refresh_plan(case)
    case.save()
    record(actor, "development.probation_extend", case, {"months": months, "note": note[:200]})
    return case


def probation_end_of(case) -> date | None:
    vote_on = _vote_date(case)
    return schedule.probation_end(vote_on, case.probation_extension_months) if vote_on else None


# ------------------------------------------------------------------ following a member
def follow_member_moved(sender, *, member, from_org_id, to_org_id, actor=None, **kwargs):
    """``members.signals.member_moved``: a probationary member's open development case goes
    with them to the new organization (in the sender's transaction)."""
    cases = DevelopmentCase.objects.select_for_update().filter(member_id=member.pk).exclude(stage=Stage.FULL)
    for case in cases:
        if case.organization_id == to_org_id:
            continue
        case.organization_id = to_org_id
        case.save(update_fields=["organization", "updated_at"])
        record(actor, "development.case_moved", case, {"from": from_org_id, "to": to_org_id})


def connect() -> None:
    from organizations.members.signals import member_moved

    member_moved.connect(follow_member_moved, sender=Member, dispatch_uid="development.follow_member_moved")


def reveal_personal_data(*, actor, case, channel="web", ip=None) -> dict:
    """The applicant's phone and ID number in full, logged like a member's."""
    from organizations.members.choices import PERSONAL_DATA_ROLES
    from organizations.members.models import PersonalDataAccess

    if not selectors.cases_for(actor).filter(pk=case.pk).exists():
        raise Http404
    if not get_scope(actor).covers_org(case.organization, PERSONAL_DATA_ROLES):
        PersonalDataAccess.objects.create(user=actor, target_type="organizations.developmentcase",
                                          target_id=str(case.pk), fields="phone,id_number", refused=True,
                                          channel=channel, ip=ip)
        raise PermissionDeniedError(_("您的角色不能查看完整的个人信息。"))
    PersonalDataAccess.objects.create(user=actor, member=case.member, target_type="organizations.developmentcase",
                                      target_id=str(case.pk), fields="phone,id_number", channel=channel, ip=ip)
    return {"phone": case.phone, "id_number": case.id_number}
