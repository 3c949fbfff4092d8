"""The actions of 发展党员 on the database: opening a case, each refused step with its message,
the vote reusing a 支部党员大会's quorum, admission creating the probationary member, full
membership, the probation extension, the receiver of ``member_moved``, scope."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from dangjian.errors import PermissionDeniedError
from dangjian.models import AuditEvent
from organizations.development import actions, schedule
from organizations.development.choices import Stage
from organizations.development.models import DevelopmentCase
from organizations.development.tests.factories import full_members, make_case, meeting, walk
from organizations.grants.choices import Role
from organizations.members.choices import MemberStatus
from organizations.members.models import Member
from organizations.members.signals import member_moved
from organizations.tests.factories import MemberFactory, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre(city):
    return user_with(Role.COMMUNITY, city.a.area)


@pytest.fixture
def branch(city):
    """甲's branch with five full members (the two of build_city and three more)."""
    for i in range(3):
        MemberFactory(name=f"甲正式党员{i}", organization=city.a.branch, residence=city.a.building)
    return city.a.branch


def message(exc_info):
    return "；".join(exc_info.value.messages)


def test_case_create_records_the_application_and_plans_the_talk(cadre, branch):
    case = actions.case_create(actor=cadre, organization=branch, name="王小明", gender="M", birth_date=date(2000, 1, 1),
                               applied_on=date(2026, 11, 20), phone="13800001111", id_number="")
    assert case.stage == Stage.APPLICANT and case.rule_set.version == 1
    assert list(case.steps.values_list("code", flat=True)) == ["application"]
    assert case.next_step == "talk" and case.due_on == date(2026, 12, 20)
    assert case.phone_masked != "13800001111" and case.phone == "13800001111"
    assert AuditEvent.objects.filter(verb="development.case_create", target_id=str(case.pk)).exists()


def test_an_applicant_under_eighteen_is_refused(cadre, branch):
    with pytest.raises(ValidationError) as exc:
        actions.case_create(actor=cadre, organization=branch, name="少年", gender="M", birth_date=date(2010, 1, 1),
                            applied_on=date(2026, 11, 20))
    assert "须年满18岁" in message(exc)


def test_cases_are_opened_only_at_a_branch_the_actor_manages(city, cadre):
    with pytest.raises(ValidationError, match="请选择党支部"):
        actions.case_create(actor=cadre, organization=city.a.committee, name="某", gender="M",
                            birth_date=date(2000, 1, 1), applied_on=date(2026, 11, 1))
    with pytest.raises(Http404):
        actions.case_create(actor=cadre, organization=city.b.branch, name="某", gender="M",
                            birth_date=date(2000, 1, 1), applied_on=date(2026, 11, 1))
    grid = user_with(Role.GRID, city.a.area)
    with pytest.raises(PermissionDeniedError):
        actions.case_create(actor=grid, organization=city.a.branch, name="某", gender="M",
                            birth_date=date(2000, 1, 1), applied_on=date(2026, 11, 1))


def test_a_step_out_of_order_is_refused_with_the_step_missing(cadre, branch):
    case = make_case(branch)
    with pytest.raises(ValidationError) as exc:
        actions.step_record(actor=cadre, case=case, code="activist_recommend", on=date(2023, 2, 1))
    assert "须先完成“党组织派人谈话”" in message(exc)


def test_a_candidate_chosen_too_early_is_refused_with_article_13(cadre, branch):
    case = walk(make_case(branch), cadre, until="candidate_determined")
    activist_on = case.steps.get(code="activist_recommend").on
    with pytest.raises(ValidationError) as exc:
        actions.step_record(actor=cadre, case=case, code="candidate_determined", on=date(2023, 6, 1))
    assert "须在“推荐和确定入党积极分子”" in message(exc) and "满1年（细则第十三条）" in message(exc)
    actions.step_record(actor=cadre, case=case, code="candidate_determined", on=activist_on.replace(year=activist_on.year + 1))
    case.refresh_from_db()
    assert case.stage == Stage.CANDIDATE


def test_sponsors_must_be_two_full_members(cadre, branch):
    case = walk(make_case(branch), cadre, until="sponsors_assigned")
    on = case.steps.order_by("-on").first().on
    probationary = MemberFactory(organization=branch, status=MemberStatus.PROBATIONARY)
    with pytest.raises(ValidationError) as exc:
        actions.step_record(actor=cadre, case=case, code="sponsors_assigned", on=on, people=full_members(branch)[:1])
    assert "须有2名人员（现为1名）" in message(exc)
    with pytest.raises(ValidationError) as exc:
        actions.step_record(actor=cadre, case=case, code="sponsors_assigned", on=on,
                            people=[full_members(branch)[0], probationary])
    assert "不是正式党员" in message(exc)


def test_training_under_24_hours_is_refused(cadre, branch):
    case = walk(make_case(branch), cadre, until="training")
    on = case.steps.order_by("-on").first().on
    with pytest.raises(ValidationError, match="24个学时"):
        actions.step_record(actor=cadre, case=case, code="training", on=on, hours=12)


def _at_vote(cadre, branch):
    case = walk(make_case(branch), cadre, until="branch_vote")
    notice = case.steps.get(code="notice")
    assert notice.notice_until is not None and notice.notice_until > notice.on
    from organizations.development import schedule

    return case, schedule.add_interval(notice.on, 5, "working_days")


def test_the_vote_without_quorum_is_refused(cadre, branch):
    case, day = _at_vote(cadre, branch)
    voters = full_members(branch)  # 5 entitled: 2 present is no quorum
    gathering = meeting(branch, day, present=voters[:2], absent=voters[2:])
    with pytest.raises(ValidationError) as exc:
        actions.step_record(actor=cadre, case=case, code="branch_vote", on=day, activity=gathering, yes=2, no=0,
                            abstain=0)
    assert "应到5人，实到2人" in message(exc) and "细则第二十二条" in message(exc)


def test_the_vote_without_a_majority_of_those_entitled_is_refused(cadre, branch):
    case, day = _at_vote(cadre, branch)
    voters = full_members(branch)
    gathering = meeting(branch, day, present=voters[:4], absent=voters[4:])
    with pytest.raises(ValidationError) as exc:
        actions.step_record(actor=cadre, case=case, code="branch_vote", on=day, activity=gathering, yes=2, no=1,
                            abstain=1)
    assert "赞成票（2票，含书面意见）未超过应到会有表决权的正式党员（5人）的半数" in message(exc)


def test_the_vote_must_be_a_meeting_of_the_branch_on_its_day(city, cadre, branch):
    case, day = _at_vote(cadre, branch)
    with pytest.raises(ValidationError, match="不是本支部的支部党员大会"):
        actions.step_record(actor=cadre, case=case, code="branch_vote", on=day, activity=meeting(city.b.branch, day),
                            yes=2, no=0, abstain=0)
    with pytest.raises(ValidationError, match="表决日期须为"):
        actions.step_record(actor=cadre, case=case, code="branch_vote", on=day,
                            activity=meeting(branch, date(2026, 1, 5)), yes=5, no=0, abstain=0)


def test_the_vote_passes_with_quorum_and_majority_written_opinions_counted(cadre, branch):
    case, day = _at_vote(cadre, branch)
    voters = full_members(branch)
    gathering = meeting(branch, day, present=voters[:3], absent=voters[3:])
    step = actions.step_record(actor=cadre, case=case, code="branch_vote", on=day, activity=gathering, yes=3, no=0,
                               abstain=1, written=1)
    assert (step.votes_expected, step.votes_present, step.votes_yes) == (5, 3, 3)
    assert step.activity == gathering


def test_admission_creates_the_probationary_member_and_full_membership_confirms_them(cadre, branch):
    case = walk(make_case(branch), cadre, until="approval_filed")
    vote_on = case.steps.get(code="branch_vote").on
    assert case.stage == Stage.PROBATIONARY
    member = Member.objects.get(pk=case.member_id)
    assert (member.status, member.joined_on, member.organization_id) == (MemberStatus.PROBATIONARY, vote_on, branch.pk)
    assert member.name == case.name and member.id_number == case.id_number
    case = walk(case, cadre, until="")
    member.refresh_from_db()
    assert case.stage == Stage.FULL and member.status == MemberStatus.FULL
    assert member.full_member_on == vote_on.replace(year=vote_on.year + 1)
    assert case.next_step == "" and case.due_on is None


def test_probation_is_extended_once_by_six_months_to_a_year(cadre, branch):
    case = walk(make_case(branch), cadre, until="full_application")
    with pytest.raises(ValidationError, match="最短半年、最长一年"):
        actions.probation_extend(actor=cadre, case=case, months=3)
    actions.probation_extend(actor=cadre, case=case, months=6)
    with pytest.raises(ValidationError, match="只能延长一次"):
        actions.probation_extend(actor=cadre, case=case, months=6)
    case.refresh_from_db()
    vote_on = case.steps.get(code="branch_vote").on
    assert actions.probation_end_of(case) == schedule.add_months(vote_on, 18)
    plan = actions.refresh_plan(case)
    assert plan.next.rule.code == "full_application" and plan.next.due_on == schedule.add_months(vote_on, 18)


def test_out_of_scope_case_is_404_and_a_grid_role_may_not_record(city, cadre, branch):
    other = make_case(city.b.branch)
    with pytest.raises(Http404):
        actions.step_record(actor=cadre, case=other, code="talk", on=date(2023, 1, 10))
    grid = user_with(Role.GRID, city.a.area)
    mine = make_case(branch)
    with pytest.raises(PermissionDeniedError):
        actions.step_record(actor=grid, case=mine, code="talk", on=date(2023, 1, 10))


def test_member_moved_takes_the_open_case_along(city, cadre, branch):
    case = walk(make_case(branch), cadre, until="approval_filed")
    member = Member.objects.get(pk=case.member_id)
    member.organization = city.b.branch
    member.save()
    member_moved.send(sender=Member, member=member, from_org_id=branch.pk, to_org_id=city.b.branch.pk, actor=cadre)
    case.refresh_from_db()
    assert case.organization_id == city.b.branch.pk
    assert AuditEvent.objects.filter(verb="development.case_moved", target_id=str(case.pk)).exists()


def test_member_moved_leaves_a_finished_case_alone(city, cadre, branch):
    done = DevelopmentCase.objects.get(pk=walk(make_case(branch), cadre, until="").pk)
    member = done.member
    member_moved.send(sender=Member, member=member, from_org_id=branch.pk, to_org_id=city.b.branch.pk, actor=cadre)
    done.refresh_from_db()
    assert done.organization_id == branch.pk


def test_a_bad_phone_or_id_number_is_refused_without_repeating_it(cadre, branch):
    with pytest.raises(ValidationError) as exc:
        actions.case_create(actor=cadre, organization=branch, name="某", gender="M", birth_date=date(2000, 1, 1),
                            applied_on=date(2026, 11, 1), phone="12345", id_number="210602200001011234")
    assert set(exc.value.message_dict) == {"phone", "id_number"} and "12345" not in message(exc)
