"""Factories of 发展党员: the default rules (again, after a flush), a case opened directly,
and ``walk``, which takes a case through the steps with the actions on the earliest dates
the rules allow (a 支部党员大会 with every full member present for each vote)."""
import itertools
from datetime import date, timedelta

from assessments.tests.factories import activity
from organizations.development import actions, schedule, selectors
from organizations.development.default_rules import load_default_rules
from organizations.development.models import DevelopmentCase, DevelopmentRuleSet, DevelopmentStep, StepRule
from organizations.members.choices import MemberStatus
from organizations.members.models import Member
from organizations.tests.factories import valid_id_number

_serial = itertools.count(500)


def ensure_rules() -> DevelopmentRuleSet:
    rule_set = DevelopmentRuleSet.objects.filter(area__isnull=True, version=1).first()
    if rule_set is None or not rule_set.steps.exists():
        rule_set = load_default_rules(DevelopmentRuleSet, StepRule)
    return rule_set


def make_case(org, *, name=None, applied_on=date(2023, 1, 2), birth_date=date(1995, 3, 4), **fields):
    """A case with its application step, written directly (no actor, no checks)."""
    n = next(_serial)
    rule_set = ensure_rules()
    case = DevelopmentCase.objects.create(
        organization=org, name=name or f"申请人{n}", gender="F", birth_date=birth_date, applied_on=applied_on,
        rule_set=rule_set, phone=f"138{n:08d}", id_number=valid_id_number(n, "19950304"), **fields)
    DevelopmentStep.objects.create(case=case, code="application", rule_set=rule_set, on=applied_on)
    actions.refresh_plan(case)
    case.save()
    return case


def full_members(org):
    return list(Member.objects.filter(organization=org, status=MemberStatus.FULL).order_by("pk"))


def meeting(org, day, *, present=None, absent=()):
    present = full_members(org) if present is None else present
    return activity(org, "branch_general_meeting", day, present=present, absent=absent, topic=f"支部党员大会{day}")


def walk(case, actor, *, until, today=None):
    """Record every sequence step of ``case`` before ``until`` (a code; "" = all) on the earliest
    allowed day; returns the case reloaded."""
    rules = selectors.rules_of(case.rule_set)
    sequence = sorted((r for r in rules if not r.recurring), key=lambda r: r.order)
    for rule in sequence:
        if rule.code == until:
            break
        case.refresh_from_db()
        taken = selectors.taken_of(case)
        if rule.code in {t.code for t in taken}:
            continue
        last = max(t.on for t in taken)
        earliest, _due = schedule.window(rule, {t.code: [t.on] for t in taken},
                                         extension_months=case.probation_extension_months)
        on = max(last, earliest or last)
        kwargs = {}
        if rule.kind in ("contacts", "sponsors"):
            kwargs["people"] = full_members(case.organization)[: max(rule.min_people, 1)]
        if rule.kind == "training":
            kwargs["hours"] = 24
        if rule.kind == "vote":
            voters = full_members(case.organization)
            kwargs.update(activity=meeting(case.organization, on), yes=len(voters), no=0, abstain=0)
        actions.step_record(actor=actor, case=case, code=rule.code, on=on, today=today or max(on, date.today()),
                            **kwargs)
    case.refresh_from_db()
    return case


def days(n):
    return timedelta(days=n)
