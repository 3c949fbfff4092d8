"""API tokens: they expire, are stored hashed and shown once, are listed and revoked by their
owner (page and API) and by an administrator (admin), and die on a password change, a
deactivation and a logout (all of the user's tokens).  A dead token is 401 with a Chinese
``detail``."""
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dangjian.models import AuditEvent
from dangjian.testing import logged_in
from organizations.accounts.actions import hash_key, token_create
from organizations.accounts.models import ApiToken
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, user_with

pytestmark = pytest.mark.django_db
PASSWORD = "right-pass-123"


@pytest.fixture
def cadre(city):
    user = user_with(Role.COMMUNITY, city.a.area, username="token-cadre")
    user.set_password(PASSWORD)
    user.save()
    return user


def obtain(username="token-cadre", password=PASSWORD, **extra):
    response = APIClient().post("/api/auth/token/", {"username": username, "password": password, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def with_token(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def assert_refused(key, words):
    response = with_token(key).get("/api/areas/")
    assert response.status_code == 401, response.content
    assert response["Content-Type"].startswith("application/json")
    assert words in response.json()["detail"]


# ---------------------------------------------------------------------------- making them
def test_a_token_is_stored_hashed_with_an_expiry_and_works(cadre, settings):
    data = obtain(name="同步脚本")
    key = data["token"]
    token = ApiToken.objects.get(pk=data["id"])
    assert token.key_hash == hash_key(key) and key not in token.key_hash and token.name == "同步脚本"
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert abs(token.expires_at - (timezone.now() + timedelta(days=settings.API_TOKEN_DAYS))) < timedelta(minutes=1)
    response = with_token(key).get("/api/areas/")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_expired_token_is_401_in_chinese(cadre):
    key = obtain()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_refused(key, "过期")


def test_an_unknown_token_is_401_in_chinese(cadre):
    assert_refused("not-a-token", "令牌无效")


# ---------------------------------------------------------------------------- killing them
def test_old_tokens_are_refused_after_a_password_change(cadre):
    first, second = obtain()["token"], obtain()["token"]
    cadre.set_password("Another-pass-2026")
    cadre.save()
    assert_refused(first, "令牌已撤销")
    assert_refused(second, "令牌已撤销")
    assert set(ApiToken.objects.values_list("revoked_reason", flat=True)) == {"password"}


def test_old_tokens_are_refused_after_the_password_change_page(client, cadre):
    key = obtain()["token"]
    logged_in(cadre, client).post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Another-pass-2026", "new_password2": "Another-pass-2026"})
    assert_refused(key, "令牌已撤销")


def test_a_token_bound_to_an_old_password_is_refused_even_without_the_signal(cadre):
    key = obtain()["token"]
    get_user_model().objects.filter(pk=cadre.pk).update(password="md5$x$changed-behind-our-back")
    assert_refused(key, "密码已更改")


def test_tokens_die_on_deactivation(cadre):
    key = obtain()["token"]
    cadre.is_active = False
    cadre.save()
    assert_refused(key, "令牌已撤销")
    cadre.is_active = True
    cadre.save()
    assert_refused(key, "令牌已撤销")  # reactivating does not bring them back


def test_tokens_die_on_logout(client, cadre):
    key = obtain()["token"]
    logged_in(cadre, client).post(reverse("logout"))
    assert_refused(key, "令牌已撤销")


# ------------------------------------------------------------------------ the owner's page
def test_the_owner_makes_sees_once_and_revokes_tokens_on_the_page(client, cadre):
    logged_in(cadre, client)
    assert reverse("token_list") in client.get(reverse("home")).content.decode()  # in the user menu
    response = client.post(reverse("token_list"), {"name": "报表脚本"})
    assert response.status_code == 200
    key = response.context["created_key"]
    assert key in response.content.decode()
    assert with_token(key).get("/api/areas/").status_code == 200
    page = client.get(reverse("token_list")).content.decode()
    assert "报表脚本" in page and key not in page  # shown once
    token = ApiToken.objects.get(name="报表脚本")
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 302
    assert_refused(key, "本人撤销")


def test_nobody_revokes_another_users_token(client, cadre):
    token, key = token_create(user=cadre, name="x")
    other = UserFactory(username="someone-else")
    assert logged_in(other, client).post(reverse("token_revoke", args=[token.pk])).status_code == 404
    assert with_token(key).get("/api/areas/").status_code == 200
    api = APIClient()
    api.force_authenticate(other)
    assert api.delete(f"/api/auth/tokens/{token.pk}/").status_code == 404
    assert api.get("/api/auth/tokens/").json()["results"] == []


def test_the_owner_lists_and_revokes_tokens_through_the_api(cadre):
    key = obtain(name="a")["token"]
    other_key = obtain(name="b")["token"]
    client = with_token(key)
    rows = client.get("/api/auth/tokens/").json()["results"]
    assert {row["name"] for row in rows} == {"a", "b"}
    assert all("token" not in row and "key_hash" not in row for row in rows)
    b = next(row for row in rows if row["name"] == "b")
    assert client.delete(f"/api/auth/tokens/{b['id']}/").status_code == 204
    assert_refused(other_key, "令牌已撤销")
    assert client.get("/api/areas/").status_code == 200


# ---------------------------------------------------------------------------- the admin
def test_an_administrator_lists_and_revokes_tokens_in_the_admin(client, cadre):
    token, key = token_create(user=cadre, name="x")
    root = UserFactory(username="root")
    root.is_staff = root.is_superuser = True
    root.save()
    logged_in(root, client)
    url = reverse("admin:organizations_apitoken_changelist")
    page = client.get(url).content.decode()
    assert token.prefix in page and key not in page
    response = client.post(url, {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    assert_refused(key, "管理员撤销")
    assert AuditEvent.objects.filter(verb="admin.apitoken.revoke", target_id=str(token.pk)).exists()


# ---------------------------------------------------------------- second-factor accounts
def test_accounts_that_need_a_second_factor_get_no_token_from_the_password_alone(city):
    user = user_with(Role.DISTRICT, city.district, username="district-x")
    user.set_password(PASSWORD)
    user.save()
    response = APIClient().post("/api/auth/token/", {"username": "district-x", "password": PASSWORD}, format="json")
    assert response.status_code == 403 and "两步验证" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=user).exists()


# ---------------------------------------------------------------------------- migration
def test_the_migration_moves_old_tokens_hashed_and_drops_second_factor_accounts(cadre, city):
    boss = user_with(Role.DISTRICT, city.district, username="boss")
    old = Token.objects.create(user=cadre)
    Token.objects.create(user=boss)
    migration = import_module("organizations.migrations.0008_move_authtoken_tokens")
    migration.forwards(global_apps, None)
    assert not Token.objects.exists()
    moved = ApiToken.objects.get()
    assert moved.user == cadre and moved.key_hash == hash_key(old.key) and moved.expires_at > timezone.now()
    assert with_token(old.key).get("/api/areas/").status_code == 200
