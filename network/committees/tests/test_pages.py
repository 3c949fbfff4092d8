"""The regional network's pages: the lists filter by area (an area out of scope is 404),
kind, status and search; a committee's page shows its figures; the forms write through the
actions; the dashboard tiles count exactly the rows of the lists they link to, in at most
three queries whatever the subtree's size; the home page's to-do lists the problems open
for more than 30 days; the organization page shows its pairing."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.testing.clients import logged_in
from network.committees import actions, selectors
from network.committees.choices import CommitmentKind, ProblemShown
from network.committees.models import CommitteeProblem, CommitteeSeat
from network.committees.tests.support import build_net, meeting, problem
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import PartyOrgFactory, ResidentUnitFactory, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    return build_net()


def listed(response):
    assert response.status_code == 200
    return [row.pk for row in response.context["page_obj"]]


def test_committee_list_filters_and_refuses_an_area_out_of_scope(net):
    other = build_net()
    client = logged_in(net.street_cadre)
    assert listed(client.get(reverse("committees:list"))) == [net.committee.pk]
    assert listed(client.get(reverse("committees:list"), {"area": net.w.c.street.pk})) == [net.committee.pk]
    assert listed(client.get(reverse("committees:list"), {"kind": "community"})) == []
    assert listed(client.get(reverse("committees:list"), {"q": "大工委"})) == [net.committee.pk]
    assert client.get(reverse("committees:list"), {"area": other.w.c.street.pk}).status_code == 404
    assert logged_in(user_with(Role.MEMBER, net.w.c.street)).get(reverse("committees:list")).status_code == 403


def test_problem_list_filters_by_what_the_problem_shows(net):
    m = meeting(net)
    open_one = problem(net, meeting_=m, title="开着的")
    settled = problem(net, meeting_=m, title="解决了的")
    actions.problem_settle(actor=net.street_cadre, problem=settled, settlement="已解决。")
    whistled = problem(net, meeting_=m, title="吹了哨的")
    actions.problem_whistle(actor=net.street_cadre, problem=whistled, departments=[net.w.housing])
    client = logged_in(net.street_cadre)
    url = reverse("committees:problems")
    assert listed(client.get(url, {"status": ProblemShown.OPEN})) == [open_one.pk]
    assert listed(client.get(url, {"status": ProblemShown.SETTLED})) == [settled.pk]
    assert listed(client.get(url, {"status": ProblemShown.WHISTLED})) == [whistled.pk]
    assert set(listed(client.get(url, {"committee": net.committee.pk}))) == {open_one.pk, settled.pk, whistled.pk}
    assert client.get(url, {"committee": build_net().committee.pk}).status_code == 404


def test_record_a_meeting_and_raise_a_problem_through_the_pages(net):
    client = logged_in(net.street_cadre)
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(reverse("committees:meeting_new", args=[net.committee.pk]), {
        "topic": "联席会议", "starts_at": f"{day}T09:00", "ends_at": f"{day}T10:00", "place": "中心",
        "attending_seats": [net.seat_a.pk, net.seat_b.pk], "minutes": ""})
    assert response.status_code == 302
    m = net.committee.meetings.get()
    assert m.attending.count() == 2
    response = client.post(reverse("committees:problem_new", args=[m.pk]), {"title": "路灯不亮", "description": ""})
    p = CommitteeProblem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("committees:problem", args=[p.pk])
    page = client.get(reverse("committees:problem", args=[p.pk]))
    assert page.status_code == 200 and "data-testid=\"settle-form\"" in page.content.decode()
    response = client.post(reverse("committees:problem_settle", args=[p.pk]), {"settlement": ""})
    assert response.status_code == 400
    client.post(reverse("committees:problem_settle", args=[p.pk]), {"settlement": "已修复。"})
    p.refresh_from_db()
    assert p.status == "settled"


def test_a_seat_added_through_the_page_and_the_one_seat_rule_on_the_form(net):
    client = logged_in(net.street_cadre)
    url = reverse("committees:seat_add", args=[net.committee.pk])
    response = client.post(url, {"unit": net.w.unit_a.pk, "role": "member"})
    assert response.status_code == 400 and "已是本联席组织的成员单位" in response.content.decode()
    unit = ResidentUnitFactory(name="新驻区单位", community=net.w.c.a.area)
    assert client.post(url, {"unit": unit.pk, "role": "member", "person_name": "周主任"}).status_code == 302
    assert CommitteeSeat.objects.filter(committee=net.committee, unit=unit).exists()
    # the pickers list the committee's area only
    options = client.get(reverse("committees:pick_units", args=[net.committee.pk]), {"q": "新驻区"}).json()
    assert [o["id"] for o in options["results"]] == [unit.pk]
    assert logged_in(net.w.cadre_a).get(reverse("committees:pick_units", args=[net.committee.pk])).status_code == 404


def test_area_tiles_count_the_rows_of_their_lists_in_at_most_three_queries(net):
    year = timezone.localdate().year
    m = meeting(net)
    p1, p2 = problem(net, meeting_=m, title="一"), problem(net, meeting_=m, title="二")
    actions.problem_settle(actor=net.street_cadre, problem=p1, settlement="好了")
    c = actions.commitment_save(actor=net.street_cadre, seat=net.seat_a, year=year, kind=CommitmentKind.DEED,
                                content="义诊")
    actions.commitment_save(actor=net.street_cadre, seat=net.seat_b, year=year, kind=CommitmentKind.DEED, content="清洁")
    actions.commitment_fulfil(actor=net.street_cadre, commitment=c, note="已办")
    organ = PartyOrgFactory(name="区民政局机关党支部", kind=OrgKind.BRANCH, category=OrgCategory.ORGAN,
                            area=net.w.c.street, parent=net.w.c.street_org)
    actions.pairing_create(actor=net.street_cadre, organ_branch=organ, compound_branch=net.w.c.a.branch)
    build_net()  # another city's rows are not counted
    from dangjian.scoping import get_scope

    get_scope(net.street_cadre)  # the request's scope is read once, before the tiles
    with CaptureQueriesContext(connection) as ctx:
        tiles = selectors.area_tiles(net.street_cadre, net.w.c.street)
    assert len(ctx.captured_queries) <= 3
    values = {t["label"]: t["value"] for t in tiles}
    assert values == {"联席组织": "1", "兼职委员": "2", "本年联席会议": "1", "会议提出问题": "2", "已解决问题": "1",
                      "承诺兑现": "1/2", "结对共建": "1"}
    client = logged_in(net.street_cadre)
    by_label = {t["label"]: t["url"] for t in tiles}
    assert len(listed(client.get(by_label["联席组织"]))) == 1
    assert len(listed(client.get(by_label["会议提出问题"]))) == 2
    assert listed(client.get(by_label["已解决问题"])) == [p1.pk]
    assert len(listed(client.get(by_label["承诺兑现"]))) == 2
    assert len(listed(client.get(by_label["结对共建"]))) == 1
    assert p2.pk in listed(client.get(by_label["会议提出问题"]))
    # a community of the street: its subtree only (the street's committee is not inside it)
    assert selectors.area_tiles(net.street_cadre, net.w.c.a.area)[0]["value"] == "0"


def test_the_home_page_lists_problems_open_for_more_than_thirty_days(net):
    old = problem(net, meeting_=meeting(net, days_ago=45), title="拖了很久的问题")
    CommitteeProblem.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=45))
    problem(net, title="刚提出的问题")
    page = logged_in(net.street_cadre).get("/").content.decode()
    assert "拖了很久的问题" in page and "刚提出的问题" not in page
    more = logged_in(net.street_cadre).get(reverse("committees:problems"), {"waiting": "1"})
    assert listed(more) == [old.pk]


def test_the_organization_page_shows_its_pairing(net):
    organ = PartyOrgFactory(name="市民政局机关党支部", kind=OrgKind.BRANCH, category=OrgCategory.ORGAN,
                            area=net.w.c.street, parent=net.w.c.street_org)
    actions.pairing_create(actor=net.street_cadre, organ_branch=organ, compound_branch=net.w.c.a.branch)
    page = logged_in(net.street_cadre).get(reverse("organizations:org_detail", args=[net.w.c.a.branch.pk]))
    assert page.status_code == 200 and "市民政局机关党支部" in page.content.decode()
