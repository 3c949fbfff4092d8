"""The pure rules of 民主评议党员 (no database)."""
from fractions import Fraction

from assessments.appraisal import rules
from assessments.appraisal.choices import Grade


def test_in_service_member_not_reported_cannot_be_qualified_or_above():
    for grade in (Grade.EXCELLENT, Grade.QUALIFIED):
        message = rules.grade_refusal(name="张三", grade=grade, in_service=True, reported=False, year=2026)
        assert message is not None
        assert "张三" in message and "2026" in message and "未到居住地社区报到" in message and str(grade.label) in message


def test_lower_grades_and_other_members_are_allowed():
    assert rules.grade_refusal(name="张三", grade=Grade.BASIC, in_service=True, reported=False, year=2026) is None
    assert rules.grade_refusal(name="张三", grade=Grade.UNQUALIFIED, in_service=True, reported=False, year=2026) is None
    assert rules.grade_refusal(name="张三", grade=Grade.QUALIFIED, in_service=True, reported=True, year=2026) is None
    assert rules.grade_refusal(name="张三", grade=Grade.EXCELLENT, in_service=False, reported=False, year=2026) is None


def test_note_required_for_basic_and_unqualified():
    assert "须填写评议说明" in rules.note_refusal(name="李四", grade=Grade.BASIC, note="  ")
    assert "不合格" in rules.note_refusal(name="李四", grade=Grade.UNQUALIFIED, note="")
    assert rules.note_refusal(name="李四", grade=Grade.UNQUALIFIED, note="长期不参加组织生活") is None
    assert rules.note_refusal(name="李四", grade=Grade.QUALIFIED, note="") is None
    assert rules.note_refusal(name="李四", grade=Grade.QUALIFIED, note="x" * (rules.NOTE_MAX + 1)) is not None


def test_excellent_at_most_one_third():
    assert rules.excellent_cap(9) == 3 and rules.excellent_cap(10) == 3 and rules.excellent_cap(2) == 0
    assert rules.excellent_refusal(excellent=3, members=9) is None
    message = rules.excellent_refusal(excellent=4, members=9)
    assert "三分之一" in message and "最多 3 人" in message
    assert rules.excellent_refusal(excellent=1, members=2) is not None
    assert rules.excellent_refusal(excellent=4, members=9, share=Fraction(1, 2)) is None


def test_share_setting(settings):
    settings.APPRAISAL_EXCELLENT_MAX_SHARE = "1/2"
    assert rules.excellent_cap(9) == 4


def test_share_percent():
    assert rules.share_percent(1, 3) == 33 and rules.share_percent(0, 0) is None
