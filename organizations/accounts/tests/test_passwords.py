"""One password policy (AUTH_PASSWORD_VALIDATORS) on every path that sets a password: the
three passwords the audit got accepted (``12345678``, ``password``, ``aaaaaaaa``) and their
longer cousins are refused, with Chinese messages, everywhere."""
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from dangjian.passwords import CharacterVarietyValidator
from dangjian.testing import logged_in
from organizations.demo.generator import DemoDataError, demo_password
from organizations.tests.factories import UserFactory
from services.whistles import actions as whistle_actions
from services.whistles.models import Responder
from services.whistles.tests.test_support import build_world

pytestmark = pytest.mark.django_db
User = get_user_model()

WEAK = ["12345678", "password", "aaaaaaaa"]
# longer than the minimum but still weak: all digits, common, one character, one class, a run
WEAK_LONG = ["1234567890", "password123", "aaaaaaaaaaaa", "abcdefghijk", "abc1111def"]
STRONG = "Hui-yi-2026"


@pytest.fixture
def w():
    return build_world()


# ---------------------------------------------------------------------------- the rule
@pytest.mark.parametrize("password", WEAK + WEAK_LONG)
def test_the_policy_refuses_weak_passwords_in_chinese(password):
    with pytest.raises(ValidationError) as exc:
        validate_password(password, User(username="zhangsan"))
    text = " ".join(exc.value.messages)
    assert any(word in text for word in ("密码", "常见", "数字", "字符")), text


def test_the_policy_accepts_a_varied_password_and_the_demo_password(settings):
    validate_password(STRONG, User(username="zhangsan"))
    validate_password(settings.DEMO_PASSWORD, User(username="district"))


def test_the_policy_refuses_a_password_like_the_user_name():
    with pytest.raises(ValidationError) as exc:
        validate_password("zhangsan-wei", User(username="zhangsan-wei", first_name="张三"))
    assert "相似" in " ".join(exc.value.messages)


def test_minimum_length_is_ten(settings):
    lengths = [v.get("OPTIONS", {}).get("min_length") for v in settings.AUTH_PASSWORD_VALIDATORS
               if v["NAME"].endswith("MinimumLengthValidator")]
    assert lengths and lengths[0] >= 10
    with pytest.raises(ValidationError):
        validate_password("Ab-12345x")  # 9


@pytest.mark.parametrize(("password", "code"), [
    ("zzzzzzzzzzzz", "password_single_character"),
    ("Abc-1111-xyz", "password_repeated_run"),
    ("onlylowercaseletters", "password_too_few_classes"),
])
def test_character_variety_validator(password, code):
    with pytest.raises(ValidationError) as exc:
        CharacterVarietyValidator().validate(password)
    assert exc.value.code == code
    CharacterVarietyValidator().validate("Abc-111-xyz")


# ------------------------------------------------------------- responder accounts (action)
@pytest.mark.parametrize("password", WEAK + WEAK_LONG)
def test_responder_account_creation_refuses_weak_passwords(w, password):
    with pytest.raises(ValidationError) as exc:
        whistle_actions.responder_add(actor=w.district_cadre, department=w.urban, username="zhiban1", password=password)
    assert exc.value.message_dict["password"]
    assert not User.objects.filter(username="zhiban1").exists()
    assert not Responder.objects.filter(user__username="zhiban1").exists()


def test_responder_account_creation_accepts_a_strong_password(w):
    r = whistle_actions.responder_add(actor=w.district_cadre, department=w.urban, username="zhiban1", password=STRONG)
    assert r.user.check_password(STRONG)


# ---------------------------------------------------------- responder accounts (pages)
@pytest.mark.parametrize("password", WEAK)
def test_department_and_unit_account_pages_refuse_weak_passwords(client, w, password):
    logged_in(w.district_cadre, client)
    response = client.post(reverse("whistles:responder_add", args=[w.urban.pk]),
                           {"resp-username": "zhiban2", "resp-password": password})
    assert response.status_code == 400
    assert "密码" in response.content.decode()
    logged_in(w.cadre_a, client)
    response = client.post(reverse("whistles:unit_responders", args=[w.unit_a.pk]),
                           {"resp-username": "zhiban3", "resp-password": password})
    assert response.status_code == 400
    assert not User.objects.filter(username__in=["zhiban2", "zhiban3"]).exists()


# ------------------------------------------------------------------ password change page
@pytest.mark.parametrize("password", WEAK)
def test_password_change_page_refuses_weak_passwords(client, password):
    user = UserFactory(username="cadre1", password="Old-pass-2025")
    logged_in(user, client)
    response = client.post(reverse("password_change"), {
        "old_password": "Old-pass-2025", "new_password1": password, "new_password2": password})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password("Old-pass-2025")


def test_password_change_page_accepts_a_strong_password(client):
    user = UserFactory(username="cadre1", password="Old-pass-2025")
    logged_in(user, client)
    response = client.post(reverse("password_change"), {
        "old_password": "Old-pass-2025", "new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)


# ---------------------------------------------------------------------------- admin
@pytest.mark.parametrize("password", WEAK)
def test_admin_add_user_refuses_weak_passwords(admin_client, password):
    response = admin_client.post(reverse("admin:auth_user_add"), {
        "username": "newcadre", "password1": password, "password2": password, "usable_password": "true",
        "grants-TOTAL_FORMS": "0", "grants-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not User.objects.filter(username="newcadre").exists()


@pytest.mark.parametrize("password", WEAK)
def test_admin_password_change_refuses_weak_passwords(admin_client, password):
    user = UserFactory(username="cadre2", password="Old-pass-2025")
    response = admin_client.post(reverse("admin:auth_user_password_change", args=[user.pk]), {
        "password1": password, "password2": password, "usable_password": "true"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("Old-pass-2025")


# -------------------------------------------------------------- management commands, model
@pytest.mark.parametrize("password", WEAK)
def test_set_password_then_save_refuses_weak_passwords_on_any_path(password):
    user = UserFactory(username="cadre3", password="Old-pass-2025")
    user.set_password(password)
    with pytest.raises(ValidationError):
        user.save()  # the pre-save check (shell, scripts, any code that forgot to validate)
    user.refresh_from_db()
    assert user.check_password("Old-pass-2025")


def test_changepassword_command_runs_the_policy(monkeypatch):
    UserFactory(username="cadre5", password="Old-pass-2025")
    answers = iter(["12345678", "12345678"] * 3)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError):
        call_command("changepassword", "cadre5", stdout=StringIO())
    assert User.objects.get(username="cadre5").check_password("Old-pass-2025")


# ---------------------------------------------------------------------------- demo data
@pytest.mark.parametrize("password", WEAK)
def test_demo_seeding_refuses_a_weak_demo_password(settings, password):
    settings.DEMO_PASSWORD = password
    with pytest.raises(DemoDataError) as exc:
        demo_password()
    assert "DEMO_PASSWORD" in str(exc.value)
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())


def test_the_default_demo_password_satisfies_the_policy(settings):
    assert demo_password() == settings.DEMO_PASSWORD
