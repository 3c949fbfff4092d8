"""Demo 发展党员 for ``seed_demo``: a realistic pipeline per branch, written in bulk.

``seed_development(rng=..., branch_ids=..., today=...)`` gives each branch a few applicants
(one whose talk is overdue now and then), activists (assessed half-yearly, some late),
candidates on their way to the vote, and a case for each existing probationary member whose
steps end at their admission (the 支部大会 on their joining day) — the full-membership vote
then falls due a year after it.  Dates are those the rules allow, a few days to weeks apart
(``schedule.window``), so every case's plan and its derived ``next_*``/``due_*`` columns are
what the actions would have left.  Per batch of branches: two reads and bulk inserts.

``ensure_demo_queue(...)`` makes sure the demo ``community`` account has work waiting (an
applicant whose talk is due this month, a candidate ready for the public notice) and that
the demo ``member`` account has a development record of their own."""
from __future__ import annotations

from datetime import date, timedelta

from organizations.demo.names import MOBILE_PREFIXES, person_name
from organizations.development import schedule, selectors
from organizations.development.choices import STAGE_ORDER, Stage
from organizations.development.models import DevelopmentCase, DevelopmentRuleSet, DevelopmentStep
from organizations.members.choices import MemberStatus
from organizations.members.models import Member

BRANCH_BATCH = 300
INSERT_BATCH = 5000
# new people per branch: (stop before this step, how many, the years since the application)
MIX = (
    ("talk", (0, 2), (0.02, 0.15)),  # applicants, some with the talk overdue
    ("candidate_determined", (1, 2), (0.5, 1.6)),  # activists
    ("notice", (0, 1), (1.3, 1.8)),  # candidates before the notice
    ("approval", (0, 1), (1.4, 1.9)),  # candidates voted, awaiting approval
)


def _walk(rules, start: date, until: str, today: date, rng, *, late_share=0.15):
    """The steps from the application on ``start`` up to ``until`` (not included), each on an
    allowed day a little after the earliest one, none after ``today``; the half-yearly
    assessments while they run.  Returns ``[(code, day)]``."""
    sequence = sorted((r for r in rules if not r.recurring), key=lambda r: r.order)
    recurring = [r for r in rules if r.recurring]
    dates: dict = {}
    out = []
    for rule in sequence:
        if rule.code == until:
            break
        if not dates:
            on = start
        else:
            earliest, _due = schedule.window(rule, dates)
            last = max(d for ds in dates.values() for d in ds)
            on = max(last, earliest or last) + timedelta(days=rng.randint(1, 12))
            if rule.kind == "vote":
                on = schedule.working_period_end(on, 1)  # a meeting on a working day
        if on > today:
            break
        dates[rule.code] = [on]
        out.append((rule.code, on))
    for rule in recurring:
        anchor = dates.get(rule.counts_from)
        if not anchor:
            continue
        ends = [r for r in sequence if r.order > rule.order and r.enters_stage]
        stop = dates.get(ends[0].code, [today])[0] if ends else today
        day = schedule.add_months(anchor[0], rule.repeat_months)
        while day <= min(stop, today):
            if rng.random() < 1 - late_share:
                out.append((rule.code, day - timedelta(days=rng.randint(0, 20))))
            day = schedule.add_months(day, rule.repeat_months)
    return out


def _stage_of(rules, taken) -> str:
    by_code = {r.code: r for r in rules}
    stage = Stage.APPLICANT
    for code, _on in taken:
        enters = by_code[code].enters_stage
        if enters and STAGE_ORDER[enters] > STAGE_ORDER[stage]:
            stage = enters
    return stage


def _set_plan(case, rules, taken, today):
    plan = schedule.plan(rules, [schedule.Taken(c, d) for c, d in taken], today)
    soonest = plan.soonest
    case.next_step = plan.next.rule.code if plan.next else ""
    case.next_allowed_on = plan.next.allowed_from if plan.next else None
    case.due_step = soonest.rule.code if soonest else ""
    case.due_on = soonest.due_on if soonest else None


def _phone(rng) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"


def _new_person(rng, today):
    gender = rng.choice("MF")
    birth_year = today.year - rng.randint(20, 45)
    return gender, person_name(rng, gender, birth_year), date(birth_year, rng.randint(1, 12), rng.randint(1, 28))


def _people_for(rule, members, rng):
    if rule.kind not in ("contacts", "sponsors") or not members:
        return []
    return rng.sample(members, min(len(members), 2 if rule.kind == "sponsors" else rng.randint(1, 2)))


def _write(cases_and_steps, rule_set, rules, full_by_org, rng):
    """Bulk insert the cases, then their steps, then the steps' people."""
    by_code = {r.code: r for r in rules}
    DevelopmentCase.objects.bulk_create([c for c, _t in cases_and_steps], batch_size=INSERT_BATCH)
    steps, people = [], []
    for case, taken in cases_and_steps:
        for code, on in taken:
            step = DevelopmentStep(case=case, code=code, rule_set=rule_set, on=on)
            rule = by_code[code]
            if rule.kind == "training":
                step.hours = rng.choice((24, 32, 40))
            if rule.kind == "notice":
                step.notice_until = schedule.working_period_end(on, 5)
            if rule.kind == "vote":
                n = max(len(full_by_org.get(case.organization_id, [])), 3)
                present = max(n // 2 + 1, n - rng.randint(0, 2))
                step.votes_expected, step.votes_present = n, present
                step.votes_yes, step.votes_no, step.votes_abstain, step.votes_written = present, 0, 0, 0
            steps.append((step, _people_for(rule, full_by_org.get(case.organization_id, []), rng)))
    DevelopmentStep.objects.bulk_create([s for s, _p in steps], batch_size=INSERT_BATCH)
    through = DevelopmentStep.people.through
    for step, chosen in steps:
        people.extend(through(developmentstep_id=step.pk, member_id=m) for m in chosen)
    through.objects.bulk_create(people, batch_size=INSERT_BATCH)
    return len(steps)


def seed_development(*, rng, branch_ids, today: date) -> dict:
    rule_set = DevelopmentRuleSet.objects.filter(area__isnull=True).order_by("-version").first()
    if rule_set is None:  # a database whose data-migration rows were flushed: the defaults again
        from organizations.development.default_rules import load_default_rules
        from organizations.development.models import StepRule

        load_default_rules(DevelopmentRuleSet, StepRule)
        rule_set = DevelopmentRuleSet.objects.filter(area__isnull=True).order_by("-version").first()
    rules = selectors.rules_of(rule_set)
    counts = {"cases": 0, "steps": 0}
    branch_ids = list(branch_ids)
    for i in range(0, len(branch_ids), BRANCH_BATCH):
        batch = branch_ids[i:i + BRANCH_BATCH]
        full_by_org: dict = {}
        probationary = []
        for pk, org_id, status, name, gender, birth, joined in (
            Member.objects.filter(organization_id__in=batch).exclude(development_case__isnull=False)
            .values_list("pk", "organization_id", "status", "name", "gender", "birth_date", "joined_on")
        ):
            if status == MemberStatus.FULL:
                full_by_org.setdefault(org_id, []).append(pk)
            elif joined is not None:
                probationary.append((pk, org_id, name, gender, birth, joined))
        made = []
        for org_id in batch:
            for until, (lo, hi), (y0, y1) in MIX:
                for _ in range(rng.randint(lo, hi)):
                    gender, name, birth = _new_person(rng, today)
                    start = today - timedelta(days=int(365 * rng.uniform(y0, y1)))
                    taken = _walk(rules, start, until, today, rng)
                    made.append(_case(org_id, name, gender, birth, start, taken, rule_set, rules, today, rng))
        for pk, org_id, name, gender, birth, joined in probationary:
            taken = _admitted(rules, joined, today, rng)
            case, taken = _case(org_id, name, gender, birth or date(joined.year - 30, 6, 1), taken[0][1], taken,
                                rule_set, rules, today, rng, phone=False)
            case.member_id = pk
            made.append((case, taken))
        counts["steps"] += _write(made, rule_set, rules, full_by_org, rng)
        counts["cases"] += len(made)
    return counts


def _case(org_id, name, gender, birth, start, taken, rule_set, rules, today, rng, *, phone=True):
    case = DevelopmentCase(organization_id=org_id, name=name, gender=gender, birth_date=birth, applied_on=start,
                           rule_set=rule_set, stage=_stage_of(rules, taken), phone=_phone(rng) if phone else "")
    _set_plan(case, rules, taken, today)
    return case, taken


def _admitted(rules, joined: date, today: date, rng, *, until="join_and_oath"):
    """The steps of someone admitted at the 支部大会 of ``joined``: a walk whose vote is moved
    onto that day (the walk shifted), up to ``until``."""
    start = joined - timedelta(days=700)
    taken = _walk(rules, start, "superior_talk", joined + timedelta(days=400), rng, late_share=0.0)
    vote = dict(taken).get("branch_vote")
    shift = (joined - vote) if vote else timedelta(0)
    taken = [(c, d + shift) for c, d in taken]
    tail = [("superior_talk", joined + timedelta(days=rng.randint(5, 20)))]
    tail.append(("approval", tail[-1][1] + timedelta(days=rng.randint(10, 60))))
    tail.append(("approval_filed", tail[-1][1] + timedelta(days=rng.randint(3, 15))))
    if until != "approval_filed":
        tail.append(("join_and_oath", tail[-1][1] + timedelta(days=rng.randint(1, 20))))
    tail = [(c, d) for c, d in tail if d <= today]
    assessments = []
    day = schedule.add_months(tail[1][1] if len(tail) > 1 else joined, 6)
    while day <= min(today, schedule.add_months(joined, 12)):
        assessments.append(("probation_assessment", day))
        day = schedule.add_months(day, 6)
    return [*taken, *tail, *assessments]


# ------------------------------------------------------------------ the demo accounts' work
def ensure_demo_queue(*, community_branch, filer, member, today: date) -> dict:
    """Work for the demo ``community`` account at ``community_branch`` (through the real
    actions): an applicant whose talk is due this month; and a record for the demo
    ``member`` (their own), when they have none."""
    import random

    from organizations.development import actions

    made = {}
    rng = random.Random("development-queue")
    if not DevelopmentCase.objects.filter(organization=community_branch, next_step="talk", due_on__gte=today).exists():
        gender, name, birth = _new_person(rng, today)
        actions.case_create(actor=filer, organization=community_branch, name=name, gender=gender, birth_date=birth,
                            applied_on=today - timedelta(days=10), phone=_phone(rng),
                            note="本人递交入党申请书，表示愿意加入中国共产党。")
        made["applicant"] = 1
    if member is not None and not DevelopmentCase.objects.filter(member=member).exists() and member.joined_on:
        rule_set = DevelopmentRuleSet.objects.filter(area__isnull=True).order_by("-version").first()
        rules = selectors.rules_of(rule_set)
        taken = _admitted(rules, member.joined_on, today, rng)
        if member.status == MemberStatus.FULL:
            end = schedule.probation_end(member.joined_on)
            taken += [("full_application", end - timedelta(days=20)), ("full_vote", end),
                      ("full_approval", end + timedelta(days=30)), ("archive", end + timedelta(days=45))]
            taken = [(c, d) for c, d in taken if d <= today]
        case, taken = _case(member.organization_id, member.name, member.gender,
                            member.birth_date or date(member.joined_on.year - 30, 1, 1), taken[0][1], taken, rule_set,
                            rules, today, rng, phone=False)
        case.member_id = member.pk
        _write([(case, taken)], rule_set, rules, {}, rng)
        made["member_record"] = 1
    return made


def seed_for_demo(*, accounts, seed, first_city_only: bool, today: date) -> dict:
    """``seed_demo``'s phase: every third branch of the demo trees (only the first city's at
    province scale) plus every branch of the demo ``community`` account's community, then the
    demo accounts' work.  Bulk writes whatever the scale."""
    import random

    from django.contrib.auth import get_user_model

    from dangjian import trees
    from organizations.areas.models import Area
    from organizations.orgs.models import PartyOrg

    if not DevelopmentRuleSet.objects.filter(area__isnull=True, steps__isnull=False).exists():
        # a test database flushed by a transactional test lost the data migration's rows
        from organizations.development.default_rules import load_default_rules
        from organizations.development.models import StepRule

        load_default_rules(DevelopmentRuleSet, StepRule)
    roots = Area.objects.filter(parent__isnull=True).order_by("code")
    if first_city_only:
        roots = roots[:1]
    tree_ids = list(roots.values_list(trees.tree_field(), flat=True))
    nodes = {a.username: a.node for a in accounts}
    community = nodes.get("community")
    branches = PartyOrg.objects.filter(trees.in_trees_q(tree_ids, "area"), kind__in=selectors.BRANCH_KINDS)
    ids = set(branches.filter(pk__in=[pk for pk in branches.values_list("pk", flat=True) if pk % 3 == 0])
              .values_list("pk", flat=True))
    own = []
    if community is not None:
        own = list(branches.filter(trees.subtree_q(community, "area")).order_by("pk").values_list("pk", flat=True))
        ids.update(own)
    counts = seed_development(rng=random.Random(f"{seed}-development"), branch_ids=sorted(ids), today=today)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["community", "member"])}
    member = Member.objects.filter(user=users.get("member")).first() if "member" in users else None
    if own and "community" in users:
        branch = PartyOrg.objects.select_related("area").get(pk=own[0])
        counts.update(ensure_demo_queue(community_branch=branch, filer=users["community"], member=member, today=today))
    return counts


def flush_development(org_trees) -> None:
    """``seed_demo --flush``: the cases of the demo organizations go before the trees (a case
    protects its branch, a vote step its meeting), set-based."""
    from dangjian import trees

    cases = DevelopmentCase.objects.filter(trees.in_trees_q(org_trees, "organization"))
    DevelopmentStep.people.through.objects.filter(developmentstep__case__in=cases.values("pk")).delete()
    DevelopmentStep.objects.filter(case__in=cases.values("pk"))._raw_delete(DevelopmentStep.objects.db)
    cases._raw_delete(DevelopmentCase.objects.db)
