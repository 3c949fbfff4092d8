"""Redis down while residents submit (issue 12, finding 2): with the test's own Redis stopped,
the wish form, the wish API, the request form, the ratings and an Open311 POST each succeed and
their row is saved; the resident pages render (sessions, CSRF and messages need no cache); the
limiter counts per process meanwhile, and once Redis is back the limits are counted there again."""
import logging
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from dangjian import ratelimit
from dangjian.crypto import keyed_hash
from organizations.tests.factories import build_city
from services.open311.models import Open311Key
from services.requests.choices import RequestStatus
from services.requests.models import ServiceRequest
from services.requests.tests.test_support import category, resolved_by_member
from services.tests.factories import fulfilled, member_user, new_phone
from services.wishes.choices import WishStatus
from services.wishes.models import Wish

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
API_KEY = "cache-down-open311-key"


@pytest.fixture
def c():
    return build_city()


@pytest.fixture
def down(own_redis, settings):
    """The cache on the test's own Redis, stopped."""
    own_redis.use(settings)
    own_redis.stop()
    return own_redis


def _wish_form(c, **extra):
    return {"community": c.a.area.pk, "building": c.a.building.pk, "address": "", "kind": "material",
            "text": "想要一台收音机", "name": "赵美华", "phone": PHONE, **extra}


def _request_form(c, **extra):
    return {"community": c.a.area.pk, "building": c.a.building.pk, "address": "", "category": category("utilities").pk,
            "text": "家里停水两天了", "name": "赵美华", "phone": PHONE, **extra}


def _csrf_post(client, url, data):
    """Post as a browser does: the form page first (its CSRF cookie and token), then the form."""
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {**data, "csrfmiddlewaretoken": page.context["csrf_token"]})


def test_the_cache_really_is_down(down):
    with pytest.raises(Exception):  # noqa: B017 (whatever the client raises: the store is gone)
        cache.get("anything")


def test_wish_form_saves_with_the_cache_down_and_the_status_page_greets_it(down, c, caplog):
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="dangjian.ratelimit"):
        response = _csrf_post(client, reverse("services:wish_submit"), _wish_form(c))
    wish = Wish.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("services:wish_status", args=[wish.code])
    assert wish.status == WishStatus.SUBMITTED and wish.requester_phone == PHONE
    page = client.get(response["Location"])
    assert page.status_code == 200 and "请记下您的查询码" in page.content.decode()  # the session worked
    warnings = [r.getMessage() for r in caplog.records if r.name == "dangjian.ratelimit"]
    assert warnings and all(PHONE not in w and keyed_hash(PHONE) not in w and "127.0.0.1" not in w for w in warnings)


def test_wish_api_saves_with_the_cache_down(down, c):
    response = APIClient().post("/api/public/wishes/", _wish_form(c), format="json")
    assert response.status_code == 201
    assert Wish.objects.get().code == response.json()["code"]


def test_request_form_saves_with_the_cache_down(down, c):
    client = Client(enforce_csrf_checks=True)
    response = _csrf_post(client, reverse("requests:submit"), _request_form(c))
    req = ServiceRequest.objects.get()
    assert response.status_code == 302 and req.status == RequestStatus.SUBMITTED
    assert client.get(response["Location"]).status_code == 200


def test_ratings_save_with_the_cache_down(own_redis, settings, c):
    member = member_user(c.a.members[0])
    wish = fulfilled(c.a, member, phone=PHONE)
    req = resolved_by_member(c.a, member, phone=PHONE)
    own_redis.use(settings)
    own_redis.stop()
    client = Client(enforce_csrf_checks=True)
    wrong = _csrf_post(client, reverse("services:wish_rate", args=[wish.code]), {"rating": "satisfied", "phone_last4": "0000"})
    assert wrong.status_code == 400  # a wrong guess is still told apart (and counted per process)
    done = _csrf_post(client, reverse("services:wish_rate", args=[wish.code]),
                      {"rating": "satisfied", "phone_last4": PHONE[-4:]})
    assert done.status_code == 302
    assert "感谢您的评价" in client.get(done["Location"]).content.decode()  # the flash message, too
    done = _csrf_post(client, reverse("requests:public_rate", args=[req.code]),
                      {"rating": "basic", "phone_last4": PHONE[-4:]})
    assert done.status_code == 302
    wish.refresh_from_db()
    req.refresh_from_db()
    assert wish.status == WishStatus.RATED and req.status == RequestStatus.RATED
    api = APIClient().post(f"/api/public/wishes/{wish.code}/rate/", {"rating": "basic", "phone_last4": PHONE[-4:]},
                           format="json")
    assert api.status_code == 409  # already rated: an answer, not a 500


def test_open311_post_saves_with_the_cache_down(down, c):
    Open311Key.objects.create(name="热线", key_hash=keyed_hash(API_KEY))
    response = Client().post(f"/open311/v2/requests.json?api_key={API_KEY}", {
        "service_code": "req-general", "description": "路灯不亮", "attribute[community]": c.a.area.code})
    assert response.status_code == 200
    assert response.json()[0]["service_request_id"] == f"R-{ServiceRequest.objects.get().code}"


@pytest.mark.parametrize("name", ["services:wish_submit", "requests:submit", "services:wish_track", "requests:track"])
def test_resident_pages_render_with_the_cache_down(down, c, client, name):
    assert client.get(reverse(name)).status_code == 200


def test_limits_hold_per_process_while_down_and_in_the_cache_once_back(own_redis, settings, c):
    own_redis.use(settings)
    settings.WISH_SUBMIT_IP_LIMIT = (1, 3600)
    own_redis.stop()
    api = APIClient()
    assert api.post("/api/public/wishes/", _wish_form(c, phone=new_phone()), format="json").status_code == 201
    assert api.post("/api/public/wishes/", _wish_form(c, phone=new_phone()), format="json").status_code == 429
    own_redis.start()  # back, empty, as a restarted Redis is
    ratelimit.reset_local()  # (another worker process would not have this process's counts)
    assert api.post("/api/public/wishes/", _wish_form(c, phone=new_phone()), format="json").status_code == 201
    bucket = ratelimit._bucket_key("WISH_SUBMIT_IP_LIMIT:127.0.0.1", 3600, time.time())
    assert cache.get(bucket) == 1  # counted in Redis again
    assert api.post("/api/public/wishes/", _wish_form(c, phone=new_phone()), format="json").status_code == 429
    assert Wish.objects.count() == 2
