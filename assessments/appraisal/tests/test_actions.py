"""The use cases of 民主评议党员 through the actions: opening a round, the sheet with the
双报到 rule and the notes, confirming, approving, reopening, one round per branch and year."""
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from assessments.appraisal import actions, selectors
from assessments.appraisal.choices import AppraisalStatus, Grade
from assessments.appraisal.models import Appraisal, AppraisalEvent, AppraisalGrade
from assessments.appraisal.tests.support import LAST_YEAR, YEAR, in_service, make_world, meeting, round_of
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.models import AuditEvent
from organizations.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return make_world()


def test_one_round_per_branch_and_year(w):
    round_of(w.city.a.branch, w.a_cadre)
    with pytest.raises(ValidationError) as exc:
        round_of(w.city.a.branch, w.a_cadre)
    assert "已经建立" in str(exc.value)
    round_of(w.city.a.branch, w.a_cadre, LAST_YEAR)  # another year is fine
    assert Appraisal.objects.filter(org=w.city.a.branch).count() == 2


def test_create_checks_scope_kind_year_and_meeting(w):
    with pytest.raises(Http404):
        round_of(w.city.b.branch, w.a_cadre)
    with pytest.raises(ValidationError) as exc:
        actions.appraisal_create(actor=w.a_cadre, org=w.city.a.committee, year=YEAR)
    assert "不是党支部" in str(exc.value)
    with pytest.raises(ValidationError):
        actions.appraisal_create(actor=w.a_cadre, org=w.city.a.branch, year=YEAR - 3)
    other = meeting(w.city.b.branch)
    with pytest.raises(ValidationError) as exc:
        actions.appraisal_create(actor=w.a_cadre, org=w.city.a.branch, year=YEAR, activity=other)
    assert "本支部" in str(exc.value)
    wrong_type = meeting(w.city.a.branch, code="theme_party_day")
    with pytest.raises(ValidationError):
        actions.appraisal_create(actor=w.a_cadre, org=w.city.a.branch, year=YEAR, activity=wrong_type)
    last_year = meeting(w.city.a.branch, LAST_YEAR)
    with pytest.raises(ValidationError) as exc:
        actions.appraisal_create(actor=w.a_cadre, org=w.city.a.branch, year=YEAR, activity=last_year)
    assert "年召开" in str(exc.value)


def test_unreported_in_service_member_refused_qualified_with_the_rule(w):
    a = round_of(w.city.a.branch, w.a_cadre)
    zhang = in_service(w.city.a, name="张在职")
    li = in_service(w.city.a, name="李报到", report=True)
    others = w.city.a.members
    entries = {m.pk: ("qualified", "") for m in [zhang, li, *others]}
    with pytest.raises(ValidationError) as exc:
        actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries=entries)
    errors = exc.value.message_dict
    assert list(errors) == [f"grade_{zhang.pk}"]
    assert "张在职" in errors[f"grade_{zhang.pk}"][0] and "未到居住地社区报到" in errors[f"grade_{zhang.pk}"][0]
    assert not AppraisalGrade.objects.exists()  # nothing written on error
    entries[zhang.pk] = ("basic", "本年度未到社区报到")
    actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries=entries)
    assert dict(AppraisalGrade.objects.values_list("member__name", "grade"))["张在职"] == Grade.BASIC


def test_report_of_last_year_does_not_count_this_year(w):
    a = round_of(w.city.a.branch, w.a_cadre)
    old = in_service(w.city.a, name="王去年", report=True, year=LAST_YEAR - 1)
    with pytest.raises(ValidationError):
        actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries={old.pk: ("excellent", "")})


def test_absent_member_can_be_graded_and_notes_required(w):
    m1, m2 = w.city.a.members
    a = actions.appraisal_create(actor=w.a_cadre, org=w.city.a.branch, year=YEAR,
                                 activity=meeting(w.city.a.branch, present=[m1]))
    with pytest.raises(ValidationError) as exc:
        actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries={m2.pk: ("unqualified", "")})
    assert "须填写评议说明" in exc.value.message_dict[f"grade_{m2.pk}"][0]
    actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries={m1.pk: ("qualified", ""), m2.pk: ("qualified", "未参加会议，会后补评")})
    rows = {r.pk: r for r in selectors.sheet_rows(a)}
    assert rows[m1.pk].attended == "present" and rows[m2.pk].attended is None and rows[m2.pk].grade == "qualified"


def test_excellent_share_capped(w):
    a = round_of(w.city.a.branch, w.a_cadre)
    extra = [MemberFactory(organization=w.city.a.branch) for _ in range(4)]  # 6 members: at most 2 excellent
    members = [*w.city.a.members, *extra]
    entries = {m.pk: ("excellent" if i < 3 else "qualified", "") for i, m in enumerate(members)}
    with pytest.raises(ValidationError) as exc:
        actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries=entries)
    assert "三分之一" in exc.value.message_dict["__all__"][0]
    entries[members[2].pk] = ("qualified", "")
    actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries=entries)


def test_blank_grade_clears_a_saved_one(w):
    m1, m2 = w.city.a.members
    a = round_of(w.city.a.branch, w.a_cadre)
    actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries={m1.pk: ("qualified", ""), m2.pk: ("qualified", "")})
    actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries={m1.pk: ("", "")})
    assert list(AppraisalGrade.objects.values_list("member_id", flat=True)) == [m2.pk]


def test_transitions_confirm_approve_reopen(w):
    m1, m2 = w.city.a.members
    a = round_of(w.city.a.branch, w.a_cadre, with_meeting=False)
    with pytest.raises(TransitionError) as exc:
        actions.appraisal_confirm(actor=w.a_cadre, appraisal=a)
    assert "民主评议党员会议" in str(exc.value)
    actions.appraisal_set_meeting(actor=w.a_cadre, appraisal=a, activity=meeting(w.city.a.branch))
    actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries={m1.pk: ("qualified", "")})
    with pytest.raises(TransitionError) as exc:
        actions.appraisal_confirm(actor=w.a_cadre, appraisal=a)
    assert "未评定等次" in str(exc.value) and m2.name in str(exc.value)
    with pytest.raises(TransitionError):
        actions.appraisal_approve(actor=w.street, appraisal=a)  # not confirmed yet
    with pytest.raises(ValidationError):  # 1 of 2 excellent is above a third
        actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries={m2.pk: ("excellent", "")})
    actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries={m2.pk: ("qualified", "")})
    a = actions.appraisal_confirm(actor=w.a_cadre, appraisal=a)
    assert a.status == AppraisalStatus.CONFIRMED and a.confirmed_by == w.a_cadre
    with pytest.raises(TransitionError) as exc:
        actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries={m2.pk: ("basic", "x")})
    assert "不能再修改" in str(exc.value)
    with pytest.raises(TransitionError) as exc:
        actions.appraisal_confirm(actor=w.a_cadre, appraisal=a)
    assert "已经确认" in str(exc.value)
    with pytest.raises(ValidationError):
        actions.appraisal_reopen(actor=w.street, appraisal=a, reason=" ")
    a = actions.appraisal_reopen(actor=w.street, appraisal=a, reason="请核实在职党员报到情况")
    assert a.status == AppraisalStatus.DRAFT and a.return_reason and a.confirmed_at is None
    a = actions.appraisal_confirm(actor=w.a_cadre, appraisal=a)
    a = actions.appraisal_approve(actor=w.street, appraisal=a)
    assert a.status == AppraisalStatus.APPROVED
    with pytest.raises(TransitionError) as exc:
        actions.appraisal_reopen(actor=w.street, appraisal=a, reason="再看看")
    assert "已经上级审核" in str(exc.value)
    actions_seen = list(AppraisalEvent.objects.filter(appraisal=a).values_list("action", flat=True))
    assert actions_seen[:1] == ["create"] and actions_seen.count("confirmed") == 2 and "approved" in actions_seen
    assert AuditEvent.objects.filter(verb="appraisal.approve").exists()


def test_branch_cadre_of_the_branch_itself_cannot_approve(w):
    from organizations.grants.choices import Role
    from organizations.tests.factories import user_with

    own = user_with(Role.COMMUNITY, w.city.a.branch)  # granted on the branch itself
    a = round_of(w.city.a.branch, own)
    actions.appraisal_grade(actor=own, appraisal=a, entries={m.pk: ("qualified", "") for m in w.city.a.members})
    actions.appraisal_confirm(actor=own, appraisal=a)
    with pytest.raises(PermissionDeniedError):
        actions.appraisal_approve(actor=own, appraisal=a)


def test_other_community_cadre_gets_404(w):
    a = round_of(w.city.a.branch, w.a_cadre)
    with pytest.raises(Http404):
        actions.appraisal_grade(actor=w.b_cadre, appraisal=a, entries={})
    with pytest.raises(Http404):
        actions.appraisal_confirm(actor=w.b_cadre, appraisal=a)


def test_member_outside_the_sheet_refused(w):
    a = round_of(w.city.a.branch, w.a_cadre)
    stranger = w.city.b.members[0]
    with pytest.raises(ValidationError) as exc:
        actions.appraisal_grade(actor=w.a_cadre, appraisal=a, entries={stranger.pk: ("qualified", "")})
    assert "不在本支部" in exc.value.message_dict[f"grade_{stranger.pk}"][0]
