"""The public topic page and API carry no personal data; supports and comments are rate
limited (429 in Chinese); the figures equal the rows; area_tiles' query count is pinned."""
import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.deliberation import actions, selectors
from services.deliberation.choices import TopicStatus
from services.deliberation.models import Topic, TopicSupport
from services.deliberation.tests.helpers import accepted, decided, proposed
from services.tests.budgets import BUDGETS
from services.tests.factories import cadre

pytestmark = pytest.mark.django_db

PROPOSER_PHONE = "13987654321"


def _published(city):
    topic = decided(city.a, proposer_phone=PROPOSER_PHONE)
    return Topic.objects.get(pk=topic.pk)


def _assert_no_personal(text):
    for secret in ("李大爷", PROPOSER_PHONE, "4321", "139****", "13800001111", "张三"):
        assert secret not in text, secret


def test_public_page_shows_every_step_without_personal_data(city):
    topic = _published(city)
    TopicSupport.objects.create(topic=topic, phone="13811112222")  # supported before the decision
    body = Client().get(reverse("deliberation:public_topic", args=[topic.code])).content.decode()
    assert "东门口是否加装充电桩" in body and "加装" in body and "多数代表同意" in body
    assert 'data-testid="supports-count">1<' in body and "居民代表 3" in body
    _assert_no_personal(body)


def test_public_api_has_no_personal_data(city):
    topic = _published(city)
    response = Client().get(f"/api/public/topics/{topic.code}/")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == TopicStatus.DECIDED and [o["votes"] for o in data["options"]] == [3, 0]
    _assert_no_personal(response.content.decode())


def test_unscreened_proposal_shows_nothing_of_its_text(city):
    topic = proposed(city.a)
    body = Client().get(reverse("deliberation:public_topic", args=[topic.code])).content.decode()
    assert "晚上楼道里充电" not in body and "社区审核后公开" in body


def test_propose_from_phone_and_support_once(city):
    client = Client()
    response = client.post(reverse("deliberation:propose"), {
        "community": city.a.area.pk, "building": city.a.building.pk, "title": "加装电梯", "text": "老人上下楼难",
        "name": "赵阿姨", "phone": "13700001111"})
    assert response.status_code == 302
    topic = Topic.objects.get(title="加装电梯")
    actions.topic_accept(actor=cadre(city.a), topic=topic, question="是否加装电梯？", options=["加装", "不装"])
    url = reverse("deliberation:public_support", args=[topic.code])
    assert client.post(url, {"support-phone": "13700002222"}).status_code == 302
    again = client.post(url, {"support-phone": "13700002222"})
    assert again.status_code == 400 and "只能附议一次" in again.content.decode()


@override_settings(DELIBERATION_COMMENT_IP_LIMIT=(2, 3600))
def test_comments_rate_limited_per_ip(city):
    topic = accepted(city.a)
    client = Client()
    url = reverse("deliberation:public_comment", args=[topic.code])
    for i in range(2):
        assert client.post(url, {"comment-text": f"意见{i}", "comment-phone": f"1370000{i:04d}"}).status_code == 302
    refused = client.post(url, {"comment-text": "再来", "comment-phone": "13700009999"})
    assert refused.status_code == 429 and "操作过于频繁" in refused.content.decode()
    assert refused["Retry-After"]


@override_settings(DELIBERATION_SUPPORT_PHONE_LIMIT=(1, 86400))
def test_supports_rate_limited_per_phone(city):
    client = Client()
    first, second = accepted(city.a), accepted(city.a)
    assert client.post(reverse("deliberation:public_support", args=[first.code]),
                       {"support-phone": "13600001111"}).status_code == 302
    refused = client.post(reverse("deliberation:public_support", args=[second.code]), {"support-phone": "13600001111"})
    assert refused.status_code == 429


def test_figures_and_tiles_equal_the_rows(city):
    user = cadre(city.a)
    proposed(city.a)
    accepted(city.a)
    done = decided(city.a, proposer_phone="13911110000")
    Topic.objects.filter(pk=done.pk).update(status=TopicStatus.DONE, done_at=done.decided_at)
    actions.topic_rate(code=done.code, phone_last4="0000", rating="satisfied")
    proposed(city.b)
    figures = selectors.figures(selectors.topics_for(user))
    assert figures["total"] == 3 and figures["accepted"] == 2 and figures["settled"] == 1
    assert figures["settled_share"] == 50 and figures["satisfaction"] == 100
    user = cadre(city.a)
    user.is_authenticated  # noqa: B018
    selectors.topics_for(user).exists()  # the user's scope read once, as on a page
    with CaptureQueriesContext(connection) as queries:
        tiles = selectors.area_tiles(user, city.a.area)
    assert len(queries) <= BUDGETS["services.deliberation.selectors.area_tiles"]
    assert [t["value"] for t in tiles] == ["2", "50%", "100%"]
    listed = Client()
    listed.force_login(user)
    response = listed.get(tiles[0]["url"])
    assert response.status_code == 200 and len(response.context["page_obj"]) == 2
