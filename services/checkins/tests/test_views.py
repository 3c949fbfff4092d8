"""双报到 pages and API: refusals by role (403), what each role sees, the summary's query
count with more members, the report-in forms, and the quarterly feedback Excel files opened
with openpyxl.  The lists' and details' contracts — 404 out of scope, flat query counts
within budgets.py — are in ``test_contracts``."""
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.models import AuditEvent
from dangjian.testing import api_client, assert_max_queries, logged_in
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with
from services.checkins import actions
from services.checkins.choices import AgreementStatus
from services.checkins.models import CoBuildAgreement, MemberReport
from services.checkins.tests.test_actions import make_in_service, member_login, unit_org
from services.checkins.tests.test_selectors import hours
from services.ledger.models import ServiceSource
from services.tests.budgets import BUDGETS

pytestmark = pytest.mark.django_db
PHONE = "13900001111"
ID_NUMBER = "210602198001011234"


@pytest.fixture
def w():
    """Community a with an organ org, two in-service members (one reported, with hours)."""
    c = build_city()
    c.organ = unit_org(c)
    today = timezone.localdate()
    c.cadre = user_with(Role.COMMUNITY, c.a.area)
    c.cadre_b = user_with(Role.COMMUNITY, c.b.area)
    c.zhang = make_in_service(c.a, name="张在职", employer_org=c.organ, phone=PHONE, id_number=ID_NUMBER)
    c.li = make_in_service(c.a, name="李在职", employer_org=c.organ)
    actions.member_report_in(actor=c.cadre, member=c.zhang, reported_on=today - timedelta(days=20), skills="义诊")
    hours(c.zhang, "3.5", today, note="社区义诊")
    hours(c.zhang, "1", today, ServiceSource.WISH, note="完成微心愿")
    c.today = today
    return c


def _more_members(c, n):
    for i in range(n):
        m = make_in_service(c.a, name=f"加{i}", employer_org=c.organ)
        MemberReport.objects.create(member=m, community=c.a.area, reported_on=c.today, valid_until=c.today)
        hours(m, "1", c.today)


# --------------------------------------------------------------------------- index
def test_index_redirects_members_and_refuses_users_without_roles(client, w):
    member_user = member_login(w.zhang)
    assert logged_in(member_user, client).get(reverse("reporting:index"))["Location"] == reverse("reporting:mine")
    nobody = user_with(Role.DEPARTMENT, w.a.area)
    response = logged_in(nobody, client).get(reverse("reporting:index"))
    assert response.status_code == 403 and "无权查看双报到" in response.content.decode()


def test_street_summary_lists_communities_and_hides_other_subtrees(client, w):
    street = user_with(Role.STREET, w.street)
    page = logged_in(street, client).get(reverse("reporting:index")).content.decode()
    assert "甲社区" in page and "乙社区" in page
    assert 'data-testid="own-rate">50.0%' in page  # one of the two in-service members reported
    assert client.get(reverse("reporting:index"), {"area": w.district.pk}).status_code == 404
    # a community cadre with one community goes straight to its board; another subtree is 404
    response = logged_in(w.cadre_b, client).get(reverse("reporting:index"))
    assert response["Location"] == reverse("reporting:board", args=[w.b.area.pk])
    assert client.get(reverse("reporting:index"), {"area": w.a.area.pk}).status_code == 404


def test_index_query_count_does_not_grow(client, w):
    """With more members of the same communities (``test_contracts.TestSummaryPage``: with more communities)."""
    street = user_with(Role.STREET, w.street)
    logged_in(street, client)
    with assert_max_queries(BUDGETS["reporting:index"]) as few:
        client.get(reverse("reporting:index"))
    _more_members(w, 15)
    with assert_max_queries(len(few.captured_queries)):
        assert client.get(reverse("reporting:index")).status_code == 200


# --------------------------------------------------------------------------- board
def test_board_shows_status_hours_and_progress(client, w):
    page = logged_in(w.cadre, client).get(reverse("reporting:board", args=[w.a.area.pk])).content.decode()
    assert "张在职" in page and "李在职" in page and "已报到" in page and "未报到" in page
    assert "4.5" in page and "3.5 / 1.0 / 0.0" in page and 'aria-valuenow="9"' in page
    assert PHONE not in page and ID_NUMBER not in page
    assert w.a.members[0].name not in page  # not an in-service member
    filtered = client.get(reverse("reporting:board", args=[w.a.area.pk]), {"status": "never"}).content.decode()
    assert "李在职" in filtered and "张在职" not in filtered
    assert "张在职" in client.get(reverse("reporting:board", args=[w.a.area.pk]), {"q": "张"}).content.decode()


def test_board_is_read_only_for_a_grid_worker(client, w):
    """Another community's 404 and a department's 403: ``test_contracts.TestBoardPage``."""
    grid = user_with(Role.GRID, w.a.area)
    page = logged_in(grid, client).get(reverse("reporting:board", args=[w.a.area.pk])).content.decode()
    assert "张在职" in page and "代党员登记报到" not in page and "导出反馈表" not in page
    assert client.get(reverse("reporting:report_in", args=[w.a.area.pk])).status_code == 403


# ------------------------------------------------------------------------- report-in
def test_cadre_reports_a_member_in_on_their_behalf(client, w):
    logged_in(w.cadre, client)
    url = reverse("reporting:report_in", args=[w.a.area.pk])
    form = client.get(url, {"member": w.li.pk}).content.decode()
    assert "李在职" in form and w.a.members[0].name not in form
    response = client.post(url, {"member": w.li.pk, "reported_on": w.today.isoformat(), "skills": "维修家电"}, follow=True)
    assert "已登记“李在职”报到" in response.content.decode()
    report = MemberReport.objects.get(member=w.li)
    assert report.created_by == w.cadre and report.skills == "维修家电"
    again = client.post(url, {"member": w.li.pk, "reported_on": w.today.isoformat()}, follow=True)
    assert "无需重复登记" in again.content.decode() and MemberReport.objects.filter(member=w.li).count() == 1
    future = client.post(url, {"member": w.li.pk, "reported_on": (w.today + timedelta(days=3)).isoformat()})
    assert future.status_code == 400 and "不能晚于今天" in future.content.decode()
    foreign = client.post(url, {"member": make_in_service(w.b).pk, "reported_on": w.today.isoformat()})
    assert foreign.status_code == 400  # not a resident of this community: not a choice
    assert "不在您的管辖范围内" in foreign.content.decode()


def test_report_in_picker_lists_the_communitys_in_service_residents_only(client, w):
    pick = reverse("reporting:pick_residents", args=[w.a.area.pk])
    assert client.get(pick).status_code == 403  # anonymous
    foreign = make_in_service(w.b)
    logged_in(w.cadre, client)
    assert f'data-picker="{pick}"' in client.get(reverse("reporting:report_in", args=[w.a.area.pk])).content.decode()
    ids = {r["id"] for r in client.get(pick).json()["results"]}
    assert w.li.pk in ids and foreign.pk not in ids and w.a.members[0].pk not in ids  # in service, residents only
    assert [r["id"] for r in client.get(pick, {"q": "李在"}).json()["results"]] == [w.li.pk]
    assert client.get(reverse("reporting:pick_residents", args=[w.b.area.pk])).status_code == 404
    logged_in(user_with(Role.GRID, w.a.area), client)
    assert client.get(pick).status_code == 403


def test_member_reports_themself_from_their_page(client, w):
    user = member_login(w.li)
    logged_in(user, client)
    page = client.get(reverse("reporting:mine")).content.decode()
    assert "我要报到" in page and "未报到" in page
    response = client.post(reverse("reporting:my_report"), {"skills": "辅导功课"}, follow=True)
    text = response.content.decode()
    assert "报到成功" in text and "甲社区" in text and "我要报到" not in text
    assert MemberReport.objects.get(member=w.li).created_by == user
    assert logged_in(user_with(Role.COMMUNITY, w.a.area), client).get(reverse("reporting:mine")).status_code == 403


def test_member_page_shows_hours_by_source_and_target(client, w):
    logged_in(member_login(w.zhang), client)
    page = client.get(reverse("reporting:mine")).content.decode()
    assert "4.5" in page and "社区义诊" in page and "已报到" in page and "距年度目标还差 45.5 小时" in page
    assert "导出" not in page  # a member does not export their own feedback sheet


def test_member_detail_hides_personal_data(client, w):
    """Another community's 404: ``test_contracts.TestMemberPage``."""
    page = logged_in(w.cadre, client).get(reverse("reporting:member_detail", args=[w.zhang.pk])).content.decode()
    assert "张在职" in page and "季度服务反馈表" in page and PHONE not in page


# -------------------------------------------------------------------------- exports
def _cells(ws):
    return list(ws.iter_rows(values_only=True))


def _find(rows, label):
    for row in rows:
        if row and row[0] == label:
            return row
    raise AssertionError(f"{label} not in sheet")


def test_member_sheet_has_the_quarter_records_and_totals(client, w):
    y = w.today.year - 1  # a past year, so the figures do not depend on today's date
    MemberReport.objects.create(member=w.zhang, community=w.a.area, reported_on=date(y, 10, 1),
                                valid_until=date(y + 1, 4, 1), skills="义诊")
    hours(w.zhang, "3.5", date(y, 11, 2), note="社区义诊")
    hours(w.zhang, "1", date(y, 12, 1), ServiceSource.WISH, note="完成微心愿")
    hours(w.zhang, "2", date(y, 1, 15), note="一季度活动")
    logged_in(w.cadre, client)
    response = client.get(reverse("reporting:member_sheet", args=[w.zhang.pk]), {"year": y, "quarter": 4})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = _cells(ws)
    assert ws["A1"].value == "在职党员到社区报到服务情况反馈表"
    assert _find(rows, "党员姓名")[1:4] == ("张在职", "工作单位", "市财政局机关党支部")
    assert _find(rows, "居住社区")[1] == "甲社区" and _find(rows, "居住社区")[3] == f"{y}年第4季度"
    assert _find(rows, "所在党组织")[3] == "已报到"
    assert _find(rows, "甲社区")[1:4] == (datetime(y, 10, 1), datetime(y + 1, 4, 1), "义诊")  # the one report
    records = [row for row in rows if row and isinstance(row[0], datetime) and row[1] in ("组织生活/志愿服务活动", "微心愿")]
    assert records == [(datetime(y, 11, 2), "组织生活/志愿服务活动", 3.5, "社区义诊"), (datetime(y, 12, 1), "微心愿", 1, "完成微心愿")]
    assert Decimal(str(_find(rows, "本季度合计")[2])) == Decimal("4.5")
    ytd = _find(rows, "年度累计（截至季度末）")
    assert Decimal(str(ytd[2])) == Decimal("6.5") and ytd[3] == "年度目标 50 小时，已完成 13%"
    flat = " ".join(str(v) for row in rows for v in row if v is not None)
    assert PHONE not in flat and ID_NUMBER not in flat and "社区党组织（盖章）：" in flat
    event = AuditEvent.objects.get(verb="member_report.export_sheet")
    assert event.actor == w.cadre and event.changes == {"year": y, "quarter": 4}


def test_member_sheet_refusals(client, w):
    """Another community's 404: ``test_contracts.TestMemberSheet``."""
    grid = user_with(Role.GRID, w.a.area)
    response = logged_in(grid, client).get(reverse("reporting:member_sheet", args=[w.zhang.pk]))
    assert response.status_code == 403 and "导出季度反馈表" in response.content.decode()
    employer = user_with(Role.COMMUNITY, w.organ)  # the employer's organization manager
    assert logged_in(employer, client).get(reverse("reporting:member_sheet", args=[w.zhang.pk])).status_code == 200
    assert not AuditEvent.objects.filter(verb="member_report.export_sheet", actor=grid).exists()


def test_employer_workbook_has_one_sheet_per_reported_member(client, w):
    """Another community's 404 and the query count: ``test_contracts.TestEmployerWorkbook``."""
    actions.member_report_in(actor=w.cadre, member=w.li)
    other = make_in_service(w.a, name="王别处", employer_org=unit_org(w, name="区卫健委党支部"))
    actions.member_report_in(actor=w.cadre, member=other)
    logged_in(w.cadre, client)
    response = client.get(reverse("reporting:employer_export"), {"org": w.organ.pk, "year": 2026, "quarter": 4})
    assert response.status_code == 302
    response = client.get(response["Location"])
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert sorted(wb.sheetnames) == ["张在职", "李在职"]
    assert wb["李在职"]["B2"].value == "李在职" and wb["李在职"]["D2"].value == "市财政局机关党支部"
    assert sorted(AuditEvent.objects.get(verb="member_report.export_employer").changes["members"]) == sorted(
        [w.zhang.pk, w.li.pk])


# ------------------------------------------------------------------------ agreements
def _agreement(w, **extra):
    return actions.agreement_create(actor=w.cadre, org=w.organ, community=w.a.area, title="财政局共建", text="联合主题党日",
                                    starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31), branches=[w.a.branch], **extra)


def test_agreement_pages_create_edit_end(client, w):
    logged_in(w.cadre, client)
    pick = client.get(reverse("reporting:agreement_create")).content.decode()
    assert "甲社区" in pick and "乙社区" not in pick
    url = reverse("reporting:agreement_create") + f"?community={w.a.area.pk}"
    form = client.get(url).content.decode()
    assert "甲小区党支部" in form and "乙小区党支部" not in form
    bad = client.post(url, {"org": w.organ.pk, "title": "x", "text": "y", "starts_on": "2026-05-01",
                            "ends_on": "2026-04-01", "branches": [w.a.branch.pk]})
    assert bad.status_code == 400 and "不能早于开始日期" in bad.content.decode()
    response = client.post(url, {"org": w.organ.pk, "title": "财政局共建", "text": "联合主题党日",
                                 "starts_on": "2026-01-01", "ends_on": "2027-12-31", "branches": [w.a.branch.pk]})
    agreement = CoBuildAgreement.objects.get()
    assert response["Location"] == reverse("reporting:agreement_detail", args=[agreement.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "财政局共建" in detail and "甲小区党支部" in detail and "结束共建" in detail
    client.post(reverse("reporting:agreement_edit", args=[agreement.pk]), {
        "title": "财政局共建（修订）", "text": "联合主题党日", "starts_on": "2026-01-01", "ends_on": "2027-12-31"})
    agreement.refresh_from_db()
    assert agreement.title == "财政局共建（修订）" and not agreement.branches.exists()
    client.post(reverse("reporting:agreement_end", args=[agreement.pk]))
    again = client.post(reverse("reporting:agreement_end", args=[agreement.pk]), follow=True)
    assert "已经结束" in again.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED


def test_agreements_are_scoped_and_refused(client, w):
    """Another community's 404 and the list's scope: ``test_contracts.TestAgreementPages``."""
    agreement = _agreement(w)
    logged_in(w.cadre_b, client)
    assert client.post(reverse("reporting:agreement_end", args=[agreement.pk])).status_code == 404
    grid = user_with(Role.GRID, w.a.area)
    logged_in(grid, client)
    assert "财政局共建" in client.get(reverse("reporting:agreement_list")).content.decode()
    assert client.get(reverse("reporting:agreement_create")).status_code == 403
    assert client.get(reverse("reporting:agreement_edit", args=[agreement.pk])).status_code == 403
    assert client.post(reverse("reporting:agreement_end", args=[agreement.pk])).status_code == 403


# ------------------------------------------------------------------------------ API
def test_api_member_reports_self_create_and_scope(w):
    """A cadre's list and detail scope: ``test_contracts.TestMemberReportApi``."""
    user = member_login(w.li)
    first = api_client(user).post("/api/member-reports/", {"member": w.li.pk, "skills": "义诊"}, format="json")
    assert first.status_code == 201 and first.json()["is_valid"] is True and first.json()["community_name"] == "甲社区"
    again = api_client(user).post("/api/member-reports/", {"member": w.li.pk}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    mine = api_client(user).get("/api/member-reports/").json()
    assert [r["member_name"] for r in mine["results"]] == ["李在职"]  # not zhang's
    assert api_client(w.cadre_b).post("/api/member-reports/", {"member": w.zhang.pk}, format="json").status_code == 404
    grid = user_with(Role.GRID, w.a.area)
    assert api_client(grid).post("/api/member-reports/", {"member": w.zhang.pk}, format="json").status_code == 403
    listed = api_client(w.cadre).get("/api/member-reports/", {"valid": "true"}).json()
    assert {r["member_name"] for r in listed["results"]} == {"张在职", "李在职"}
    assert PHONE not in str(listed)


def test_api_agreements_write_and_end(w):
    """A cadre's list and detail scope: ``test_contracts.TestCoBuildAgreementApi``."""
    client = api_client(w.cadre)
    created = client.post("/api/cobuild-agreements/", {
        "org": w.organ.pk, "community": w.a.area.pk, "branches": [w.a.branch.pk], "title": "共建", "text": "内容",
        "starts_on": "2026-01-01", "ends_on": "2027-01-01"}, format="json")
    assert created.status_code == 201 and created.json()["branches"] == [w.a.branch.pk]
    pk = created.json()["id"]
    bad = client.patch(f"/api/cobuild-agreements/{pk}/", {"branches": [w.b.branch.pk]}, format="json")
    assert bad.status_code == 400 and "branches" in bad.json()
    ok = client.patch(f"/api/cobuild-agreements/{pk}/", {"title": "共建二期"}, format="json")
    assert ok.status_code == 200 and ok.json()["title"] == "共建二期"
    assert client.post(f"/api/cobuild-agreements/{pk}/end/", {}, format="json").json()["status"] == "ended"
    conflict = client.post(f"/api/cobuild-agreements/{pk}/end/", {}, format="json")
    assert conflict.status_code == 409 and "已经结束" in conflict.json()["detail"]
    grid = user_with(Role.GRID, w.a.area)
    assert api_client(grid).post("/api/cobuild-agreements/", {}, format="json").status_code == 403


def test_api_member_hours_summary(w):
    """A cadre's list and detail scope and query counts: ``test_contracts.TestMemberHoursApi``."""
    hours(w.zhang, "7", date(w.today.year - 1, 5, 1))
    client = api_client(w.cadre)
    data = client.get("/api/member-hours/", {"in_service": "true"}).json()
    rows = {r["name"]: r for r in data["results"]}
    assert set(rows) == {"张在职", "李在职"}
    zhang = rows["张在职"]
    assert (zhang["hours_total"], zhang["hours_activity"], zhang["hours_wish"], zhang["hours_request"]) == (
        "4.5", "3.5", "1.0", "0.0")
    assert zhang["report_status"] == "valid" and zhang["progress_percent"] == 9 and zhang["target"] == "50"
    assert rows["李在职"]["report_status"] == "never"
    last_year = client.get(f"/api/member-hours/{w.zhang.pk}/", {"year": w.today.year - 1}).json()
    assert last_year["hours_total"] == "7.0" and last_year["year"] == w.today.year - 1
    assert client.get("/api/member-hours/", {"year": "abc"}).status_code == 400
    me = api_client(member_login(w.li)).get("/api/member-hours/").json()
    assert [r["name"] for r in me["results"]] == ["李在职"]
