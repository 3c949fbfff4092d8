"""What the residents' rate limits count (issue 12, finding 10): successful submissions per
client address and per phone (a form refused for a typo costs nothing), wrong rating digits
per tracking code (others' guesses never block a right rating, guessing one code is capped),
Open311 posts per api_key (a generous ceiling per address); a refused form keeps what was typed."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dangjian.crypto import keyed_hash
from organizations.tests.factories import build_city
from services.open311.models import Open311Key
from services.requests.models import ServiceRequest
from services.requests.tests.test_support import category, resolved_by_member
from services.tests.factories import fulfilled, member_user, new_phone
from services.wishes.choices import WishStatus
from services.wishes.models import Wish

pytestmark = pytest.mark.django_db

TEXT = "想要一台收音机，给楼里的独居老人听戏"


@pytest.fixture
def c():
    return build_city()


def _wish_form(c, **extra):
    return {"community": c.a.area.pk, "building": c.a.building.pk, "address": "", "kind": "material",
            "text": TEXT, "name": "赵美华", "phone": new_phone(), **extra}


def _request_form(c, **extra):
    return {"community": c.a.area.pk, "building": c.a.building.pk, "address": "", "category": category("utilities").pk,
            "text": "家里停水两天了，老人做不了饭", "name": "赵美华", "phone": new_phone(), **extra}


# --------------------------------------------------------------------------- submissions
def test_five_typos_then_the_wish_is_accepted(client, c, settings):
    settings.WISH_SUBMIT_IP_LIMIT = (2, 3600)
    for _ in range(5):
        assert client.post(reverse("services:wish_submit"), _wish_form(c, phone="1391234")).status_code == 400
    assert client.post(reverse("services:wish_submit"), _wish_form(c)).status_code == 302
    assert Wish.objects.count() == 1


def test_five_typos_then_the_request_is_accepted(client, c, settings):
    settings.REQUEST_SUBMIT_IP_LIMIT = (2, 3600)
    settings.REQUEST_SUBMIT_PHONE_LIMIT = (1, 86400)
    phone = new_phone()
    for _ in range(5):
        assert client.post(reverse("requests:submit"), _request_form(c, phone=phone, text="")).status_code == 400
    assert client.post(reverse("requests:submit"), _request_form(c, phone=phone)).status_code == 302
    assert ServiceRequest.objects.count() == 1


def test_api_typos_are_not_counted_but_submissions_are(c, settings):
    settings.WISH_SUBMIT_IP_LIMIT = (2, 3600)
    api = APIClient()
    for _ in range(4):
        assert api.post("/api/public/wishes/", _wish_form(c, phone="1"), format="json").status_code == 400
    for _ in range(2):
        assert api.post("/api/public/wishes/", _wish_form(c), format="json").status_code == 201
    response = api.post("/api/public/wishes/", _wish_form(c), format="json")
    assert response.status_code == 429 and response["Retry-After"] and "频繁" in response.json()["detail"]
    assert Wish.objects.count() == 2


def test_successful_submissions_are_counted_per_address(client, c, settings):
    settings.WISH_SUBMIT_IP_LIMIT = (2, 3600)
    for _ in range(2):
        assert client.post(reverse("services:wish_submit"), _wish_form(c)).status_code == 302
    assert client.post(reverse("services:wish_submit"), _wish_form(c)).status_code == 429
    assert client.post(reverse("services:wish_submit"), _wish_form(c), REMOTE_ADDR="10.0.0.7").status_code == 302


def test_a_form_over_the_limit_keeps_what_was_typed(client, c, settings):
    settings.WISH_SUBMIT_IP_LIMIT = (1, 3600)
    assert client.post(reverse("services:wish_submit"), _wish_form(c)).status_code == 302
    form = _wish_form(c, address="幸福路8号")
    response = client.post(reverse("services:wish_submit"), form)
    page = response.content.decode()
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "操作过于频繁" in page and "已保留" in page and 'data-testid="wish-form"' in page
    assert TEXT in page and "幸福路8号" in page and form["phone"] in page and "赵美华" in page
    assert Wish.objects.count() == 1


def test_a_request_form_over_the_phone_limit_keeps_what_was_typed(client, c, settings):
    settings.REQUEST_SUBMIT_PHONE_LIMIT = (1, 86400)
    phone = new_phone()
    assert client.post(reverse("requests:submit"), _request_form(c, phone=phone)).status_code == 302
    response = client.post(reverse("requests:submit"), _request_form(c, phone=phone), REMOTE_ADDR="10.0.0.8")
    page = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"]
    assert "操作过于频繁" in page and "家里停水两天了，老人做不了饭" in page


# ------------------------------------------------------------------------------- ratings
def test_wrong_guesses_on_other_codes_do_not_block_a_right_rating(client, c):
    member = member_user(c.a.members[0])
    others = [fulfilled(c.a, member) for _ in range(3)]
    mine = fulfilled(c.a, member, phone="13955556666")
    for wish in others:  # 12 wrong guesses from the same address (behind one proxy: everyone's)
        for _ in range(4):
            url = reverse("services:wish_rate", args=[wish.code])
            assert client.post(url, {"rating": "satisfied", "phone_last4": "0000"}).status_code == 400
    response = client.post(reverse("services:wish_rate", args=[mine.code]), {"rating": "satisfied", "phone_last4": "6666"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == WishStatus.RATED


def test_guessing_one_code_is_capped_from_any_address(client, c, settings):
    settings.WISH_RATE_CODE_LIMIT = (3, 3600)
    wish = fulfilled(c.a, member_user(c.a.members[0]), phone="13955556666")
    url = reverse("services:wish_rate", args=[wish.code])
    for i in range(3):
        assert client.post(url, {"rating": "satisfied", "phone_last4": f"000{i}"},
                           REMOTE_ADDR=f"10.0.1.{i}").status_code == 400
    refused = client.post(url, {"rating": "satisfied", "phone_last4": "6666", "comment": "感谢党员同志"},
                          REMOTE_ADDR="10.0.1.99")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "感谢党员同志" in refused.content.decode()  # the comment typed is kept
    api = APIClient(REMOTE_ADDR="10.0.1.100").post(f"/api/public/wishes/{wish.code}/rate/",
                                                   {"rating": "basic", "phone_last4": "6666"}, format="json")
    assert api.status_code == 429
    wish.refresh_from_db()
    assert wish.status == WishStatus.FULFILLED


def test_a_rating_without_a_choice_is_not_a_guess(client, c, settings):
    settings.WISH_RATE_CODE_LIMIT = (1, 3600)
    wish = fulfilled(c.a, member_user(c.a.members[0]), phone="13955556666")
    url = reverse("services:wish_rate", args=[wish.code])
    for _ in range(3):
        assert client.post(url, {"rating": "", "phone_last4": "6666"}).status_code == 400
    assert client.post(url, {"rating": "basic", "phone_last4": "6666"}).status_code == 302


def test_request_ratings_count_wrong_digits_per_code(client, c, settings):
    settings.REQUEST_RATE_CODE_LIMIT = (2, 3600)
    member = member_user(c.a.members[0])
    guessed = resolved_by_member(c.a, member, phone="13955556666")
    mine = resolved_by_member(c.a, member, phone="13977778888")
    url = reverse("requests:public_rate", args=[guessed.code])
    for _ in range(2):
        assert client.post(url, {"rating": "satisfied", "phone_last4": "0000"}).status_code == 400
    assert client.post(url, {"rating": "satisfied", "phone_last4": "6666"}).status_code == 429
    ok = client.post(reverse("requests:public_rate", args=[mine.code]), {"rating": "satisfied", "phone_last4": "8888"})
    assert ok.status_code == 302


def test_api_rating_counts_wrong_digits_per_code(c, settings):
    settings.WISH_RATE_CODE_LIMIT = (2, 3600)
    wish = fulfilled(c.a, member_user(c.a.members[0]), phone="13955556666")
    url = f"/api/public/wishes/{wish.code}/rate/"
    for i in range(2):
        api = APIClient(REMOTE_ADDR=f"10.0.2.{i}")
        assert api.post(url, {"rating": "basic", "phone_last4": "0000"}, format="json").status_code == 400
    response = APIClient(REMOTE_ADDR="10.0.2.9").post(url, {"rating": "basic", "phone_last4": "6666"}, format="json")
    assert response.status_code == 429 and response["Retry-After"]


# ------------------------------------------------------------------------------- Open311
def _open311(client, key, c, ip="127.0.0.1", **extra):
    return client.post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "req-general", "description": "路灯不亮", "attribute[community]": c.a.area.code,
        **extra}, REMOTE_ADDR=ip)


def test_open311_posts_are_limited_per_key(client, c, settings):
    settings.OPEN311_POST_KEY_LIMIT = (2, 3600)
    Open311Key.objects.create(name="热线甲", key_hash=keyed_hash("key-one"))
    Open311Key.objects.create(name="热线乙", key_hash=keyed_hash("key-two"))
    assert _open311(client, "key-one", c, description="").status_code == 400  # refused: not counted
    for i in range(2):
        assert _open311(client, "key-one", c, ip=f"10.0.3.{i}").status_code == 200
    response = _open311(client, "key-one", c, ip="10.0.3.9")
    assert response.status_code == 429 and response.json()[0]["code"] == 429 and response["Retry-After"]
    assert _open311(client, "key-two", c, ip="10.0.3.9").status_code == 200  # another integrator is not held up
    assert ServiceRequest.objects.count() == 3


def test_a_keyed_open311_client_is_not_held_to_a_residents_address_limit(client, c):
    Open311Key.objects.create(name="12345 热线", key_hash=keyed_hash("hotline"))
    for _ in range(25):  # one hotline server posting for many residents
        assert _open311(client, "hotline", c).status_code == 200
    assert ServiceRequest.objects.count() == 25


def test_open311_attempts_have_a_ceiling_per_address(client, c, settings):
    settings.OPEN311_POST_IP_LIMIT = (3, 3600)
    for _ in range(3):
        assert _open311(client, "guessed-key", c).status_code == 403
    assert _open311(client, "guessed-key", c).status_code == 429
