"""The dues beside organizational life, and the admin's read-only ledger."""
import pytest
from django.urls import reverse

from dangjian.testing.clients import logged_in
from organizations.dues.models import DuesBase, DuesPayment, DuesRuleSet
from organizations.dues.tests.worlds import DuesWorld
from organizations.grants.choices import Role
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


class TestBesideOrganizationalLife(DuesWorld):
    def test_inactive_page_counts_and_links_six_months_unpaid(self):
        for _ in range(2):
            self.lapsed_member(self.w.a)
        self.lapsed_member(self.w.b)  # out of the cadre's scope: not counted
        self.member_with_ledger(self.w.a, paid_months=3, start_back=3)  # up to date
        response = logged_in(self.cadre).get(reverse("assessments:inactive"))
        assert response.status_code == 200
        assert response.context["dues_lapsed"] == 2
        page = response.content.decode()
        assert "连续六个月未交党费：2 名党员" in page
        assert reverse("organizations:dues_lapsed") in page

    def test_grid_worker_sees_no_dues_line(self):
        self.lapsed_member(self.w.a)
        response = logged_in(user_with(Role.GRID, self.w.a.area)).get(reverse("assessments:inactive"))
        assert response.status_code == 200 and response.context["dues_lapsed"] is None
        assert "连续六个月未交党费" not in response.content.decode()


class TestListsOfOneBranch(DuesWorld):
    """The sheet links its branch's arrears and six-months lists (``?org=``): they answer for the
    branch, name it and list its members only (the crawl found them failing on the name)."""

    @pytest.mark.parametrize("route", ["organizations:dues_arrears", "organizations:dues_lapsed"])
    def test_the_lists_of_one_branch(self, route):
        mine = self.lapsed_member(self.w.a)
        other = self.lapsed_member(self.w.b)
        response = logged_in(self.writer).get(reverse(route), {"org": self.w.a.branch.pk})
        assert response.status_code == 200
        page = response.content.decode()
        assert f"{self.w.a.branch.name}：" in page
        listed = {m.pk for m in response.context["page_obj"].object_list}
        assert mine.pk in listed and other.pk not in listed


class TestAdmin(DuesWorld):
    def test_changelists_open_and_the_ledger_is_read_only(self, admin_client):
        member = self.member_with_ledger(self.w.a, paid_months=2)
        for model in ("duesruleset", "duesbase", "duespayment", "memberduesstate", "duesorgmonth"):
            assert admin_client.get(reverse(f"admin:organizations_{model}_changelist")).status_code == 200
        rule_set = DuesRuleSet.objects.get(area=None)
        assert admin_client.get(reverse("admin:organizations_duesruleset_change", args=[rule_set.pk])).status_code == 200
        payment = DuesPayment.objects.filter(member=member).first()
        assert admin_client.get(reverse("admin:organizations_duespayment_add")).status_code == 403
        response = admin_client.post(reverse("admin:organizations_duespayment_delete", args=[payment.pk]), {"post": "yes"})
        assert response.status_code == 403 and DuesPayment.objects.filter(pk=payment.pk).exists()
        assert DuesBase.objects.filter(member=member).exists()
