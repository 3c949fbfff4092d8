"""The default rules of 发展党员: 《中国共产党发展党员工作细则》(2014), in 灯塔's "5 stages, 25
steps" numbering (the 细则 numbers articles, not steps).  Loaded by a data migration as rule
set version 1; a locality publishes its own version (e.g. after the May 2026 revision)
instead of editing these.  公示 ≥ 5 working days is a local rule (Saturdays and Sundays are
not working days; public holidays are not modelled)."""

MIN_AGE = 18  # 年满十八岁 (党章第一条; 细则第五条)

A, ACT, C, P, F = "applicant", "activist", "candidate", "probationary", "full"
D, W, M = "days", "working_days", "months"

# code, stage (section), name, kind, counts from, (min interval, unit), (deadline, unit),
# repeat every n months, after probation, enters stage, (min, max people), min hours, clause
STEPS = [
    ("application", A, "递交入党申请书", "application", "", None, None, None, False, A, None, None, "细则第六条"),
    ("talk", A, "党组织派人谈话", "plain", "application", None, (1, M), None, False, "", None, None, "细则第七条"),
    ("activist_recommend", ACT, "推荐和确定入党积极分子", "plain", "application", None, None, None, False, ACT, None, None,
     "细则第八条"),
    ("activist_filed", ACT, "上级党委备案", "plain", "activist_recommend", None, None, None, False, "", None, None,
     "细则第八条"),
    ("contacts_assigned", ACT, "指定培养联系人", "contacts", "activist_recommend", None, None, None, False, "", (1, 2), None,
     "细则第九条"),
    ("activist_assessment", ACT, "培养教育考察（每半年一次）", "plain", "activist_recommend", None, None, 6, False, "", None,
     None, "细则第十一条"),
    ("candidate_determined", C, "确定发展对象", "plain", "activist_recommend", (1, "years"), None, None, False, C, None, None,
     "细则第十三条"),
    ("candidate_filed", C, "报上级党委备案", "plain", "candidate_determined", None, None, None, False, "", None, None,
     "细则第十三条"),
    ("sponsors_assigned", C, "确定入党介绍人", "sponsors", "candidate_determined", None, None, None, False, "", (2, 2), None,
     "细则第十四条"),
    ("political_review", C, "进行政治审查", "plain", "candidate_determined", None, None, None, False, "", None, None,
     "细则第十六条"),
    ("training", C, "开展集中培训", "training", "candidate_determined", None, None, None, False, "", None, 24, "细则第十七条"),
    ("committee_review", P, "支部委员会审查", "plain", "training", None, None, None, False, "", None, None, "细则第十八条"),
    ("pre_review", P, "上级党委预审", "plain", "committee_review", None, None, None, False, "", None, None, "细则第十九条"),
    ("notice", P, "公示", "notice", "pre_review", None, None, None, False, "", None, None, "细则第十九条（公示不少于5个工作日）"),
    ("application_form", P, "填写入党志愿书", "plain", "pre_review", None, None, None, False, "", None, None, "细则第二十条"),
    ("branch_vote", P, "支部党员大会讨论", "vote", "notice", (5, W), None, None, False, "", None, None, "细则第二十二条"),
    ("superior_talk", P, "上级党委派人谈话", "plain", "branch_vote", None, None, None, False, "", None, None, "细则第二十四条"),
    ("approval", P, "上级党委审批", "admit", "branch_vote", None, (3, M), None, False, P, None, None, "细则第二十五条"),
    ("approval_filed", P, "再上一级党委组织部门备案", "plain", "approval", None, None, None, False, "", None, None,
     "细则第二十七条"),
    ("join_and_oath", F, "编入党支部和党小组、入党宣誓", "plain", "approval", None, None, None, False, "", None, None,
     "细则第二十九条、第三十条"),
    ("probation_assessment", F, "继续教育考察（每半年一次）", "plain", "approval", None, None, 6, False, "", None, None,
     "细则第三十一条"),
    ("full_application", F, "提出转正申请", "plain", "branch_vote", None, (1, "years"), None, True, "", None, None,
     "细则第三十二条"),
    ("full_vote", F, "支部党员大会讨论转正", "vote", "branch_vote", (1, "years"), (1, "years"), None, True, "", None, None,
     "细则第三十三条"),
    ("full_approval", F, "上级党委审批转正", "confirm", "full_vote", None, (3, M), None, False, F, None, None,
     "细则第三十四条"),
    ("archive", F, "材料归档", "plain", "full_approval", None, None, None, False, "", None, None, "细则第三十六条"),
]

# Interval units given in years are stored as months.
def interval(value):
    if value is None:
        return 0, D
    n, unit = value
    return (n * 12, M) if unit == "years" else (n, unit)


def load_default_rules(RuleSet, StepRule):
    """Create (or bring up to date) default rule set version 1 with its steps: the data
    migration's body, also used by the tests after a flush."""
    import datetime

    rule_set, _ = RuleSet.objects.get_or_create(
        area=None, version=1,
        defaults=dict(name="发展党员工作细则（2014）默认规则", effective_from=datetime.date(2014, 5, 28), min_age=MIN_AGE,
                      notes="《中国共产党发展党员工作细则》（2014年6月）；公示不少于5个工作日为地方规定。"),
    )
    for order, row in enumerate(STEPS, start=1):
        code, stage, name, kind, counts_from, min_i, deadline, repeat, after, enters, people, hours, clause = row
        min_n, min_unit = interval(min_i)
        dl_n, dl_unit = interval(deadline)
        lo, hi = people or (0, 0)
        StepRule.objects.update_or_create(
            rule_set=rule_set, code=code,
            defaults=dict(stage=stage, order=order, name=name, kind=kind, counts_from=counts_from, min_interval=min_n,
                          min_unit=min_unit, deadline=dl_n, deadline_unit=dl_unit, repeat_months=repeat or 0,
                          after_probation=after, enters_stage=enters, min_people=lo, max_people=hi,
                          min_hours=hours or 0, clause=clause),
        )
    return rule_set


def as_rules():
    """The default steps as ``schedule.Rule`` values, without the database (the pure tests)."""
    from organizations.development.schedule import Rule

    out = []
    for order, row in enumerate(STEPS, start=1):
        code, stage, name, kind, counts_from, min_i, deadline, repeat, after, enters, people, hours, clause = row
        min_n, min_unit = interval(min_i)
        dl_n, dl_unit = interval(deadline)
        lo, hi = people or (0, 0)
        out.append(Rule(code=code, name=name, order=order, stage=stage, kind=kind, counts_from=counts_from,
                        min_interval=min_n, min_unit=min_unit, deadline=dl_n, deadline_unit=dl_unit,
                        repeat_months=repeat or 0, after_probation=after, enters_stage=enters, min_people=lo,
                        max_people=hi, min_hours=hours or 0, clause=clause))
    return out
