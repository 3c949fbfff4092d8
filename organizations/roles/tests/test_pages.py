"""The pages' forms (pickers, never typed ids), the Excel export, the home page's 换届 section,
the leader's own page and the dashboard tiles."""
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.testing.clients import logged_in
from organizations.grants.choices import Role
from organizations.orgs.models import PartyOrg
from organizations.roles import actions, selectors
from organizations.roles.choices import Body, LinkKind, Post
from organizations.roles.models import LeaderLink, Position
from organizations.roles.tests.worlds import RolesWorld, today
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import AreaFactory, PartyOrgFactory, UserFactory, user_with

pytestmark = pytest.mark.django_db


def ending_in(community, days):
    """A branch of ``community`` whose three-year term ends ``days`` days from today."""
    end = today() + timedelta(days=days)
    start = end.replace(year=end.year - 3) if (end.month, end.day) != (2, 29) else date(end.year - 3, 2, 28)
    compound = AreaFactory(level=community.compound.level, parent=community.area)
    return PartyOrgFactory(area=compound, parent=community.committee, term_started_on=start, term_years=3)


class TestForms(RolesWorld):
    def test_recording_a_position_through_the_form(self):
        member = self.person(self.w.a)
        client = logged_in(self.cadre)
        response = client.post(reverse("organizations:roles_position_new"), {
            "member": member.pk, "body": Body.RESIDENTS, "place": self.w.a.area.pk, "post": Post.CHAIR,
            "started_on": "2022-01-01",
        })
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Position.objects.filter(member=member, body=Body.RESIDENTS, community=self.w.a.area).exists()

    def test_a_member_out_of_scope_is_a_form_error(self):
        outsider = self.person(self.w.b)
        response = logged_in(self.cadre).post(reverse("organizations:roles_position_new"), {
            "member": outsider.pk, "body": Body.RESIDENTS, "place": self.w.a.area.pk, "post": Post.CHAIR,
            "started_on": "2022-01-01",
        })
        assert response.status_code == 200
        assert "不在您的管辖范围内" in response.content.decode()
        assert not Position.objects.exists()

    def test_member_picker_lists_the_subtree_only(self):
        inside, outside = self.person(self.w.a), self.person(self.w.b)
        data = logged_in(self.cadre).get(reverse("organizations:roles_pick_members"), {"q": "党员"}).json()
        listed = {int(r["id"]) for r in data["results"]}
        assert inside.pk in listed and outside.pk not in listed

    def test_renewing_through_the_form(self):
        org = ending_in(self.w.a, 30)
        response = logged_in(self.cadre).post(reverse("organizations:roles_term_renew", args=[org.pk]),
                                              {"elected_on": today().isoformat()})
        assert response.status_code == 302
        org.refresh_from_db()
        assert org.term_started_on == today()

    def test_renewing_out_of_scope_is_404(self):
        org = ending_in(self.w.b, 30)
        assert logged_in(self.cadre).get(reverse("organizations:roles_term_renew", args=[org.pk])).status_code == 404

    def test_creating_a_link_through_the_form(self):
        response = logged_in(self.cadre).post(reverse("organizations:roles_leader_new"), {
            "community": self.w.a.area.pk, "kind": LinkKind.LIAISON, "leader_name": "王明",
            "leader_post": "区委常委、组织部长", "year": today().year, "required_days": "14",
        })
        assert response.status_code == 302
        link = LeaderLink.objects.get()
        assert link.required_days == Decimal("14") and link.starts_on == date(today().year, 1, 1)

    def test_the_area_page_filters_yijiantiao(self):
        boss = self.person(self.w.a)
        self.party_post(self.w.a, boss, post=Post.SECRETARY)
        self.residents_post(self.w.a, boss)
        client = logged_in(self.street)
        url = reverse("organizations:roles_area", args=[self.w.street.pk])
        assert [c.pk for c in client.get(url, {"yjt": "1"}).context["page_obj"]] == [self.w.a.area.pk]
        assert [c.pk for c in client.get(url, {"yjt": "0"}).context["page_obj"]] == [self.w.b.area.pk]


class TestTermsExport(RolesWorld):
    def test_export_holds_the_listed_rows(self):
        due, overdue, later = ending_in(self.w.a, 30), ending_in(self.w.a, -10), ending_in(self.w.a, 400)
        response = logged_in(self.cadre).get(reverse("organizations:roles_terms_export"))
        assert response.status_code == 200
        ws = openpyxl.load_workbook(BytesIO(response.content)).active
        names = [row[0] for row in ws.iter_rows(min_row=3, values_only=True)]
        assert set(names) == {due.name, overdue.name}
        assert later.name not in names
        states = {row[0]: row[7] for row in ws.iter_rows(min_row=3, values_only=True)}
        assert states[overdue.name] == "已到期" and states[due.name] == "即将到期"

    def test_overdue_filter(self):
        due, overdue = ending_in(self.w.a, 30), ending_in(self.w.a, -10)
        page = logged_in(self.cadre).get(reverse("organizations:roles_terms"), {"state": "overdue"}).context["page_obj"]
        assert [o.pk for o in page] == [overdue.pk]
        assert due.pk not in [o.pk for o in page]


class TestHomeQueue(RolesWorld):
    def test_the_cadre_whose_subtree_holds_a_reminder_sees_it(self):
        org = ending_in(self.w.a, 20)
        body = logged_in(self.cadre).get(reverse("home")).content.decode()
        assert "换届提醒" in body and org.name in body
        other = user_with(Role.COMMUNITY, self.w.b.area)
        assert org.name not in logged_in(other).get(reverse("home")).content.decode()


class TestMine(RolesWorld):
    def test_query_count_of_the_leaders_page(self):
        leader = UserFactory()
        for community in (self.w.a, self.w.b):
            actions.link_create(actor=self.writer, community=community.area, kind=LinkKind.DEPARTMENT,
                                leader_name="李华", leader_post="区民政局局长", year=today().year,
                                visits_per_month=1, leader=leader)
        client = logged_in(leader)
        url = reverse("organizations:roles_leaders_mine")
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= BUDGETS["organizations:roles_leaders_mine"]


class TestTiles(RolesWorld):
    def test_tiles_count_the_rows_of_their_lists(self):
        a, b = self.w.a, self.w.b
        boss = self.person(a)
        self.party_post(a, boss, post=Post.SECRETARY)
        self.residents_post(a, boss)
        self.cross_person(b)
        PartyOrg.objects.update(term_started_on=None)
        ending_in(a, 10)
        ending_in(b, 100)
        ending_in(b, -5)
        ending_in(b, 300)  # beyond six months
        link = actions.link_create(actor=self.writer, community=a.area, kind=LinkKind.DEPARTMENT, leader_name="李华",
                                   leader_post="局长", year=today().year, visits_per_month=2)
        actions.link_create(actor=self.writer, community=b.area, kind=LinkKind.DEPARTMENT, leader_name="赵刚",
                            leader_post="局长", year=today().year, visits_per_month=1)
        actions.visit_record(actor=self.writer, link=LeaderLink.objects.exclude(pk=link.pk).get(), on=today())
        selectors.area_tiles(self.street, self.w.street)  # the scope, cached on the user
        with CaptureQueriesContext(connection) as queries:
            tiles = selectors.area_tiles(self.street, self.w.street)
        assert len(queries) <= BUDGETS["organizations.roles.selectors.area_tiles"] - 1
        values = {t["label"]: t["value"] for t in tiles}
        assert values["一肩挑社区"] == "1 / 2"
        assert values["交叉任职人数"] == "2"
        assert values["六个月内换届 / 已到期"] == "2 / 1"
        assert values["联系社区进度落后"] == "1"
        client = logged_in(self.street)
        urls = {t["label"]: t["url"] for t in tiles}
        assert client.get(urls["一肩挑社区"]).context["page_obj"].paginator.count == 1
        assert client.get(urls["交叉任职人数"]).context["page_obj"].paginator.count == 2
        assert client.get(urls["六个月内换届 / 已到期"]).context["page_obj"].paginator.count == 3
        assert client.get(urls["联系社区进度落后"]).context["page_obj"].paginator.count == 1
