"""账号管理 end to end with the test client: a district creates a community cadre, who signs
in with the one-time password, is held on the password change page until it sets its own,
then works in its community; revoking, deactivating and resetting end its sessions and
tokens; a district account made here must pass the second factor."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from dangjian.testing import logged_in
from organizations.accounts.actions import token_create
from organizations.accounts.models import AccountState, ApiToken
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.staff import actions
from organizations.tests.factories import UserFactory

NEW_PASSWORD = "Mine-own-pass-77"


def _sign_in(username, password) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def _one_time_password(response) -> str:
    found = re.search(r'data-testid="one-time-password">([^<]+)<', response.content.decode())
    assert found, "the one-time password is not on the page"
    return found.group(1).strip()


def test_district_creates_a_community_cadre_who_must_change_the_password(world, client):
    logged_in(world.district, client)
    form = client.get(reverse("organizations:account_create"))
    assert form.status_code == 200
    response = client.post(reverse("organizations:account_create"), {
        "username": "wang.jia", "display_name": "王甲", "role": Role.COMMUNITY, "area": world.c.a.area.pk,
        "mode": "generate",
    })
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = _one_time_password(response)
    account = get_user_model().objects.get(username="wang.jia")
    assert account.first_name == "王甲" and account.check_password(password)
    assert Grant.objects.get(user=account).area == world.c.a.area
    state = AccountState.objects.get(user=account)
    assert state.must_change_password and state.created_by == world.district
    # shown once: the account's page never shows it again
    detail = client.get(reverse("organizations:account_detail", args=[account.pk])).content.decode()
    assert password not in detail and "一次性密码，待本人修改" in detail

    cadre = _sign_in("wang.jia", password)
    community = reverse("organizations:area_detail", args=[world.c.a.area.pk])
    held = cadre.get(community)
    assert held.status_code == 302 and held["Location"] == reverse("password_change")
    assert cadre.get("/api/areas/").status_code == 403
    assert cadre.get(reverse("password_change")).status_code == 200
    changed = cadre.post(reverse("password_change"), {
        "old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert changed.status_code == 302
    assert not AccountState.objects.get(user=account).must_change_password
    page = cadre.get(community)
    assert page.status_code == 200 and world.c.a.area.name in page.content.decode()
    assert cadre.get(reverse("organizations:area_detail", args=[world.c.b.area.pk])).status_code == 404
    # the next sign-in is not held any more
    assert _sign_in("wang.jia", NEW_PASSWORD).get(community).status_code == 200


def test_a_password_set_by_the_manager_must_pass_the_policy_and_still_be_changed(world, client):
    logged_in(world.street, client)
    weak = client.post(reverse("organizations:account_create"), {
        "username": "li.yi", "display_name": "李一", "role": Role.GRID, "area": world.c.a.compound.pk,
        "mode": "set", "password1": "1234567890", "password2": "1234567890",
    })
    assert weak.status_code == 400 and not get_user_model().objects.filter(username="li.yi").exists()
    assert "密码" in weak.content.decode()
    chosen = "Grid-worker-2024"
    made = client.post(reverse("organizations:account_create"), {
        "username": "li.yi", "display_name": "李一", "role": Role.GRID, "area": world.c.a.compound.pk,
        "mode": "set", "password1": chosen, "password2": chosen,
    })
    assert made.status_code == 200 and _one_time_password(made) == chosen
    grid = _sign_in("li.yi", chosen)
    assert grid.get(reverse("home"))["Location"] == reverse("password_change")


def test_revoking_a_grant_ends_the_sessions_and_tokens(world, client):
    account, password = actions.account_create(actor=world.street, username="zhao", display_name="赵",
                                               role=Role.COMMUNITY, node=world.c.a.area)
    cadre = _sign_in("zhao", password)
    cadre.post(reverse("password_change"), {"old_password": password, "new_password1": NEW_PASSWORD,
                                            "new_password2": NEW_PASSWORD})
    community = reverse("organizations:area_detail", args=[world.c.a.area.pk])
    assert cadre.get(community).status_code == 200
    account.refresh_from_db()
    token, _key = token_create(user=account, name="sync")
    logged_in(world.street, client)
    revoked = client.post(reverse("organizations:grant_revoke", args=[Grant.objects.get(user=account).pk]))
    assert revoked.status_code == 302
    after = cadre.get(community)
    assert after.status_code == 302 and after["Location"].startswith(reverse("login"))
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_reason == "admin"
    grant = Grant.objects.get(user=account)
    assert not grant.is_active and grant.revoked_at is not None
    # still listed (its revoked grant lies in the street): it can be granted again
    assert client.get(reverse("organizations:account_detail", args=[account.pk])).status_code == 200


def test_deactivating_ends_the_sessions_and_refuses_sign_in(world, client):
    account, password = actions.account_create(actor=world.street, username="qian", display_name="钱",
                                               role=Role.MEMBER, node=world.c.a.building)
    session = _sign_in("qian", password)
    logged_in(world.street, client)
    assert client.post(reverse("organizations:account_deactivate", args=[account.pk])).status_code == 302
    assert session.get(reverse("password_change")).status_code == 302  # signed out
    stranger = Client()
    refused = stranger.post(reverse("login"), {"username": "qian", "password": password})
    assert refused.status_code == 200 and "_auth_user_id" not in stranger.session
    assert client.post(reverse("organizations:account_reactivate", args=[account.pk])).status_code == 302
    account.refresh_from_db()
    assert account.is_active


def test_reset_password_shows_a_new_one_once_and_old_sessions_end(world, client):
    account, first = actions.account_create(actor=world.street, username="sun", display_name="孙",
                                            role=Role.GRID, node=world.c.a.compound)
    session = _sign_in("sun", first)
    session.post(reverse("password_change"), {"old_password": first, "new_password1": NEW_PASSWORD,
                                              "new_password2": NEW_PASSWORD})
    account.refresh_from_db()
    token, _key = token_create(user=account, name="app")
    logged_in(world.street, client)
    response = client.post(reverse("organizations:account_password_reset", args=[account.pk]), {"reset-mode": "generate"})
    assert response.status_code == 200
    second = _one_time_password(response)
    account.refresh_from_db()
    assert account.check_password(second) and not account.check_password(NEW_PASSWORD)
    assert session.get(reverse("home")).status_code == 302 and "login" in session.get(reverse("home"))["Location"]
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert _sign_in("sun", second).get(reverse("home"))["Location"] == reverse("password_change")


def test_a_district_account_made_here_must_pass_the_second_factor(world):
    admin = UserFactory(username="portal-admin")
    admin.is_superuser = True
    admin.save()
    _account, password = actions.account_create(actor=admin, username="zuzhibu", display_name="组织部",
                                                role=Role.DISTRICT, node=world.c.city)
    client = _sign_in("zuzhibu", password)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("otp_setup") in response["Location"]


def test_a_new_district_grant_ends_the_sessions_so_the_second_factor_is_asked(world):
    admin = UserFactory(username="portal-admin2")
    admin.is_superuser = True
    admin.save()
    account, password = actions.account_create(actor=admin, username="promoted", display_name="提拔",
                                               role=Role.STREET, node=world.c.street)
    client = _sign_in("promoted", password)
    client.post(reverse("password_change"), {"old_password": password, "new_password1": NEW_PASSWORD,
                                             "new_password2": NEW_PASSWORD})
    assert client.get(reverse("home")).status_code == 200
    actions.grant_add(actor=admin, account=account, role=Role.DISTRICT, node=world.c.district)
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    again = _sign_in("promoted", NEW_PASSWORD).get(reverse("home"))
    assert reverse("otp_setup") in again["Location"]


@pytest.mark.parametrize("field", ["q", "role", "active"])
def test_list_filters(world, client, field):
    active, _ = actions.account_create(actor=world.street, username="ying.hua", display_name="樱花",
                                       role=Role.GRID, node=world.c.a.compound)
    stopped, _ = actions.account_create(actor=world.street, username="mei.li", display_name="美丽",
                                        role=Role.MEMBER, node=world.c.a.building)
    actions.account_set_active(actor=world.street, account=stopped, active=False)
    value, wanted = {"q": ("樱", active), "role": (Role.MEMBER, stopped), "active": ("no", stopped)}[field]
    logged_in(world.street, client)
    rows = client.get(reverse("organizations:account_list"), {field: value}).context["page_obj"]
    assert [a.pk for a in rows] == [wanted.pk]
