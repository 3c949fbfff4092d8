"""The list and detail contracts of the dues pages and API: refused when not permitted, 404
out of scope as for missing, in scope visible, query count flat and within
``organizations/tests/budgets.py``."""
import pytest
from django.urls import reverse, reverse_lazy

from dangjian.testing.clients import api_client, captured_queries, ids, logged_in
from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.dues import brackets as calc
from organizations.dues.models import DuesBase, DuesPayment
from organizations.dues.tests.factories import pay
from organizations.dues.tests.worlds import DuesWorld, today
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import AreaFactory, MemberFactory, PartyOrgFactory, UserFactory, user_with

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------- API
class ApiWorld(DuesWorld):
    @pytest.fixture
    def user_without_permission(self):
        return None  # a role without dues sees no row (404 for a detail, an empty list): tested below

    def test_grid_worker_sees_no_dues(self):
        self.make_in_scope()
        assert ids(api_client(user_with(Role.GRID, self.w.a.area)).get(str(self.list_url))) == set()


class TestDuesPaymentApi(ApiWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/dues/payments/"
    detail_url = by_pk("dues-payment-detail")
    list_budget = BUDGETS["dues-payment-list"]
    detail_budget = BUDGETS["dues-payment-detail"]

    def make_in_scope(self):
        return DuesPayment.objects.filter(member=self.member_with_ledger(self.w.a, paid_months=1)).get()

    def make_out_of_scope(self):
        return DuesPayment.objects.filter(member=self.member_with_ledger(self.w.b, paid_months=1)).get()


class TestDuesBaseApi(ApiWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/dues/bases/"
    detail_url = by_pk("dues-base-detail")
    list_budget = BUDGETS["dues-base-list"]
    detail_budget = BUDGETS["dues-base-detail"]

    def make_in_scope(self):
        return DuesBase.objects.get(member=self.member_with_ledger(self.w.a, paid_months=0))

    def make_out_of_scope(self):
        return DuesBase.objects.get(member=self.member_with_ledger(self.w.b, paid_months=0))


# --------------------------------------------------------------------------- pages
def new_branch(community):
    compound = AreaFactory(level=community.compound.level, parent=community.area)
    return PartyOrgFactory(kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND, area=compound, parent=community.committee)


class TestDuesIndexPage(DuesWorld, PageListContract):
    list_url = reverse_lazy("organizations:dues_index")
    list_budget = BUDGETS["organizations:dues_index"]

    def make_in_scope(self):
        return new_branch(self.w.a)

    def make_out_of_scope(self):
        return new_branch(self.w.b)


class TestDuesSheetPage(DuesWorld, PageDetailContract):
    detail_url = by_pk("organizations:dues_sheet")
    detail_budget = BUDGETS["organizations:dues_sheet"]

    def make_in_scope(self):
        return new_branch(self.w.a)

    def make_out_of_scope(self):
        return new_branch(self.w.b)

    def make_related(self, org):
        member = MemberFactory(organization=org)
        self.w.a.branch = org  # member_with_ledger makes members of the community's branch
        m = self.member_with_ledger(self.w.a, paid_months=2)
        return [member, m]


class TestDuesMemberPage(DuesWorld, PageDetailContract):
    detail_url = by_pk("organizations:dues_member")
    detail_budget = BUDGETS["organizations:dues_member"]

    def make_in_scope(self):
        return self.member_with_ledger(self.w.a, paid_months=1, start_back=14)

    def make_out_of_scope(self):
        return self.member_with_ledger(self.w.b, paid_months=1)

    def make_related(self, member):
        last = DuesPayment.objects.filter(member=member).order_by("-month").first()
        return pay(member, actor=self.writer, first_month=calc.add_months(last.month, 1), paid_on=today())


class TestDuesLapsedPage(DuesWorld, PageListContract):
    list_url = reverse_lazy("organizations:dues_lapsed")
    list_budget = BUDGETS["organizations:dues_lapsed"]

    def make_in_scope(self):
        return self.lapsed_member(self.w.a)

    def make_out_of_scope(self):
        return self.lapsed_member(self.w.b)


class TestDuesArrearsPage(DuesWorld, PageListContract):
    list_url = reverse_lazy("organizations:dues_arrears")
    list_budget = BUDGETS["organizations:dues_arrears"]

    def make_in_scope(self):
        return self.member_with_ledger(self.w.a, paid_months=1, start_back=3)

    def make_out_of_scope(self):
        return self.member_with_ledger(self.w.b, paid_months=1, start_back=3)


class TestDuesTotals(DuesWorld):
    def url(self, area):
        return f"{reverse('organizations:dues_totals')}?within={area.pk}&year={today().year}"

    def test_totals_of_a_street_per_community_agree_with_the_ledger_and_stay_in_scope(self):
        street_cadre = user_with(Role.STREET, self.w.street)
        members = [self.member_with_ledger(self.w.a, paid_months=2) for _ in range(2)] + [self.member_with_ledger(self.w.b, paid_months=1)]
        year = today().year
        response = logged_in(street_cadre).get(self.url(self.w.street))
        assert response.status_code == 200
        rows = {r.node.pk: r for r in response.context["rows"]}
        for community, these in ((self.w.a, members[:2]), (self.w.b, members[2:])):
            ledger = DuesPayment.objects.filter(member__in=these, month__year=year)
            assert rows[community.area.pk].paid == sum(p.amount_paid for p in ledger)
            assert rows[community.area.pk].months_paid == ledger.count()
        assert response.context["whole"].paid == sum(p.amount_paid for p in DuesPayment.objects.filter(month__year=year))
        # the community cadre of 甲 may not open the street's totals, nor 乙's
        assert logged_in(self.cadre).get(self.url(self.w.street)).status_code == 404
        assert logged_in(self.cadre).get(self.url(self.w.b.area)).status_code == 404
        # per branch within a community
        response = logged_in(self.cadre).get(self.url(self.w.a.area))
        assert response.status_code == 200
        rows = {r.node.pk: r for r in response.context["rows"]}
        assert rows[self.w.a.branch.pk].months_paid == 4

    def test_totals_query_count_flat(self):
        client = logged_in(self.cadre)
        url = self.url(self.w.a.area)
        self.member_with_ledger(self.w.a)
        client.get(url)
        _r, few = captured_queries(client, url)
        for _ in range(4):
            self.member_with_ledger(self.w.a, paid_months=3)
        _r, many = captured_queries(client, url)
        assert len(few) == len(many) <= BUDGETS["organizations:dues_totals"]


class TestMemberOwnRecord(DuesWorld):
    def test_member_sees_own_record_only(self):
        mine = self.member_with_ledger(self.w.a, paid_months=2)
        other = self.member_with_ledger(self.w.a, paid_months=1)
        user = UserFactory()
        mine.user = user
        mine.save(update_fields=["user"])
        client = logged_in(user)
        response = client.get(reverse("organizations:dues_mine"))
        assert response.status_code == 200 and response.context["member"] == mine
        assert client.get(reverse("organizations:dues_member", args=[mine.pk])).status_code == 200
        assert client.get(reverse("organizations:dues_member", args=[other.pk])).status_code == 404
        assert client.get(reverse("organizations:dues_sheet", args=[self.w.a.branch.pk])).status_code == 403
        assert client.get(reverse("organizations:dues_lapsed")).status_code == 403
        api = api_client(user).get("/api/dues/payments/")
        assert ids(api) == set(DuesPayment.objects.filter(member=mine).values_list("pk", flat=True))
        # the member page's 党员档案 card links the dues record; the menu has “我的党费”
        page = client.get(reverse("organizations:member_detail", args=[mine.pk])).content.decode()
        assert reverse("organizations:dues_member", args=[mine.pk]) in page
        assert reverse("organizations:dues_mine") in client.get("/").content.decode()

    def test_mine_query_count(self):
        mine = self.member_with_ledger(self.w.a, paid_months=2)
        mine.user = UserFactory()
        mine.save(update_fields=["user"])
        client = logged_in(mine.user)
        url = reverse("organizations:dues_mine")
        client.get(url)
        _r, few = captured_queries(client, url)
        last = DuesPayment.objects.filter(member=mine).order_by("-month").first().month
        pay(mine, actor=self.writer, first_month=calc.add_months(last, 1), count=3, paid_on=today())
        _r, many = captured_queries(client, url)
        assert len(few) == len(many) <= BUDGETS["organizations:dues_mine"]
