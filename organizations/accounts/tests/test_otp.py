"""The TOTP second factor (django-otp), through the real flow: the login form, then the
enrolment or verification page.  Required for administrator and district roles, superusers
and staff (every page, the Django admin, the API with a session, making tokens); optional for
the others, who may enrol from their menu.

``client.force_login`` in tests verifies the session the way ``django_otp.login`` does
(``organizations.accounts.testing.verify_session``, wired in the root ``conftest.py``);
``test_force_login_verifies_like_django_otp`` checks that helper, the other tests here sign
in through the form or ``client.login`` and meet the real step.
"""
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.testing import logged_in
from organizations.accounts.models import ApiToken
from organizations.accounts.testing import verify_session
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, user_with

pytestmark = pytest.mark.django_db
PASSWORD = "right-pass-123"


def code_for(key: bytes, *, ahead: int = 0) -> str:
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * ahead
    return f"{totp.token():06d}"


def make(role, node, username):
    user = user_with(role, node, username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(username):
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def enrol(client, next_url=""):
    page = client.get(reverse("otp_setup") + (f"?next={next_url}" if next_url else ""))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'id="otp-key"' in html  # the QR code and the key to type
    device = TOTPDevice.objects.get(confirmed=False)
    return client.post(reverse("otp_setup"), {"otp_token": code_for(device.bin_key), "next": next_url}), device


@pytest.mark.parametrize("role", [Role.DISTRICT, Role.ADMIN])
def test_a_district_or_admin_user_is_sent_to_enrol_on_every_page(city, role):
    make(role, city.district, "boss")
    client = sign_in("boss")
    for url in (reverse("home"), reverse("organizations:unit_list"), reverse("token_list"), reverse("password_change")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("otp_setup")), url
    api = client.get("/api/areas/")
    assert api.status_code == 403 and "两步验证" in api.json()["detail"]
    # token creation needs a verified session
    client.post(reverse("token_list"), {"name": "x"})
    assert not ApiToken.objects.exists()


def test_enrolment_then_every_later_sign_in_asks_for_a_code(city):
    make(Role.DISTRICT, city.district, "boss")
    client = sign_in("boss")
    response, device = enrol(client, next_url=reverse("organizations:unit_list"))
    assert response.status_code == 302 and response["Location"] == reverse("organizations:unit_list")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    assert client.get("/api/areas/").status_code == 200
    client.post(reverse("logout"))

    client = sign_in("boss")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    wrong = client.post(reverse("otp_verify"), {"otp_token": "000000"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # the wrong code above throttles the next try for a second
    right = client.post(reverse("otp_verify"), {"otp_token": code_for(device.bin_key, ahead=1)})
    assert right.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_enrolment_code_does_not_enable_the_factor(city):
    make(Role.DISTRICT, city.district, "boss")
    client = sign_in("boss")
    client.get(reverse("otp_setup"))
    response = client.post(reverse("otp_setup"), {"otp_token": "123456"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get(reverse("home")).status_code == 302


def test_repeated_wrong_codes_are_throttled(city):
    make(Role.DISTRICT, city.district, "boss")
    client = sign_in("boss")
    _, device = enrol(client)
    client.post(reverse("logout"))
    client = sign_in("boss")
    client.post(reverse("otp_verify"), {"otp_token": "000000"})
    throttled = client.post(reverse("otp_verify"), {"otp_token": code_for(device.bin_key, ahead=1)})
    assert throttled.status_code == 429 and "次数过多" in throttled.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_the_django_admin_requires_the_second_factor(city):
    root = UserFactory(username="root", password=PASSWORD)
    root.is_staff = root.is_superuser = True
    root.save()
    client = Client()
    assert client.login(username="root", password=PASSWORD)  # a password-only session
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_setup"))
    enrol(client)
    assert client.get(reverse("admin:index")).status_code == 200


def test_other_roles_need_no_second_factor_but_may_enrol_from_their_menu(city):
    make(Role.COMMUNITY, city.a.area, "cadre")
    client = sign_in("cadre")
    home = client.get(reverse("home"))
    assert home.status_code == 200 and reverse("otp_setup") in home.content.decode()
    response, device = enrol(client)
    assert response.status_code == 302
    client.post(reverse("logout"))
    client = sign_in("cadre")  # enrolled: asked for the code from now on
    assert client.get(reverse("home"))["Location"].startswith(reverse("otp_verify"))


def test_deleting_a_device_ends_the_sessions_it_verified(city):
    make(Role.DISTRICT, city.district, "boss")
    client = sign_in("boss")
    _, device = enrol(client)
    assert client.get(reverse("home")).status_code == 200
    other = UserFactory(username="bystander")
    bystander = logged_in(other)
    device.delete()
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert bystander.get(reverse("home")).status_code == 200
    assert Session.objects.count() == 1


def test_force_login_verifies_like_django_otp(city):
    user = make(Role.DISTRICT, city.district, "boss")
    client = logged_in(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("home")).status_code == 200


def test_verify_session_does_what_a_right_code_does_and_only_when_a_factor_is_needed(city):
    boss = make(Role.DISTRICT, city.district, "boss")
    client = sign_in("boss")  # through the form: the second factor is still to come
    assert client.get(reverse("home"))["Location"].startswith(reverse("otp_setup"))
    device = verify_session(client, boss, device_name="bench")
    assert device.confirmed and device.name == "bench"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("home")).status_code == 200
    assert verify_session(sign_in("boss"), boss) == device  # the confirmed device is reused
    assert TOTPDevice.objects.filter(user=boss).count() == 1

    clerk = make(Role.STREET, city.street, "clerk")
    plain = sign_in("clerk")
    assert verify_session(plain, clerk) is None and not TOTPDevice.objects.filter(user=clerk).exists()
    assert DEVICE_ID_SESSION_KEY not in plain.session and plain.get(reverse("home")).status_code == 200


def test_the_admin_resets_a_device_without_seeing_its_key(city):
    user = make(Role.DISTRICT, city.district, "boss")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    root = UserFactory(username="root")
    root.is_staff = root.is_superuser = True
    root.save()
    client = logged_in(root)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200 and device.key not in page.content.decode()
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 403
    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302 and not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_session_from_before_the_login_note_is_held_to_the_factor_too(city):
    make(Role.DISTRICT, city.district, "boss")
    client = sign_in("boss")
    session = client.session
    del session["accounts_second_factor_required"]
    session.save()
    assert client.get(reverse("home"))["Location"].startswith(reverse("otp_setup"))


def test_a_verified_session_costs_no_device_query_per_page(city):
    user = make(Role.DISTRICT, city.district, "boss")
    client = logged_in(user)
    client.get(reverse("organizations:unit_list"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("organizations:unit_list")).status_code == 200
    assert not [q for q in ctx.captured_queries if "otp_totp" in q["sql"]]
