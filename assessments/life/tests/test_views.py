"""Organizational-life pages: scoping (404 outside the subtree, 403 for refused roles),
the activity form with attendance, the detail page with quorum and QR, sign-in, the
calendars, the compliance overview, inactive members, service hours, rules — and pinned
query counts at two data sizes."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.life import actions
from assessments.life.choices import AttendanceStatus
from assessments.life.models import Activity, Attendance, OrgVerdict, RuleSet
from assessments.life.tests.test_actions import real_png
from assessments.tests.factories import activity, activity_type, at, ensure_default_rules, fill_window, previous_quarter
from dangjian.testing import assert_max_queries, count_queries, logged_in
from organizations.grants.choices import Role
from organizations.members.choices import MemberStatus, OrgRole
from organizations.orgs.models import PartyOrg
from organizations.tests.factories import MemberFactory, UserFactory, build_community, user_with
from services.ledger.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_rules(db):
    """Transactional tests (browser, races) flush the rows of the data migration; every
    test here starts with the default activity types and rule set in place."""
    ensure_default_rules()

TODAY = timezone.localdate()


def url(name, *args):
    return reverse(f"assessments:{name}", args=args)


@pytest.fixture
def cadre(city):
    return user_with(Role.COMMUNITY, city.a.area)


@pytest.fixture
def b_activity(city):
    return activity(city.b.branch, "theme_party_day", TODAY - timedelta(days=3), present=city.b.members)


# ------------------------------------------------------------------------------ access
# The list and detail pages (activities, an organization's activities, month and calendar,
# compliance, inactive members, service hours, rules) are the contracts' (test_contracts.py).
@pytest.mark.parametrize("name,args", [
    ("index", []), ("activity_edit", [1]), ("activity_create", [1]), ("sign_in", ["abc"]),
    ("compliance_index", []), ("rule_publish", []),
])
def test_anonymous_is_sent_to_login(client, name, args):
    response = client.get(url(name, *args))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_cadre_of_a_gets_404_on_everything_of_b(client, city, cadre, b_activity):
    logged_in(cadre, client)
    attachment_url = url("attachment_download", b_activity.pk, 1)
    for address in (
        url("activity_create", city.b.branch.pk), url("activity_edit", b_activity.pk),
        attachment_url, url("compliance", city.street.pk),
        url("inactive") + f"?within={city.b.area.pk}", url("inactive") + f"?org={city.b.branch.pk}",
        url("service_hours") + f"?org={city.b.branch.pk}",
    ):
        assert client.get(address).status_code == 404, address
    response = client.post(url("activity_edit", b_activity.pk), {"topic": "改"})
    assert response.status_code == 404
    assert Activity.objects.get(pk=b_activity.pk).topic != "改"


def test_lists_show_only_the_subtree(client, city, cadre, b_activity):
    mine = activity(city.a.branch, "theme_party_day", TODAY - timedelta(days=2))
    logged_in(cadre, client)
    response = client.get(url("activity_list"))
    assert [a.pk for a in response.context["page_obj"]] == [mine.pk]
    assert b_activity.topic not in response.content.decode()
    response = client.get(url("org_activities", city.a.branch.pk))
    assert [a.pk for a in response.context["page_obj"]] == [mine.pk]
    inactive = client.get(url("inactive") + f"?within={city.a.area.pk}").context["page_obj"]
    assert {m.pk for m in inactive} == {m.pk for m in city.a.members}


@pytest.mark.parametrize("role", [Role.GRID, Role.MEMBER, Role.DEPARTMENT])
def test_roles_that_may_not_file_get_403(client, city, role):
    logged_in(user_with(role, city.a.area), client)
    response = client.get(url("activity_create", city.a.branch.pk))
    assert response.status_code == 403 and "无权" in response.content.decode()
    mine = activity(city.a.branch, "theme_party_day", TODAY)
    assert client.get(url("activity_edit", mine.pk)).status_code == 403
    assert client.get(url("activity_detail", mine.pk)).status_code == 200  # seeing is allowed


@pytest.mark.parametrize("role", [Role.MEMBER, Role.DEPARTMENT])
def test_oversight_pages_refuse_roles_without_the_roster(client, city, role):
    logged_in(user_with(role, city.a.area), client)
    assert client.get(url("inactive") + f"?within={city.a.area.pk}").status_code == 403
    assert client.get(url("service_hours") + f"?within={city.a.area.pk}").status_code == 403


def test_rule_publishing_is_for_the_district(client, city, cadre):
    logged_in(cadre, client)
    assert client.get(url("rule_publish") + f"?area={city.a.area.pk}").status_code == 403
    assert client.get(url("rules") + f"?area={city.a.area.pk}").status_code == 200


# -------------------------------------------------------------------------------- form
def _post(org, members, **overrides):
    day = overrides.pop("day", TODAY - timedelta(days=1))
    data = {
        "activity_type": activity_type("branch_general_meeting").pk, "topic": "季度党员大会", "date": day.isoformat(),
        "start_time": "19:00", "end_time": "20:30", "place": "会议室", "minutes": "记录", "decisions": "",
    }
    for member, (status, reason) in members.items():
        data[f"att-{member.pk}-status"] = status
        data[f"att-{member.pk}-reason"] = reason
    data.update(overrides)
    return data


def test_form_is_prefilled_from_the_roster(client, city, cadre):
    probationary = MemberFactory(organization=city.a.branch, status=MemberStatus.PROBATIONARY)
    response = logged_in(cadre, client).get(url("activity_create", city.a.branch.pk))
    rows = response.context["table"].rows
    assert {r.member.pk for r in rows} == {*(m.pk for m in city.a.members), probationary.pk}
    html = response.content.decode()
    assert f'name="att-{probationary.pk}-status"' in html and 'data-full="0"' in html
    assert "quorum-live" in html


def test_filing_through_the_form(client, city, cadre):
    m0, m1 = city.a.members
    m2 = MemberFactory(organization=city.a.branch)
    logged_in(cadre, client)
    data = _post(city.a.branch, {m0: ("present", ""), m1: ("present", ""), m2: ("absent", "")})
    response = client.post(url("activity_create", city.a.branch.pk), data)
    assert response.status_code == 200 and not Activity.objects.exists()
    assert f"“{m2.name}”缺席，须填写原因。" in response.content.decode()
    data[f"att-{m2.pk}-reason"] = "外出务工"
    data["attachments"] = [SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 x")]
    response = client.post(url("activity_create", city.a.branch.pk), data)
    obj = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == url("activity_detail", obj.pk)
    assert obj.starts_at == at(TODAY - timedelta(days=1), 19) and obj.created_by == cadre
    assert dict(obj.attendance.values_list("member_id", "status")) == {m0.pk: "present", m1.pk: "present", m2.pk: "absent"}
    assert obj.attachments.get().original_name == "纪要.pdf"
    detail = client.get(response["Location"])
    html = detail.content.decode()
    assert "应到正式党员 3 人，实到 2 人" in html and "到会人数超过半数，符合开会要求" in html
    assert "外出务工" in html and detail.context["quorum"].met


def test_form_errors_keep_what_was_typed(client, city, cadre):
    logged_in(cadre, client)
    data = _post(city.a.branch, {city.a.members[0]: ("present", "")}, end_time="18:00", topic="")
    response = client.post(url("activity_create", city.a.branch.pk), data)
    form = response.context["form"]
    assert form.errors["end_time"] and form.errors["topic"]
    assert response.context["table"].rows[0].status == "present"
    data = _post(city.a.branch, {}, activity_type=activity_type("residents_deliberation").pk)
    response = client.post(url("activity_create", city.a.branch.pk), data)
    assert "议事环节" in str(response.context["form"].errors["step"])
    assert not Activity.objects.exists()


def test_editing_changes_attendance_and_service_hours(client, city, cadre):
    m0, m1 = city.a.members
    obj = activity(city.a.branch, "vanguard_day", TODAY - timedelta(days=1), present=[m0, m1], service_hours=Decimal("2"))
    logged_in(cadre, client)
    response = client.get(url("activity_edit", obj.pk))
    assert response.context["form"].initial["topic"] == obj.topic
    assert [r.status for r in response.context["table"].rows] == ["present", "present"]
    data = _post(city.a.branch, {m0: ("present", ""), m1: ("excused", "出差")}, activity_type=activity_type("vanguard_day").pk,
                 topic=obj.topic, service_hours="2.5")
    response = client.post(url("activity_edit", obj.pk), data)
    assert response.status_code == 302
    assert dict(Attendance.objects.filter(activity=obj).values_list("member_id", "status")) == {m0.pk: "present", m1.pk: "excused"}
    assert list(ServiceRecord.objects.values_list("member_id", "hours")) == [(m0.pk, Decimal("2.5"))]


# ------------------------------------------------------------------------ detail and QR
def test_qr_is_shown_to_the_filer_only_inside_the_window(client, city, cadre):
    now = timezone.now()
    live = activity(city.a.branch, "theme_party_day", TODAY)
    Activity.objects.filter(pk=live.pk).update(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=1))
    later = activity(city.a.branch, "theme_party_day", TODAY + timedelta(days=2))
    past = activity(city.a.branch, "theme_party_day", TODAY - timedelta(days=2))
    logged_in(cadre, client)
    response = client.get(url("activity_detail", live.pk))
    html = response.content.decode()
    assert "<svg" in html and f"/life/sign-in/{live.signin_token}/" in html
    html = client.get(url("activity_detail", later.pk)).content.decode()
    assert "<svg" not in html and "签到二维码将于" in html and later.signin_token not in html
    html = client.get(url("activity_detail", past.pk)).content.decode()
    assert "<svg" not in html and "签到已于" in html
    grid = logged_in(user_with(Role.GRID, city.a.area), client).get(url("activity_detail", live.pk)).content.decode()
    assert "<svg" not in grid and live.signin_token not in grid


def test_detail_lists_only_visible_attendance(client, city):
    obj = activity(city.a.branch, "vanguard_day", TODAY, present=[city.a.members[0], city.b.members[0]])
    response = logged_in(user_with(Role.COMMUNITY, city.a.area), client).get(url("activity_detail", obj.pk))
    assert [r.member for r in response.context["rows"]] == [city.a.members[0]]
    assert city.b.members[0].name not in response.content.decode()


def test_attachment_download(client, city, cadre):
    from assessments.life import actions

    obj = actions.activity_file(actor=cadre, org=city.a.branch, activity_type=activity_type("theme_party_day"),
                                starts_at=at(TODAY), ends_at=at(TODAY, 10), topic="t",
                                attachments=[real_png()])
    attachment = obj.attachments.get()
    response = logged_in(cadre, client).get(url("attachment_download", obj.pk, attachment.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "attachment" in response["Content-Disposition"]
    assert client.get(url("attachment_download", obj.pk, attachment.pk + 99)).status_code == 404


# ----------------------------------------------------------------------------- sign-in
def test_sign_in_page(client, city):
    user = UserFactory(username="member-signs-in")
    member = city.a.members[0]
    member.user = user
    member.save()
    now = timezone.now()
    obj = activity(city.a.branch, "theme_party_day", TODAY)
    Activity.objects.filter(pk=obj.pk).update(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    logged_in(user, client)
    page = client.get(url("sign_in", obj.signin_token))
    assert page.status_code == 200 and "确认签到" in page.content.decode()
    assert not Attendance.objects.exists()  # looking is not signing
    done = client.post(url("sign_in", obj.signin_token))
    assert "签到成功" in done.content.decode()
    again = client.post(url("sign_in", obj.signin_token))
    assert "无需重复签到" in again.content.decode() and Attendance.objects.count() == 1
    assert client.get(url("sign_in", "unknown-token")).status_code == 404
    later = activity(city.a.branch, "theme_party_day", TODAY + timedelta(days=3))
    assert "签到尚未开始" in client.get(url("sign_in", later.signin_token)).content.decode()
    response = client.post(url("sign_in", later.signin_token))
    assert response.status_code == 400 and "签到尚未开始" in response.content.decode()


# ------------------------------------------------------------------ calendars and compliance
def test_org_calendar_page_shows_overdue_then_compliant(client, city, cadre):
    quarter = previous_quarter(TODAY)
    fill_window(city.a.branch, TODAY, skip={("branch_general_meeting", quarter.start)})
    logged_in(cadre, client)
    html = client.get(url("org_calendar", city.a.branch.pk)).content.decode()
    assert "未达标" in html and f"支部党员大会（{quarter.label}）" in html
    activity(city.a.branch, "branch_general_meeting", quarter.end)
    html = client.get(url("org_calendar", city.a.branch.pk)).content.decode()
    assert "合规" in html and "未达标" not in html


def test_compliance_page(client, city):
    fill_window(city.a.branch, TODAY)
    fill_window(city.a.group, TODAY)
    response = logged_in(user_with(Role.STREET, city.street), client).get(url("compliance", city.street.pk))
    result = response.context["result"]
    assert (result.summary.assessed, result.summary.compliant) == (4, 2)
    html = response.content.decode()
    assert "50%" in html and city.b.branch.name in html and url("compliance", city.b.area.pk) in html
    assert [v.org_id for v in response.context["page_obj"]] == [city.b.branch.pk, city.b.group.pk]
    # the page read the verdicts it stored on this first view of the day; an activity filed
    # through the portal updates its organization's at once
    assert OrgVerdict.objects.filter(as_of=TODAY).count() == PartyOrg.objects.anchored_within(city.street).count()


def test_compliance_page_reads_stored_verdicts_and_filing_updates_them(client, city):
    fill_window(city.a.branch, TODAY)
    street = logged_in(user_with(Role.STREET, city.street), client)
    first = street.get(url("compliance", city.street.pk)).context["result"]
    assert first.summary.compliant == 1  # 甲's branch; its group and 乙's organizations lag
    fill_window(city.b.branch, TODAY)  # written behind the portal's back: the stored verdict stands
    assert street.get(url("compliance", city.street.pk)).context["result"].summary.compliant == 1
    actions.org_verdicts_refresh(org=city.b.branch, today=TODAY)  # what filing an activity runs
    assert street.get(url("compliance", city.street.pk)).context["result"].summary.compliant == 2
    # yesterday's verdicts are stale: the first view of the day evaluates them again
    OrgVerdict.objects.update(as_of=TODAY - timedelta(days=1))
    fill_window(city.b.group, TODAY)
    assert street.get(url("compliance", city.street.pk)).context["result"].summary.compliant == 3


def test_month_view(client, city, cadre):
    obj = activity(city.a.branch, "theme_party_day", date(2026, 2, 27), hour=23)
    response = logged_in(cadre, client).get(url("org_month", city.a.branch.pk) + "?month=2026-02")
    cells = [c for week in response.context["weeks"] for c in week if c["activities"]]
    assert [(c["day"], [a.pk for a in c["activities"]]) for c in cells] == [(date(2026, 2, 27), [obj.pk])]
    assert client.get(url("org_month", city.a.branch.pk) + "?month=2026-13").status_code == 404


def test_service_hours_page(client, city, cadre):
    activity(city.a.branch, "vanguard_day", TODAY, present=[city.a.members[0]])
    ServiceRecord.objects.create(member=city.a.members[0], source="activity", source_id=1, hours=Decimal("2"), occurred_on=TODAY)
    response = logged_in(cadre, client).get(url("service_hours") + f"?within={city.a.area.pk}")
    assert [(m.pk, m.service_hours) for m in response.context["page_obj"]] == [(city.a.members[0].pk, Decimal("2"))]
    assert response.context["counts"] == {"total": 2, "served": 1, "none": 1}
    # those with no hours yet: their own tab, linked with its count
    assert "show=none" in response.content.decode()
    none = client.get(url("service_hours") + f"?within={city.a.area.pk}&show=none")
    assert [m.pk for m in none.context["page_obj"]] == [city.a.members[1].pk]


def test_the_members_pages_of_one_organization_name_it(client, city, cadre):
    """``?org=`` (the link of a bound checklist item or a branch's score line): the page is
    about the organization (a filter argument naming the missing area failed the page)."""
    logged_in(cadre, client)
    for name in ("service_hours", "inactive"):
        response = client.get(url(name) + f"?org={city.a.branch.pk}")
        assert response.status_code == 200, name
        assert city.a.branch.name in response.content.decode()


def test_district_publishes_rules_through_the_page(client, city):
    logged_in(user_with(Role.DISTRICT, city.district), client)
    page = client.get(url("rule_publish") + f"?area={city.district.pk}")
    form = page.context["form"]
    lecture = activity_type("party_lecture")
    data = {name: (value if not isinstance(value, list) else value) for name, value in (
        (f.html_name, f.value()) for f in form
    ) if value is not None}
    data.update({"name": "元宝区规则", "effective_from": TODAY.isoformat(), f"r{lecture.pk}-frequency": "half_yearly"})
    response = client.post(url("rule_publish") + f"?area={city.district.pk}", data)
    assert response.status_code == 302, response.context["form"].errors
    rule_set = RuleSet.objects.get(area=city.district)
    rule = rule_set.rules.get(activity_type=lecture)
    assert rule.frequency == "half_yearly" and rule.org_kinds == ["branch", "general_branch"]
    assert rule_set.rules.get(activity_type__code="vanguard_day").org_categories == ["compound", "community", "grid"]
    response = client.get(url("rules") + f"?area={city.a.area.pk}")
    assert response.context["rule_set"] == rule_set  # in force below the district from today
    assert "元宝区规则 v1" in response.content.decode() and "每半年" in response.content.decode()
    assert client.get(url("rules") + f"?area={city.city.pk}").status_code == 404  # above the grant


# ------------------------------------------------------------------------- query counts
def _grow(city):
    """More of everything the pages list or count."""
    extra = [MemberFactory(organization=city.a.branch, residence=city.a.building) for _ in range(6)]
    for m in extra[:2]:
        m.org_role = OrgRole.COMMITTEE_MEMBER
        m.save()
    fill_window(city.a.branch, TODAY)
    fill_window(city.a.group, TODAY)
    for i in range(3):
        activity(city.a.branch, "branch_general_meeting", TODAY - timedelta(days=i), present=[*city.a.members, *extra[:3]],
                 absent=extra[3:])
    for label in ("丙", "丁"):
        more = build_community(city.street, city.street_org, label, members=3)
        fill_window(more.branch, TODAY)
    return extra


def test_page_query_counts_do_not_grow(client, city):
    street_user = user_with(Role.STREET, city.street)
    first = activity(city.a.branch, "branch_general_meeting", TODAY, present=city.a.members[:1], absent=city.a.members[1:])
    pages = [
        url("index"), url("activity_list"), url("org_activities", city.a.branch.pk), url("org_month", city.a.branch.pk),
        url("activity_detail", first.pk), url("activity_edit", first.pk), url("activity_create", city.a.branch.pk),
        url("org_calendar", city.a.branch.pk), url("compliance", city.street.pk), url("compliance", city.a.area.pk),
        url("inactive") + f"?within={city.street.pk}", url("service_hours") + f"?within={city.street.pk}",
        url("rules") + f"?area={city.a.area.pk}",
    ]
    logged_in(street_user, client)
    small = {}
    for page in pages:
        small[page] = count_queries(lambda page=page: client.get(page))
    extra = _grow(city)
    Attendance.objects.bulk_create([Attendance(activity=first, member=m, status=AttendanceStatus.PRESENT) for m in extra])
    for page in pages:
        with assert_max_queries(small[page]):
            response = client.get(page)
        assert response.status_code == 200, page


def test_a_member_sees_own_life_and_hours_on_the_hub(client, city):
    user = UserFactory(username="hub-member")
    member = city.a.members[0]
    member.user = user
    member.save()
    activity(city.a.branch, "theme_party_day", TODAY - timedelta(days=5), present=[member], topic="重温入党誓词")
    ServiceRecord.objects.create(member=member, source="activity", source_id=9, hours=Decimal("4"), occurred_on=TODAY)
    html = logged_in(user, client).get(url("index")).content.decode()
    assert "重温入党誓词" in html and "本年度志愿服务 4.0 小时" in html
