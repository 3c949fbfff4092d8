"""Login lockout after repeated failures, and the idle session timeout."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from organizations.accounts.models import LoginAttempt, LoginCounter
from organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "right-pass-123"


@pytest.fixture
def user(db):
    return UserFactory(username="cadre", password=PASSWORD)


def attempt(client, password):
    return client.post(reverse("login"), {"username": "cadre", "password": password})


def test_right_password_logs_in(client, user):
    response = attempt(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert LoginAttempt.objects.filter(username="cadre", succeeded=True).count() == 1


def test_wrong_password_is_refused_in_chinese(client, user):
    response = attempt(client, "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


@pytest.mark.parametrize("limit", [settings.LOGIN_MAX_FAILURES, 3])
def test_lockout_after_max_failures_refuses_the_right_password(client, user, settings, limit):
    settings.LOGIN_MAX_FAILURES = limit
    for _ in range(limit):
        assert attempt(client, "wrong").status_code == 200
    response = attempt(client, PASSWORD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录失败次数过多，账户已临时锁定" in html
    assert f"{settings.LOGIN_LOCKOUT_MINUTES} 分钟" in html
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_one_failure_short_of_the_limit_still_lets_in(client, user, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302


def test_lockout_ends_after_the_window(client, user, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        attempt(client, "wrong")
    assert "锁定" in attempt(client, PASSWORD).content.decode()
    # the lockout counts from the last checked attempt (the counters of organizations.accounts.actions)
    LoginCounter.objects.update(last_at=timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1))
    assert attempt(client, PASSWORD).status_code == 302


def test_idle_session_settings():
    # The timeout counts from the last request (renewed every request), not from login.
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def _session():
    return Session.objects.get()


def test_every_request_renews_the_idle_timeout(client, user):
    assert attempt(client, PASSWORD).status_code == 302
    # Pretend the cadre has been idle for all but one minute of the allowed time.
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("home")).status_code == 200
    remaining = (_session().expire_date - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 60 < remaining <= settings.SESSION_COOKIE_AGE


def test_session_idle_past_the_timeout_must_log_in_again(client, user):
    assert attempt(client, PASSWORD).status_code == 302
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_idle_timeout_follows_the_setting(client, user, settings):
    settings.SESSION_COOKIE_AGE = 120
    assert attempt(client, PASSWORD).status_code == 302
    client.get(reverse("home"))
    remaining = (_session().expire_date - timezone.now()).total_seconds()
    assert 60 < remaining <= 120
