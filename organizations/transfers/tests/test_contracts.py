"""The list and detail contracts (dangjian.testing.contracts) of the transfer pages and API:
refused when not permitted, 404 out of scope as for missing, in scope visible, query count
flat and within ``organizations/tests/budgets.py``.

The world is ``build_city`` plus another city: community 甲 (``w.a``) is the cadre's; a
transfer is in scope when it leaves 甲's branch (for another city's branch, outside the
cadre's subtree), out of scope when it goes between 乙 and the other city."""
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.grants.choices import Role
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import MemberFactory, build_city, user_with
from organizations.transfers.choices import TransferKind, TransferStatus
from organizations.transfers.models import IntroductionLetter, Transfer, TransferEvent

_n = itertools.count(1)


class TransferWorld:
    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = city
        self.far = build_city()
        self.cadre = user_with(Role.COMMUNITY, city.a.area)

    @pytest.fixture
    def user_in_scope(self):
        return self.cadre

    @pytest.fixture
    def user_without_permission(self):
        return user_with(Role.GRID, self.w.a.area)  # reads the roster, works on no transfer

    def _transfer(self, source, target, **fields):
        member = MemberFactory(organization=source, residence=None)
        return Transfer.objects.create(member=member, from_org=source, to_org=target, due_on=timezone.localdate(),
                                       reason="contract", **fields)

    def make_in_scope(self):
        return self._transfer(self.w.a.branch, self.far.a.branch)

    def make_out_of_scope(self):
        return self._transfer(self.w.b.branch, self.far.b.branch)


class TestTransferListPage(TransferWorld, PageListContract):
    list_budget = BUDGETS["organizations:transfer_list"]
    detail_url = by_pk("organizations:transfer_detail")

    @property
    def list_url(self):
        return reverse("organizations:transfer_list") + "?tab=outgoing"


class TestTransferIncomingListPage(TransferWorld, PageListContract):
    list_budget = BUDGETS["organizations:transfer_list"]
    detail_url = by_pk("organizations:transfer_detail")

    @property
    def list_url(self):
        return reverse("organizations:transfer_list") + "?tab=incoming"

    def make_in_scope(self):
        return self._transfer(self.far.a.branch, self.w.a.branch)


class TestTransferDetailPage(TransferWorld, PageDetailContract):
    detail_url = by_pk("organizations:transfer_detail")
    detail_budget = BUDGETS["organizations:transfer_detail"]

    @pytest.fixture
    def user_without_permission(self):
        return None  # a member opens their own transfer: every signed-in role may ask

    def make_related(self, obj):
        return TransferEvent.objects.create(transfer=obj, from_status="pending", to_status="pending", note="记录")


class TestLetterPage(TransferWorld, PageDetailContract):
    detail_url = by_pk("organizations:transfer_letter")
    detail_budget = BUDGETS["organizations:transfer_letter"]

    @pytest.fixture
    def user_without_permission(self):
        return None

    def _letter(self, transfer):
        n = next(_n)
        IntroductionLetter.objects.create(
            transfer=transfer, direction="out", number=f"X-{n}", issuer=transfer.from_org, issuer_name="支部",
            year=2026, serial=n, destination="外地", issued_on=timezone.localdate(), valid_until=timezone.localdate())
        return transfer

    def make_in_scope(self):
        return self._letter(self._transfer(self.w.a.branch, None, kind=TransferKind.OUT, outside_org="外地"))

    def make_out_of_scope(self):
        return self._letter(self._transfer(self.w.b.branch, None, kind=TransferKind.OUT, outside_org="外地"))

    def make_related(self, obj):
        return TransferEvent.objects.create(transfer=obj, from_status="pending", to_status="pending")


class TestMemberTransfersPage(TransferWorld, PageDetailContract):
    detail_url = staticmethod(lambda m: reverse("organizations:member_transfers", args=[m.pk]))
    detail_budget = BUDGETS["organizations:member_transfers"]

    @pytest.fixture
    def user_without_permission(self):
        return None

    def make_in_scope(self):
        return MemberFactory(organization=self.w.a.branch, residence=self.w.a.building)

    def make_out_of_scope(self):
        return MemberFactory(organization=self.w.b.branch, residence=self.w.b.building)

    def make_related(self, member):
        return Transfer.objects.create(member=member, from_org=self.w.a.branch, to_org=self.far.a.branch,
                                       status=TransferStatus.RETURNED, return_reason="x")


class TestTransferApi(TransferWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/transfers/"
    detail_url = by_pk("transfer-detail")
    list_budget = BUDGETS["transfer-list"]
    detail_budget = BUDGETS["transfer-detail"]

    @pytest.fixture
    def user_without_permission(self):
        return None  # reads are scoped for every signed-in user

    def make_related(self, obj):
        return TransferEvent.objects.create(transfer=obj, from_status="pending", to_status="pending")
