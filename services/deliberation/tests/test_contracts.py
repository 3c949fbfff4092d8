"""Contracts of the deliberation endpoints: refused without permission, 404 out of scope as
for missing, in scope listed, flat query counts within ``services/tests/budgets.py``."""
import itertools

import pytest
from django.urls import reverse, reverse_lazy

from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.tests.factories import UserFactory
from services.deliberation import actions
from services.deliberation.tests.helpers import accepted, decided, deliberating, phone, proposed
from services.tests.budgets import BUDGETS
from services.tests.factories import CityWorld


class TopicWorld(CityWorld):
    @pytest.fixture(autouse=True)
    def _states(self, _world):
        self._cycle = itertools.cycle((proposed, accepted, deliberating, decided))

    def any_topic(self, community):
        return next(self._cycle)(community)

    @pytest.fixture
    def user_without_permission(self):
        return UserFactory(username="no-role-user")


class TestTopicApi(TopicWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/deliberation-topics/"
    detail_url = by_pk("deliberation-topic-detail")
    list_budget = BUDGETS["deliberation-topic-list"]
    detail_budget = BUDGETS["deliberation-topic-detail"]

    @pytest.fixture
    def user_without_permission(self):
        return None  # every signed-in user may call it; it lists nothing out of scope

    def make_in_scope(self):
        return self.any_topic(self.w.a)

    def make_out_of_scope(self):
        return proposed(self.w.b)


class TestTopicListPage(TopicWorld, PageListContract):
    list_url = reverse_lazy("deliberation:topic_list")
    detail_url = by_pk("deliberation:topic_detail")
    list_budget = BUDGETS["deliberation:topic_list"]

    def make_in_scope(self):
        return self.any_topic(self.w.a)

    def make_out_of_scope(self):
        return proposed(self.w.b)


class TestTopicDetailPage(TopicWorld, PageDetailContract):
    detail_url = by_pk("deliberation:topic_detail")
    detail_budget = BUDGETS["deliberation:topic_detail"]

    def make_in_scope(self):
        return deliberating(self.w.a)

    def make_related(self, obj):
        actions.topic_support(code=obj.code, phone=phone())
        return actions.topic_comment(code=obj.code, phone=phone(), text="同意")

    def make_out_of_scope(self):
        return proposed(self.w.b)


class TestCommentQueue(TopicWorld, PageListContract):
    list_url = reverse_lazy("deliberation:comment_queue")
    detail_url = staticmethod(lambda c: reverse("deliberation:topic_detail", args=[c.topic_id]))
    list_budget = BUDGETS["deliberation:comment_queue"]

    def make_in_scope(self):
        return actions.topic_comment(code=accepted(self.w.a).code, phone=phone(), text="建议")

    def make_out_of_scope(self):
        return actions.topic_comment(code=accepted(self.w.b).code, phone=phone(), text="建议")
