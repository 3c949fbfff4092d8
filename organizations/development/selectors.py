"""Reads of 发展党员, scoped to a user: cases, the rule set governing an organization, a
case's plan, a pipeline's counts (one aggregate), the pickers' querysets."""
from __future__ import annotations

from datetime import date

from django.db.models import Count, F, Q

from assessments.life import selectors as life_selectors
from assessments.life.models import Activity
from dangjian import trees
from dangjian.scoping import InArea, InOrg
from organizations.development import schedule
from organizations.development.choices import OPEN_STAGES, Stage
from organizations.development.models import DevelopmentCase, DevelopmentRuleSet, DevelopmentStep
from organizations.grants.choices import MANAGE_ROLES
from organizations.members.choices import MemberStatus
from organizations.members.models import Member
from organizations.orgs.choices import OrgKind
from organizations.orgs.models import PartyOrg

BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH)
VOTE_TYPE = "branch_general_meeting"


def cases_for(user):
    return DevelopmentCase.objects.visible_to(user)


def rule_sets_for(user):
    return DevelopmentRuleSet.objects.visible_to(user)


def rule_set_for(org, on_date: date) -> DevelopmentRuleSet | None:
    """The rule set in force for an organization on a day (one query): the newest effective
    set of the nearest area among the organization's anchor area and its ancestors, else the
    default.  ``org.area`` must be loaded (an organization without an area gets the default)."""
    q = Q(area__isnull=True)
    if org.area_id is not None:
        q |= trees.ancestors_q(org.area, "area")
    return (
        DevelopmentRuleSet.objects.filter(q, effective_from__lte=on_date).select_related("area")
        .order_by(F("area__depth").desc(nulls_last=True), "-effective_from", "-version").first()
    )


def rules_of(rule_set) -> list[schedule.Rule]:
    return [r.as_rule() for r in rule_set.steps.order_by("order")]


def taken_of(case) -> list[schedule.Taken]:
    return [schedule.Taken(code, on) for code, on in case.steps.values_list("code", "on")]


def case_plan(case, rules, steps, today: date) -> schedule.Plan:
    return schedule.plan(rules, [schedule.Taken(s.code, s.on) for s in steps], today,
                         extension_months=case.probation_extension_months)


def timeline(case):
    """The case's steps, oldest first, with their people (two queries)."""
    return list(
        DevelopmentStep.objects.filter(case=case).select_related("activity", "recorded_by")
        .prefetch_related("people").order_by("on", "pk")
    )


def manageable_branches(user):
    """Branches the user may open cases for (a managing role over them)."""
    return PartyOrg.objects.granted(user, InOrg("", MANAGE_ROLES), InArea("area", MANAGE_ROLES)).filter(
        kind__in=BRANCH_KINDS)


def full_members_of(case):
    """Whom the people pickers offer: the branch's full members (sponsors, contacts)."""
    return Member.objects.filter(organization_id=case.organization_id, status=MemberStatus.FULL).order_by("name", "pk")


def branch_meetings(case):
    """The 支部党员大会 of the case's branch the vote picker offers, newest first."""
    return (Activity.objects.filter(org_id=case.organization_id, activity_type__code=VOTE_TYPE)
            .select_related("activity_type", "org__area").order_by("-starts_at", "-pk"))


def meeting_quorum(activity):
    return life_selectors.activity_quorum(activity)


def pipeline_counts(cases, today: date) -> dict:
    """Counts of ``cases`` per stage, due this month and overdue: one aggregate query."""
    month_start = today.replace(day=1)
    month_end = schedule.add_months(month_start, 1)
    open_q = Q(stage__in=OPEN_STAGES)
    row = cases.order_by().aggregate(
        **{s: Count("pk", filter=Q(stage=s)) for s in Stage.values},
        due_month=Count("pk", filter=open_q & Q(due_on__gte=today, due_on__lt=month_end)),
        overdue=Count("pk", filter=open_q & Q(due_on__lt=today)),
    )
    return row


def filter_cases(cases, values: dict, today: date):
    if values.get("stage"):
        cases = cases.filter(stage=values["stage"])
    if values.get("q"):
        cases = cases.filter(name__icontains=values["q"])
    if values.get("org"):
        org = values["org"]
        cases = cases.filter(trees.subtree_q(org, "organization"))
    due = values.get("due")
    open_q = Q(stage__in=OPEN_STAGES)
    if due == "month":
        cases = cases.filter(open_q, due_on__gte=today, due_on__lt=schedule.add_months(today.replace(day=1), 1))
    elif due == "overdue":
        cases = cases.filter(open_q, due_on__lt=today)
    elif due == "todo":
        cases = cases.filter(open_q, due_on__lt=schedule.add_months(today.replace(day=1), 1))
    return cases


def steps_to_take(user, today: date):
    """The open cases of ``user``'s scope with a step overdue or due before the month ends (the
    case list's ``?due=todo``, the home page's queue)."""
    return filter_cases(cases_for(user), {"due": "todo"}, today)


def case_of_member(user, member):
    return cases_for(user).filter(member=member).select_related("organization__area", "rule_set").first()
