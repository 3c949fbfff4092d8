"""The calendar of 发展党员 without the database: order, minimum intervals with their clauses,
deadlines and overdue, the recurring assessments, working days, people, hours, the vote."""
from datetime import date

import pytest

from organizations.development import schedule
from organizations.development.default_rules import as_rules
from organizations.development.schedule import Ballot, StepRefused, Taken

RULES = as_rules()
ORDER = [r.code for r in sorted((r for r in RULES if not r.recurring), key=lambda r: r.order)]
TODAY = date(2026, 12, 1)


def taken_until(code, dates):
    """Every sequence step before ``code`` taken, on the dates given (default: a fixed day)."""
    out = []
    for c in ORDER:
        if c == code:
            break
        out.append(Taken(c, dates.get(c, date(2025, 1, 1))))
    return out


def test_default_rules_are_the_five_stages_and_twenty_five_steps():
    assert len(RULES) == 25
    assert [r.stage for r in RULES][0] == "applicant" and RULES[-1].code == "archive"
    assert {r.stage for r in RULES} == {"applicant", "activist", "candidate", "probationary", "full"}


def test_next_step_after_the_application_is_the_talk_due_within_a_month():
    plan = schedule.plan(RULES, [Taken("application", date(2026, 11, 10))], TODAY)
    assert plan.next.rule.code == "talk"
    assert plan.next.due_on == date(2026, 12, 10) and not plan.next.overdue
    late = schedule.plan(RULES, [Taken("application", date(2026, 10, 1))], TODAY)
    assert late.next.overdue and late.soonest.rule.code == "talk"


def test_steps_out_of_order_are_refused_naming_the_missing_step():
    with pytest.raises(StepRefused) as exc:
        schedule.check_step(RULES, [Taken("application", date(2026, 1, 5))], "activist_recommend", TODAY, TODAY)
    assert "须先完成“党组织派人谈话”" in exc.value.message


def test_a_step_cannot_be_recorded_twice_or_in_the_future():
    taken = [Taken("application", date(2026, 1, 5))]
    with pytest.raises(StepRefused, match="已于2026年1月5日办理"):
        schedule.check_step(RULES, taken, "application", TODAY, TODAY)
    with pytest.raises(StepRefused, match="不能晚于今天"):
        schedule.check_step(RULES, taken, "talk", date(2026, 12, 2), TODAY)


def test_a_step_dated_before_the_previous_one_is_refused():
    taken = [Taken("application", date(2026, 3, 5))]
    with pytest.raises(StepRefused, match="不能早于上一环节“递交入党申请书”"):
        schedule.check_step(RULES, taken, "talk", date(2026, 3, 1), TODAY)


def test_candidate_before_a_year_as_activist_is_refused_with_article_13():
    taken = taken_until("candidate_determined", {"activist_recommend": date(2026, 3, 1)})
    with pytest.raises(StepRefused) as exc:
        schedule.check_step(RULES, taken, "candidate_determined", date(2027, 2, 28), date(2027, 3, 1))
    message = exc.value.message
    assert "最早可于2027年3月1日办理" in message and "满1年" in message and "细则第十三条" in message
    assert schedule.check_step(RULES, taken, "candidate_determined", date(2027, 3, 1), date(2027, 3, 1)).code == \
        "candidate_determined"


def test_the_vote_comes_after_five_working_days_of_public_notice():
    # a notice from Thursday 2026-11-05 runs Thu, Fri, Mon, Tue, Wed: the vote may be on Thursday 11-12
    assert schedule.working_period_end(date(2026, 11, 5), 5) == date(2026, 11, 11)
    taken = taken_until("branch_vote", {"notice": date(2026, 11, 5)})
    with pytest.raises(StepRefused, match="5个工作日"):
        schedule.check_step(RULES, taken, "branch_vote", date(2026, 11, 11), TODAY)
    assert schedule.check_step(RULES, taken, "branch_vote", date(2026, 11, 12), TODAY).code == "branch_vote"


def test_approval_is_due_three_months_after_the_vote():
    vote = date(2026, 8, 31)
    taken = taken_until("superior_talk", {"branch_vote": vote}) + [Taken("superior_talk", vote)]
    plan = schedule.plan(RULES, taken, TODAY)
    assert plan.next.rule.code == "approval" and plan.next.due_on == date(2026, 11, 30) and plan.next.overdue


def test_full_membership_vote_waits_for_the_probation_year_and_its_extension():
    vote = date(2025, 12, 10)
    taken = taken_until("full_vote", {"branch_vote": vote})
    with pytest.raises(StepRefused, match="细则第三十三条"):
        schedule.check_step(RULES, taken, "full_vote", date(2026, 12, 9), date(2026, 12, 9))
    schedule.check_step(RULES, taken, "full_vote", date(2026, 12, 10), date(2026, 12, 10))
    with pytest.raises(StepRefused, match="1年6个月"):
        schedule.check_step(RULES, taken, "full_vote", date(2026, 12, 10), date(2026, 12, 10), extension_months=6)
    assert schedule.probation_end(vote) == date(2026, 12, 10)
    assert schedule.probation_end(vote, 6) == date(2027, 6, 10)


def test_activists_are_assessed_every_half_year_until_they_become_candidates():
    taken = [Taken("application", date(2025, 1, 2)), Taken("talk", date(2025, 1, 20)),
             Taken("activist_recommend", date(2025, 3, 1))]
    plan = schedule.plan(RULES, taken, date(2025, 10, 1))
    assessment = [d for d in plan.recurring if d.rule.code == "activist_assessment"][0]
    assert assessment.due_on == date(2025, 9, 1) and assessment.overdue
    plan = schedule.plan(RULES, [*taken, Taken("activist_assessment", date(2025, 8, 20))], date(2025, 10, 1))
    assert [d.due_on for d in plan.recurring if d.rule.code == "activist_assessment"] == [date(2026, 2, 20)]
    done = taken_until("candidate_filed", {})
    assert not [d for d in schedule.plan(RULES, done, TODAY).recurring if d.rule.code == "activist_assessment"]


def test_months_clamp_to_the_end_of_a_short_month():
    assert schedule.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert schedule.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_contacts_and_sponsors_are_full_members_in_number():
    by = {r.code: r for r in RULES}
    schedule.check_people(by["contacts_assigned"], [("甲", True)])
    with pytest.raises(StepRefused, match="1至2名"):
        schedule.check_people(by["contacts_assigned"], [("甲", True), ("乙", True), ("丙", True)])
    with pytest.raises(StepRefused, match="须有2名人员（现为1名）"):
        schedule.check_people(by["sponsors_assigned"], [("甲", True)])
    with pytest.raises(StepRefused, match="乙不是正式党员"):
        schedule.check_people(by["sponsors_assigned"], [("甲", True), ("乙", False)])


def test_training_needs_24_class_hours():
    rule = {r.code: r for r in RULES}["training"]
    with pytest.raises(StepRefused, match="24个学时"):
        schedule.check_hours(rule, 16)
    schedule.check_hours(rule, 24)


def test_applicants_must_be_eighteen():
    with pytest.raises(StepRefused, match="须年满18岁"):
        schedule.check_age(date(2008, 12, 2), date(2026, 12, 1), 18)
    schedule.check_age(date(2008, 12, 1), date(2026, 12, 1), 18)


@pytest.mark.parametrize("ballot, present, met, message", [
    (Ballot(6, 0, 0), 5, False, "未超过应到人数的半数"),
    (Ballot(5, 2, 1), 8, True, "赞成票（5票，含书面意见）未超过"),
    (Ballot(11, 0, 0), 10, True, "超过有表决权的正式党员人数"),
    (Ballot(6, 0, 0, written=3), 9, True, "书面意见只能来自"),
])
def test_the_vote_is_refused_without_quorum_or_majority(ballot, present, met, message):
    with pytest.raises(StepRefused, match=message):
        schedule.check_vote(ballot, expected=10, present=present, quorum_met=met)


def test_the_vote_passes_with_more_than_half_of_those_entitled_written_opinions_counted():
    schedule.check_vote(Ballot(6, 1, 0, written=1), expected=10, present=7, quorum_met=True)
