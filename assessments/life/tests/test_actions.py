"""Filing activities: scope and roles, attendance rules, quorum, evidence caps, fill-once
service hours, QR sign-in, and publishing rule-set versions."""
import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from assessments.life import actions, selectors
from assessments.life.choices import AttendanceStatus, SignInVia
from assessments.life.models import Activity, ActivityAttachment, Attendance, MemberLastPresent, RuleSet
from assessments.tests.factories import activity, activity_type, at, ensure_default_rules
from dangjian.errors import PermissionDeniedError
from dangjian.models import AuditEvent
from dangjian.testing import race, requires_postgres
from organizations.grants.choices import Role
from organizations.members.choices import MemberStatus, OrgRole
from organizations.tests.factories import MemberFactory, UserFactory, user_with
from services.ledger.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_rules(db):
    """Transactional tests (browser, races) flush the rows of the data migration; every
    test here starts with the default activity types and rule set in place."""
    ensure_default_rules()

P, A, E = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED
DAY = date(2026, 5, 8)


def file(actor, org, code="branch_general_meeting", **kwargs):
    kwargs.setdefault("starts_at", at(DAY, 9))
    kwargs.setdefault("ends_at", at(DAY, 11))
    kwargs.setdefault("topic", "讨论发展党员")
    return actions.activity_file(actor=actor, org=org, activity_type=activity_type(code), **kwargs)


@pytest.fixture
def cadre(city):
    return user_with(Role.COMMUNITY, city.a.area)


@pytest.fixture
def branch_of_seven(city):
    """Community A's branch with seven members: five full (one secretary, one committee
    member) and two probationary."""
    members = list(city.a.members)
    members += [MemberFactory(organization=city.a.branch, residence=city.a.building) for _ in range(3)]
    members += [MemberFactory(organization=city.a.branch, status=MemberStatus.PROBATIONARY) for _ in range(2)]
    members[0].org_role = OrgRole.SECRETARY
    members[0].save()
    members[1].org_role = OrgRole.COMMITTEE_MEMBER
    members[1].save()
    return members


# --------------------------------------------------------------------- scope and roles
def test_cadre_files_for_own_community_only(city, cadre):
    obj = file(cadre, city.a.branch)
    assert obj.pk and obj.created_by == cadre and obj.service_hours == 0
    assert AuditEvent.objects.filter(verb="activity.file", target_id=str(obj.pk)).exists()
    with pytest.raises(Http404):
        file(cadre, city.b.branch)


@pytest.mark.parametrize("role", [Role.GRID, Role.MEMBER, Role.DEPARTMENT])
def test_roles_that_may_not_file_are_refused(city, role):
    with pytest.raises(PermissionDeniedError):
        file(user_with(role, city.a.area), city.a.branch)
    assert not Activity.objects.exists()


def test_update_out_of_scope_is_404_and_refused_role_403(city, cadre):
    obj = activity(city.b.branch, "theme_party_day", DAY)
    with pytest.raises(Http404):
        actions.activity_update(actor=cadre, activity=obj, topic="改")
    mine = activity(city.a.branch, "theme_party_day", DAY)
    with pytest.raises(PermissionDeniedError):
        actions.activity_update(actor=user_with(Role.GRID, city.a.area), activity=mine, topic="改")


# ------------------------------------------------------------------------- validation
def test_field_rules(city, cadre):
    with pytest.raises(ValidationError) as exc:
        file(cadre, city.a.branch, starts_at=at(DAY, 11), ends_at=at(DAY, 9), topic="")
    assert set(exc.value.message_dict) == {"ends_at", "topic"}
    with pytest.raises(ValidationError) as exc:
        file(cadre, city.a.branch, "residents_deliberation")
    assert "议事环节" in exc.value.message_dict["step"][0]
    deliberation = file(cadre, city.a.branch, "residents_deliberation", step="discuss")
    assert deliberation.step == "discuss"
    plain = file(cadre, city.a.branch, "theme_party_day", step="discuss")  # no steps: cleared
    assert plain.step == ""


def test_attendance_members_must_be_on_the_roster_and_absence_needs_a_reason(city, cadre):
    a0, a1 = city.a.members
    outsider = city.b.members[0]
    with pytest.raises(ValidationError) as exc:
        file(cadre, city.a.branch, attendance={a0.pk: (P, ""), outsider.pk: (P, "")})
    message = exc.value.message_dict["attendance"][0]
    assert str(outsider.pk) in message and outsider.name not in message
    with pytest.raises(ValidationError) as exc:
        file(cadre, city.a.branch, attendance={a0.pk: (A, ""), a1.pk: (E, "  ")})
    assert exc.value.message_dict["attendance"] == [f"“{a0.name}”缺席，须填写原因。", f"“{a1.name}”请假，须填写原因。"]
    with pytest.raises(ValidationError):
        file(cadre, city.a.branch, attendance={a0.pk: ("late", "")})
    assert not Activity.objects.exists()
    obj = file(cadre, city.a.branch, attendance={a0.pk: (P, ""), a1.pk: (A, "外出务工")})
    assert {(r.member_id, r.status, r.reason) for r in obj.attendance.all()} == {(a0.pk, P, ""), (a1.pk, A, "外出务工")}


def test_group_roster_is_the_branch_members_in_its_building(city, cadre):
    elsewhere = MemberFactory(organization=city.a.branch, residence=city.a.compound)
    obj = file(cadre, city.a.group, "group_meeting", attendance={m.pk: (P, "") for m in city.a.members})
    assert obj.attendance.count() == 2
    with pytest.raises(ValidationError):
        file(cadre, city.a.group, "group_meeting", attendance={elsewhere.pk: (P, "")})


def test_service_activity_accepts_any_visible_member(city):
    district = user_with(Role.DISTRICT, city.city)
    obj = file(district, city.a.branch, "vanguard_day", attendance={city.b.members[0].pk: (P, "")})
    assert obj.attendance.get().member == city.b.members[0]
    cadre = user_with(Role.COMMUNITY, city.a.area)
    with pytest.raises(ValidationError):  # B's member is not visible to A's cadre
        file(cadre, city.a.branch, "vanguard_day", attendance={city.b.members[0].pk: (P, "")})


# ------------------------------------------------------------------------------ quorum
def test_quorum_of_general_meeting_counts_full_members(city, cadre, branch_of_seven):
    full = [m for m in branch_of_seven if m.status == MemberStatus.FULL]
    probationary = [m for m in branch_of_seven if m.status == MemberStatus.PROBATIONARY]
    attendance = {m.pk: (P, "") for m in full[:2] + probationary}
    attendance.update({m.pk: (A, "生病") for m in full[2:]})
    obj = file(cadre, city.a.branch, attendance=attendance)
    quorum = selectors.activity_quorum(Activity.objects.select_related("activity_type", "org__area").get(pk=obj.pk))
    assert (quorum.expected, quorum.present, quorum.met) == (5, 2, False)  # probationary members do not count
    actions.activity_update(actor=cadre, activity=obj, attendance={**attendance, full[2].pk: (P, "")})
    quorum = selectors.activity_quorum(Activity.objects.select_related("activity_type", "org__area").get(pk=obj.pk))
    assert (quorum.expected, quorum.present, quorum.met) == (5, 3, True)


def test_quorum_of_committee_meeting_counts_the_committee(city, cadre, branch_of_seven):
    secretary, committee = branch_of_seven[:2]
    obj = file(cadre, city.a.branch, "branch_committee_meeting", attendance={secretary.pk: (P, "")})
    quorum = selectors.activity_quorum(Activity.objects.select_related("activity_type", "org__area").get(pk=obj.pk))
    assert (quorum.expected, quorum.present, quorum.met) == (2, 1, False)
    actions.activity_update(actor=cadre, activity=obj, attendance={secretary.pk: (P, ""), committee.pk: (P, "")})
    quorum = selectors.activity_quorum(Activity.objects.select_related("activity_type", "org__area").get(pk=obj.pk))
    assert (quorum.expected, quorum.present, quorum.met) == (2, 2, True)
    theme = file(cadre, city.a.branch, "theme_party_day")
    assert selectors.activity_quorum(Activity.objects.select_related("activity_type", "org__area").get(pk=theme.pk)) is None


def test_member_who_moved_away_still_counts_for_the_meeting_they_attended(city, cadre, branch_of_seven):
    full = [m for m in branch_of_seven if m.status == MemberStatus.FULL]
    obj = file(cadre, city.a.branch, attendance={m.pk: (P, "") for m in full[:3]})
    full[0].organization = city.a.committee
    full[0].save()
    quorum = selectors.activity_quorum(Activity.objects.select_related("activity_type", "org__area").get(pk=obj.pk))
    assert (quorum.expected, quorum.present, quorum.met) == (5, 3, True)


# ----------------------------------------------------------------------- fill once
def test_service_records_follow_attendance(city, cadre):
    a0, a1 = city.a.members
    obj = file(cadre, city.a.branch, "vanguard_day", starts_at=at(date(2026, 5, 29), 23), ends_at=at(date(2026, 5, 29), 23, 45),
               attendance={a0.pk: (P, ""), a1.pk: (E, "出差")})
    record = ServiceRecord.objects.get()
    assert (record.member, record.source, record.source_id, record.hours, record.occurred_on) == (
        a0, "activity", obj.pk, Decimal("2.0"), date(2026, 5, 29)  # the Shanghai date, not UTC's
    )
    actions.activity_update(actor=cadre, activity=obj, attendance={a0.pk: (A, "临时有事"), a1.pk: (P, "")})
    assert list(ServiceRecord.objects.values_list("member_id", "hours")) == [(a1.pk, Decimal("2.0"))]
    actions.activity_update(actor=cadre, activity=obj, service_hours=Decimal("3.5"))
    assert ServiceRecord.objects.get().hours == Decimal("3.5")
    # a type that does not count service removes the records
    actions.activity_update(actor=cadre, activity=obj, activity_type=activity_type("theme_party_day"))
    assert not ServiceRecord.objects.exists()
    assert Activity.objects.get(pk=obj.pk).service_hours == 0


def test_last_attendance_follows_attendance_and_time(city, cadre):
    """The members' last attendance (behind the six-month inactivity list) follows every
    writer: filing, changing the list, moving the activity, a QR sign-in."""
    a0, a1 = city.a.members
    last = lambda: dict(MemberLastPresent.objects.values_list("member_id", "at"))  # noqa: E731
    older = file(cadre, city.a.branch, starts_at=at(date(2026, 3, 2), 9), ends_at=at(date(2026, 3, 2), 11),
                 attendance={a0.pk: (P, ""), a1.pk: (P, "")})
    obj = file(cadre, city.a.branch, attendance={a0.pk: (P, ""), a1.pk: (E, "出差")})
    assert last() == {a0.pk: at(DAY, 9), a1.pk: at(date(2026, 3, 2), 9)}
    actions.activity_update(actor=cadre, activity=obj, starts_at=at(DAY, 14), ends_at=at(DAY, 16))
    assert last()[a0.pk] == at(DAY, 14)
    actions.activity_update(actor=cadre, activity=obj, attendance={a1.pk: (P, "")})  # a0 removed from the list
    assert last() == {a0.pk: at(date(2026, 3, 2), 9), a1.pk: at(DAY, 14)}
    actions.activity_update(actor=cadre, activity=older, attendance={a1.pk: (A, "外出")})
    assert last() == {a1.pk: at(DAY, 14)}  # a0 attended nothing any more


def test_meetings_do_not_add_service_hours(city, cadre):
    file(cadre, city.a.branch, "theme_party_day", attendance={city.a.members[0].pk: (P, "")})
    assert not ServiceRecord.objects.exists()


# ------------------------------------------------------------------------ attachments
def _pdf(name="纪要.pdf", size=100):
    return SimpleUploadedFile(name, b"%PDF-1.7\n" + b"0" * size, content_type="application/pdf")


def _docx(name="纪要.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def real_png(name="照片.png"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue())


def test_attachments_are_checked_and_capped(city, cadre):
    png = real_png()
    obj = file(cadre, city.a.branch, attachments=[_pdf(), _docx(), png])
    names = sorted(obj.attachments.values_list("original_name", flat=True))
    assert names == ["照片.png", "纪要.docx", "纪要.pdf"]
    stored = obj.attachments.first().file.name
    assert stored.startswith(f"activities/{obj.pk}/") and "纪要" not in stored and "照片" not in stored
    with pytest.raises(ValidationError) as exc:
        actions.activity_update(actor=cadre, activity=obj, attachments=[_pdf("再来.pdf")])
    assert "最多保留 3 个附件" in exc.value.message_dict["attachments"][0]
    first = obj.attachments.order_by("pk").first()
    actions.activity_update(actor=cadre, activity=obj, attachments=[_pdf("替换.pdf")], remove_attachments=[first.pk])
    assert obj.attachments.count() == 3 and not ActivityAttachment.objects.filter(pk=first.pk).exists()


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("病毒.exe", b"MZ\x90\x00"), "只接受"),
    (SimpleUploadedFile("假的.pdf", b"<html>not a pdf</html>"), "内容与扩展名不符"),
    (SimpleUploadedFile("假的.docx", b"%PDF-1.4 really a pdf"), "内容与扩展名不符"),
    (SimpleUploadedFile("大.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024)), "超过 5 MB"),
    (SimpleUploadedFile("假图.png", b"\x89PNG\r\n\x1a\n" + b"1" * 10), "不是有效的图片"),
])
def test_bad_attachments_are_refused_and_nothing_is_saved(city, cadre, upload, message):
    with pytest.raises(ValidationError) as exc:
        file(cadre, city.a.branch, attachments=[upload])
    assert message in exc.value.message_dict["attachments"][0]
    assert not Activity.objects.exists() and not ActivityAttachment.objects.exists()


def test_four_files_at_once_are_refused(city, cadre):
    with pytest.raises(ValidationError):
        file(cadre, city.a.branch, attachments=[_pdf(f"{i}.pdf") for i in range(4)])


# -------------------------------------------------------------------------- QR sign-in
@pytest.fixture
def member_user(city):
    user = UserFactory(username="party-member")
    member = city.a.members[0]
    member.user = user
    member.save()
    return user


def test_sign_in_window(city, member_user):
    obj = activity(city.a.branch, "theme_party_day", DAY)  # 09:00–11:00
    with pytest.raises(ValidationError) as exc:
        actions.activity_sign_in(actor=member_user, token=obj.signin_token, now=at(DAY, 8, 29))
    assert exc.value.messages[0].startswith("签到尚未开始") and "2026-05-08 08:30" in exc.value.messages[0]
    result = actions.activity_sign_in(actor=member_user, token=obj.signin_token, now=at(DAY, 8, 30))
    assert result.attendance.status == P and result.attendance.via == SignInVia.QR and not result.already
    with pytest.raises(ValidationError) as exc:
        actions.activity_sign_in(actor=member_user, token=obj.signin_token, now=at(DAY, 11, 31))
    assert exc.value.messages[0].startswith("签到已结束")


def test_signing_in_twice_keeps_one_row_and_the_first_time(city, member_user):
    obj = activity(city.a.branch, "theme_party_day", DAY)
    first = actions.activity_sign_in(actor=member_user, token=obj.signin_token, now=at(DAY, 9, 5))
    again = actions.activity_sign_in(actor=member_user, token=obj.signin_token, now=at(DAY, 10, 0))
    assert again.already and again.attendance.pk == first.attendance.pk
    row = Attendance.objects.get(activity=obj)
    assert row.signed_in_at == at(DAY, 9, 5)
    assert AuditEvent.objects.filter(verb="activity.sign_in").count() == 1


def test_sign_in_turns_a_recorded_absence_into_presence(city, member_user):
    obj = activity(city.a.branch, "theme_party_day", DAY, absent=[city.a.members[0]])
    actions.activity_sign_in(actor=member_user, token=obj.signin_token, now=at(DAY, 9, 5))
    row = Attendance.objects.get(activity=obj)
    assert (row.status, row.reason, row.via, row.signed_in_at) == (P, "", SignInVia.QR, at(DAY, 9, 5))


def test_sign_in_refusals(city, member_user):
    other = activity(city.b.branch, "theme_party_day", DAY)
    with pytest.raises(ValidationError) as exc:
        actions.activity_sign_in(actor=member_user, token=other.signin_token, now=at(DAY, 9))
    assert "不是“乙小区党支部”的党员" in exc.value.messages[0]
    with pytest.raises(Http404):
        actions.activity_sign_in(actor=member_user, token="no-such-token", now=at(DAY, 9))
    nobody = UserFactory(username="no-member")
    with pytest.raises(ValidationError) as exc:
        actions.activity_sign_in(actor=nobody, token=other.signin_token, now=at(DAY, 9))
    assert "没有关联党员信息" in exc.value.messages[0]
    assert not Attendance.objects.exists()


def test_sign_in_at_a_service_activity_adds_service_hours(city, member_user):
    obj = activity(city.b.branch, "volunteer_service", DAY, service_hours=Decimal("1.5"))  # any member may serve
    actions.activity_sign_in(actor=member_user, token=obj.signin_token, now=at(DAY, 9))
    actions.activity_sign_in(actor=member_user, token=obj.signin_token, now=at(DAY, 9, 30))
    record = ServiceRecord.objects.get()
    assert (record.member, record.hours, record.source_id) == (city.a.members[0], Decimal("1.5"), obj.pk)


# --------------------------------------------------------------------------- rule sets
def test_district_publishes_an_override_version(city):
    district = user_with(Role.DISTRICT, city.district)
    effective = date(2026, 7, 1)
    rule_set = actions.rule_set_publish(
        actor=district, area=city.district, name="元宝区组织生活规则", effective_from=effective,
        rules=[{"activity_type": "party_lecture", "frequency": "half_yearly"},
               {"activity_type": activity_type("org_life_meeting").pk, "org_kinds": ["branch", "general_branch", "committee"]}],
    )
    assert (rule_set.version, rule_set.area, rule_set.created_by) == (1, city.district, district)
    rules = {r.activity_type.code: r for r in rule_set.rules.select_related("activity_type")}
    assert len(rules) == 13  # every default rule copied
    assert rules["party_lecture"].frequency == "half_yearly"
    assert rules["org_life_meeting"].org_kinds == ["branch", "general_branch", "committee"]
    assert rules["branch_general_meeting"].frequency == "quarterly"
    assert selectors.rule_set_for(city.a.building, effective) == rule_set
    assert selectors.rule_set_for(city.a.building, effective - timedelta(days=1)).area is None
    second = actions.rule_set_publish(actor=district, area=city.district, name="二版", effective_from=date(2026, 9, 1),
                                      rules=[{"activity_type": "party_lecture", "min_count": 2}])
    rules = {r.activity_type.code: r for r in second.rules.select_related("activity_type")}
    assert second.version == 2 and (rules["party_lecture"].frequency, rules["party_lecture"].min_count) == ("half_yearly", 2)
    assert AuditEvent.objects.filter(verb="rule_set.publish").count() == 2


def test_publishing_rules_is_for_the_district_over_the_area(city):
    with pytest.raises(PermissionDeniedError):
        actions.rule_set_publish(actor=user_with(Role.COMMUNITY, city.a.area), area=city.a.area, name="x",
                                 effective_from=date(2026, 1, 1))
    with pytest.raises(Http404):
        actions.rule_set_publish(actor=user_with(Role.DISTRICT, city.a.area), area=city.b.area, name="x",
                                 effective_from=date(2026, 1, 1))
    with pytest.raises(ValidationError) as exc:
        actions.rule_set_publish(actor=user_with(Role.DISTRICT, city.district), area=city.district, name="x",
                                 effective_from=date(2026, 1, 1),
                                 rules=[{"activity_type": "party_lecture", "frequency": "weekly", "org_kinds": ["club"]},
                                        {"activity_type": "nope"}])
    assert len(exc.value.message_dict["rules"]) == 3
    assert RuleSet.objects.count() == 1


@requires_postgres("concurrent sign-ins are serialized by a row lock")
@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ins_of_one_member_leave_one_row():
    from django.utils import timezone

    from organizations.tests.factories import build_city

    ensure_default_rules()
    c = build_city()
    user = UserFactory(username="racing-member")
    member = c.a.members[0]
    member.user = user
    member.save()
    now = timezone.now()
    obj = activity(c.a.branch, "vanguard_day", DAY, service_hours=Decimal("2"))
    Activity.objects.filter(pk=obj.pk).update(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    outcomes = race(lambda token: actions.activity_sign_in(actor=user, token=token), [obj.signin_token] * 6)
    errors, results = outcomes.errors, outcomes.values
    assert errors == []
    assert Attendance.objects.filter(activity=obj).count() == 1
    assert sorted(r.already for r in results) == [False] + [True] * 5
    assert ServiceRecord.objects.filter(source_id=obj.pk).count() == 1
    assert AuditEvent.objects.filter(verb="activity.sign_in").count() == 1
