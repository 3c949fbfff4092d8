"""The password pages in the portal's style (issue 14): change (old → new, under the policy,
errors in Chinese on their fields, audited), reset by e-mail (the link in the outbox, the new
password set through it, the request rate-limited per address), linked from the user menu
and the login page; the admin's own pages are not the user-facing route."""
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from dangjian import ratelimit
from dangjian.models import AuditEvent
from dangjian.testing import logged_in
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, user_with

pytestmark = pytest.mark.django_db

OLD = "Old-pass-2025"
NEW = "Hui-yi-2026x"


@pytest.fixture(autouse=True)
def _fresh_limits():
    from django.core.cache import cache

    cache.clear()
    ratelimit.reset_local()


@pytest.fixture
def cadre(city):
    user = user_with(Role.COMMUNITY, city.a.area, username="pw-cadre")
    user.email = "cadre@example.org"
    user.set_password(OLD)
    user.save()
    return user


def portal_page(response):
    body = response.content.decode()
    assert 'class="navbar navbar-expand-lg navbar-dark bg-party' in body  # the portal's layout
    assert "Django" not in body and 'id="container"' not in body  # not the admin's page
    return body


# ----------------------------------------------------------------------------- change
def test_the_user_menu_links_the_portal_styled_change_page(cadre):
    client = logged_in(cadre)
    assert f'href="{reverse("password_change")}"' in client.get(reverse("home")).content.decode()
    body = portal_page(client.get(reverse("password_change")))
    assert "修改密码" in body and "原密码" in body and "新密码" in body
    # the policy's help under the new password (dangjian.passwords and Django's validators)
    assert "密码至少要包含 2 类字符" in body and "密码至少需要 10 个字符。" in body
    assert 'name="old_password"' in body and 'class="form-control"' in body


def test_change_old_to_new_end_to_end(cadre):
    client = logged_in(cadre)
    response = client.post(reverse("password_change"), {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    body = portal_page(client.get(response["Location"]))
    assert "密码已修改" in body
    cadre.refresh_from_db()
    assert cadre.check_password(NEW)
    assert AuditEvent.objects.filter(verb="password_changed", target_id=str(cadre.pk), actor=cadre).count() == 1
    # still signed in (the session hash was updated), and the new password signs in
    assert client.get(reverse("home")).status_code == 200
    assert Client().post(reverse("login"), {"username": cadre.username, "password": NEW}).status_code == 302


@pytest.mark.parametrize(("new", "message"), [
    ("12345678", "密码太短，至少需要 10 个字符。"),
    ("aaaaaaaaaaaa", "密码不能由同一个字符重复组成。"),
    ("onlylowercaseletters", "密码至少要包含 2 类字符"),
])
def test_policy_errors_are_in_chinese_on_the_new_password(cadre, new, message):
    client = logged_in(cadre)
    response = client.post(reverse("password_change"), {"old_password": OLD, "new_password1": new, "new_password2": new})
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert message in " ".join(errors), errors
    assert all(re.search("[\u4e00-\u9fff]", e) for e in errors), errors  # every message in Chinese
    body = portal_page(response)
    assert message in body and "is-invalid" in body
    cadre.refresh_from_db()
    assert cadre.check_password(OLD)
    assert not AuditEvent.objects.filter(verb="password_changed").exists()


def test_a_wrong_old_password_and_a_mismatch_are_field_errors_in_chinese(cadre):
    client = logged_in(cadre)
    response = client.post(reverse("password_change"), {"old_password": "nope", "new_password1": NEW, "new_password2": NEW})
    assert response.context["form"].errors["old_password"] == ["原密码不正确，请重新输入。"]
    response = client.post(reverse("password_change"), {"old_password": OLD, "new_password1": NEW, "new_password2": NEW + "y"})
    assert response.context["form"].errors["new_password2"] == ["两次输入的新密码不一致。"]


def test_the_change_page_needs_a_sign_in():
    response = Client().get(reverse("password_change"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# ------------------------------------------------------------------------------ reset
def reset_link(message) -> str:
    return re.search(r"http://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)", message.body).group(1)


def test_the_login_page_links_forgot_password():
    body = Client().get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in body and "忘记密码" in body


def test_reset_by_email_end_to_end(cadre):
    client = Client()
    body = portal_page(client.get(reverse("password_reset")))
    assert "忘记密码" in body and 'name="email"' in body
    response = client.post(reverse("password_reset"), {"email": "cadre@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert "请查收邮件" in portal_page(client.get(response["Location"]))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cadre@example.org"] and "重置密码" in message.subject
    assert "pw-cadre" in message.body
    link = reset_link(message)
    page = client.get(link, follow=True)  # Django moves the token into the session, then shows the form
    body = portal_page(page)
    assert "设置新密码" in body and "密码至少要包含 2 类字符" in body
    form_url = page.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "abc", "new_password2": "abc"})
    assert response.status_code == 200 and "密码太短" in " ".join(response.context["form"].errors["new_password2"])
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    assert "密码已重置" in portal_page(client.get(response["Location"]))
    cadre.refresh_from_db()
    assert cadre.check_password(NEW)
    assert AuditEvent.objects.filter(verb="password_reset", target_id=str(cadre.pk)).count() == 1
    # the link was used: it is refused now, with a way to ask again
    body = portal_page(client.get(link, follow=True))
    assert "重置链接无效" in body and f'href="{reverse("password_reset")}"' in body


def test_an_unknown_address_answers_the_same_and_sends_nothing(cadre):
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_reset_requests_are_rate_limited_per_address(cadre, settings):
    settings.PASSWORD_RESET_IP_LIMIT = (2, 3600)
    here, there = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(2):
        assert here.post(reverse("password_reset"), {"email": "cadre@example.org"}).status_code == 302
    response = here.post(reverse("password_reset"), {"email": "cadre@example.org"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "操作过于频繁" in " ".join(response.context["form"].non_field_errors())
    body = portal_page(response)
    assert 'value="cadre@example.org"' in body  # what was typed is kept
    assert len(mail.outbox) == 2
    assert there.post(reverse("password_reset"), {"email": "cadre@example.org"}).status_code == 302  # another address


def test_the_admin_password_pages_are_not_the_user_facing_route():
    """The user menu and the login page lead to /accounts/password/…, never to the admin's."""
    assert reverse("password_change").startswith("/accounts/")
    assert reverse("password_reset").startswith("/accounts/")
    user = UserFactory(username="plain", password=OLD)
    body = logged_in(user).get(reverse("password_change")).content.decode()
    assert "/admin/" not in body
