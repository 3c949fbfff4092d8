"""The lockout: an attempt is reserved atomically (database counters) before the password is
checked, per account and client address, with a higher account-wide ceiling.

* 30 concurrent wrong guesses check at most ``LOGIN_MAX_FAILURES`` passwords (PostgreSQL race,
  threads on their own connections; the same bound sequentially on SQLite);
* a stranger's failures from another address never lock the owner out at theirs (beyond the
  short account-wide cool-down once the high ceiling is reached);
* it works with the cache unavailable (nothing is kept in Redis).
"""
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from dangjian.testing.races import race, requires_postgres
from organizations.accounts.actions import login_succeeded, reserve_login
from organizations.accounts.models import LoginCounter
from organizations.tests.factories import UserFactory

PASSWORD = "right-pass-123"
OWNER_IP, STRANGER_IP = "10.0.0.1", "203.0.113.9"


def _client(ip):
    return Client(REMOTE_ADDR=ip)


def _login(client, password, username="cadre"):
    return client.post(reverse("login"), {"username": username, "password": password})


class CountingBackend(ModelBackend):
    """How many passwords were really checked."""
    checked = 0

    def authenticate(self, request, username=None, password=None, **kwargs):
        type(self).checked += 1
        return super().authenticate(request, username=username, password=password, **kwargs)


@pytest.fixture
def counting(settings):
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.CountingBackend"]
    CountingBackend.checked = 0
    return CountingBackend


# ------------------------------------------------------------------------- SQLite-visible
@pytest.mark.django_db
def test_reservations_stop_at_the_limit_per_account_and_address(settings):
    request = RequestFactory().post("/", REMOTE_ADDR=OWNER_IP)
    taken = [reserve_login("cadre", request).allowed for _ in range(30)]
    assert taken.count(True) == settings.LOGIN_MAX_FAILURES
    assert taken[: settings.LOGIN_MAX_FAILURES] == [True] * settings.LOGIN_MAX_FAILURES
    # another address has its own counter
    other = RequestFactory().post("/", REMOTE_ADDR=STRANGER_IP)
    assert reserve_login("cadre", other).allowed


@pytest.mark.django_db
def test_sequential_wrong_guesses_check_at_most_the_limit(settings, counting):
    UserFactory(username="cadre", password=PASSWORD)
    client = _client(STRANGER_IP)
    for _ in range(30):
        _login(client, "wrong-guess")
    assert counting.checked == settings.LOGIN_MAX_FAILURES


@pytest.mark.django_db
def test_a_strangers_failures_do_not_lock_the_owner_out_at_their_address(settings):
    UserFactory(username="cadre", password=PASSWORD)
    stranger = _client(STRANGER_IP)
    for _ in range(settings.LOGIN_MAX_FAILURES + 3):
        _login(stranger, "wrong-guess")
    locked = _login(stranger, PASSWORD)
    assert "锁定" in locked.content.decode()  # the stranger's address is locked, even with the password
    assert _login(_client(OWNER_IP), PASSWORD).status_code == 302  # the owner is not


@pytest.mark.django_db
def test_the_api_token_endpoint_uses_the_same_counters(settings):
    UserFactory(username="cadre", password=PASSWORD)
    stranger = APIClient(REMOTE_ADDR=STRANGER_IP)
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert stranger.post("/api/auth/token/", {"username": "cadre", "password": "x"}, format="json").status_code == 400
    refused = stranger.post("/api/auth/token/", {"username": "cadre", "password": PASSWORD}, format="json")
    assert refused.status_code == 429 and "锁定" in refused.json()["detail"]
    owner = APIClient(REMOTE_ADDR=OWNER_IP)
    assert owner.post("/api/auth/token/", {"username": "cadre", "password": PASSWORD}, format="json").status_code == 200


@pytest.mark.django_db
def test_the_account_wide_ceiling_has_a_short_cool_down(settings):
    settings.LOGIN_ACCOUNT_MAX_FAILURES = 8
    UserFactory(username="cadre", password=PASSWORD)
    for i in range(4):  # 4 addresses × 2 failures: under each address's limit, at the account's
        for _ in range(2):
            _login(_client(f"198.51.100.{i}"), "wrong-guess")
    response = _login(_client(OWNER_IP), PASSWORD)
    assert response.status_code == 200 and f"{settings.LOGIN_ACCOUNT_COOLDOWN_MINUTES} 分钟" in response.content.decode()
    LoginCounter.objects.filter(key="account:cadre").update(
        last_at=timezone.now() - timedelta(minutes=settings.LOGIN_ACCOUNT_COOLDOWN_MINUTES, seconds=1))
    assert _login(_client(OWNER_IP), PASSWORD).status_code == 302
    assert settings.LOGIN_ACCOUNT_MAX_FAILURES > settings.LOGIN_MAX_FAILURES
    assert settings.LOGIN_ACCOUNT_COOLDOWN_MINUTES < settings.LOGIN_LOCKOUT_MINUTES


@pytest.mark.django_db
def test_a_right_password_clears_the_pairs_counter_and_gives_the_attempt_back(settings):
    UserFactory(username="cadre", password=PASSWORD)
    client = _client(OWNER_IP)
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        _login(client, "wrong-guess")
    assert _login(client, PASSWORD).status_code == 302
    assert LoginCounter.objects.get(key=f"pair:cadre|{OWNER_IP}").attempts == 0
    assert LoginCounter.objects.get(key="account:cadre").attempts == settings.LOGIN_MAX_FAILURES - 1
    request = RequestFactory().post("/", REMOTE_ADDR=OWNER_IP)
    reservation = reserve_login("cadre", request)
    login_succeeded(reservation)
    assert LoginCounter.objects.get(key="account:cadre").attempts == settings.LOGIN_MAX_FAILURES - 1


@pytest.mark.django_db
def test_the_lockout_needs_no_cache(settings):
    UserFactory(username="cadre", password=PASSWORD)
    with mock.patch("django.core.cache.cache.get", side_effect=ConnectionError("redis down")), \
            mock.patch("django.core.cache.cache.incr", side_effect=ConnectionError("redis down")):
        client = _client(OWNER_IP)
        for _ in range(settings.LOGIN_MAX_FAILURES):
            assert _login(client, "wrong-guess").status_code == 200
        assert "锁定" in _login(client, PASSWORD).content.decode()


# ------------------------------------------------------------------------------ PostgreSQL
@requires_postgres("concurrent reservations are serialized by the counter row's lock")
@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_wrong_guesses_check_at_most_five(settings, counting):
    settings.LOGIN_MAX_FAILURES = 5
    UserFactory(username="cadre", password=PASSWORD)

    def guess(i):
        return _login(_client(STRANGER_IP), f"wrong-guess-{i}").status_code

    outcomes = race(guess, list(range(30)))
    assert outcomes.errors == []
    assert counting.checked <= 5
    assert LoginCounter.objects.get(key=f"pair:cadre|{STRANGER_IP}").attempts == 5
    # the owner, elsewhere, still gets in
    assert _login(_client(OWNER_IP), PASSWORD).status_code == 302
    assert get_user_model().objects.get(username="cadre").last_login is not None


@requires_postgres("concurrent reservations are serialized by the counter row's lock")
@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_reservations_take_exactly_the_limit(settings):
    request = RequestFactory().post("/", REMOTE_ADDR=STRANGER_IP)
    outcomes = race(lambda i: reserve_login("cadre", request).allowed, list(range(30)))
    assert outcomes.errors == []
    assert outcomes.values.count(True) == settings.LOGIN_MAX_FAILURES
