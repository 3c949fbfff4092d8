"""The list and detail contracts (dangjian.testing.contracts) of the micro-wishes: the API
and the staff pages refuse who may not open them, answer 404 out of scope as for a missing
wish, show what is in scope, and run a flat number of queries within ``services/tests/budgets.py``.

The world is ``build_city``: community 甲 (``w.a``) is the user's, community 乙 (``w.b``) is not.
Lists mix wishes in every status the page shows (a claimed one joins its claimant).
"""
import itertools

import pytest
from django.urls import reverse_lazy

from dangjian.testing import api_client, query_count
from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from services.tests.budgets import BUDGETS
from services.tests.factories import CityWorld, claimed, fulfilled, member_user, published, submit
from services.wishes.choices import WishStatus
from services.wishes.models import WishEvent


class WishWorld(CityWorld):
    """A member of 甲 with an account (``self.member``) who claims some of the wishes."""

    @pytest.fixture(autouse=True)
    def _claimer(self, _world):
        self.member = member_user(self.w.a.members[0])
        self._states = itertools.cycle((submit, published, self._claimed, self._fulfilled))

    def _claimed(self, community):
        return claimed(community, self.member)

    def _fulfilled(self, community):
        return fulfilled(community, self.member)

    def any_wish(self, community):
        """The next of submitted, published, claimed, fulfilled (in turn) in ``community``."""
        return next(self._states)(community)


# --------------------------------------------------------------------------- API
class TestWishApi(WishWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/wishes/"
    detail_url = by_pk("wish-detail")
    list_budget = BUDGETS["wish-list"]
    detail_budget = BUDGETS["wish-detail"]

    def make_in_scope(self):
        return self.any_wish(self.w.a)

    def make_out_of_scope(self):
        return submit(self.w.b)


# --------------------------------------------------------------------------- pages
class TestWishListPage(WishWorld, PageListContract):
    """The review list of the communities the cadre covers."""

    list_url = reverse_lazy("services:wish_list")
    detail_url = by_pk("services:wish_detail")
    list_budget = BUDGETS["services:wish_list"]

    @pytest.fixture
    def user_without_permission(self):
        """A plain party member has no review list: 403 (the wall is theirs)."""
        return self.member

    def make_in_scope(self):
        return self.any_wish(self.w.a)

    def make_out_of_scope(self):
        return submit(self.w.b)


class TestWishDetailPage(WishWorld, PageDetailContract):
    detail_url = by_pk("services:wish_detail")
    detail_budget = BUDGETS["services:wish_detail"]

    def make_in_scope(self):
        return claimed(self.w.a, self.member)

    def make_out_of_scope(self):
        return submit(self.w.b)

    def make_related(self, wish):
        """One more event on the wish's timeline."""
        return WishEvent.objects.create(wish=wish, actor=self.cadre, from_status=WishStatus.CLAIMED,
                                        to_status=WishStatus.CLAIMED, note="已电话联系心愿人")


class TestWishWallPage(WishWorld, PageListContract):
    """The wall of the member's own community: its published wishes, never another community's."""

    list_url = reverse_lazy("services:wish_wall")
    detail_url = by_pk("services:wish_detail")
    list_budget = BUDGETS["services:wish_wall"]

    @pytest.fixture
    def user_in_scope(self):
        return self.member

    def make_in_scope(self):
        return published(self.w.a)

    def make_out_of_scope(self):
        return published(self.w.b)


class TestMyClaimsPage(WishWorld, PageListContract):
    """The wishes the member claimed (to fulfil, then done), never another member's claims."""

    list_url = reverse_lazy("services:my_claims")
    detail_url = by_pk("services:wish_detail")
    list_budget = BUDGETS["services:my_claims"]

    @pytest.fixture
    def user_in_scope(self):
        return self.member

    @pytest.fixture(autouse=True)
    def _other_claimer(self, _claimer):
        self.other = member_user(self.w.a.members[1])
        self._mine = itertools.cycle((self._claimed, self._fulfilled))

    def make_in_scope(self):
        return next(self._mine)(self.w.a)

    def make_out_of_scope(self):
        return claimed(self.w.a, self.other)


# --------------------------------------------------------------------------- public
def test_public_wish_api_query_count_flat(city):
    """``/api/public/wishes/{code}/`` answers anyone holding the code (no scope, so no contract):
    as many queries with a longer timeline, within its budget."""
    wish = fulfilled(city.a, member_user(city.a.members[0]))
    client, url = api_client(), f"/api/public/wishes/{wish.code}/"
    client.get(url)
    few = query_count(client, url)
    for _ in range(5):
        WishEvent.objects.create(wish=wish, from_status=WishStatus.FULFILLED, to_status=WishStatus.FULFILLED)
    assert len(api_client().get(url).json()["timeline"]) == 9  # submitted, published, claimed, fulfilled + 5
    assert query_count(client, url) == few <= BUDGETS["public-wish-detail"]
