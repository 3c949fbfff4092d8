"""Account events wired to the user model (connected in ``OrganizationsConfig.ready``).

* Every save of a password set with ``set_password`` (forms, admin, ``changepassword``, the
  shell, any code of ours) runs the password policy first: a path that forgot to validate
  still cannot store a weak password.  (Django's ``create_user`` hashes without
  ``set_password`` and ``createsuperuser --noinput`` skips the validators: create
  administrators interactively.)
* A password change, a deactivation and a logout revoke all of the user's API tokens.
* A login notes in the session whether the user needs a second factor (their role, or a
  device they enrolled), and whether they must first replace a one-time password.
* Every stored password updates that duty: a one-time password (``user._temporary_password``
  set by ``organizations.staff.actions``) must be changed at the next sign-in, any other
  password (the owner's change, the admin's) clears it.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db.models.signals import post_delete, post_init, post_save, pre_save
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.accounts.actions import must_change_password, note_password_set, tokens_revoke_all
from organizations.accounts.choices import RevokeReason
from organizations.accounts.selectors import confirmed_device, needs_second_factor

SECOND_FACTOR_SESSION_KEY = "accounts_second_factor_required"
PASSWORD_CHANGE_SESSION_KEY = "accounts_must_change_password"


def check_new_password(sender, instance, raw=False, **kwargs):
    new = getattr(instance, "_password", None)
    if new is not None and not raw:
        validate_password(new, instance)


def end_tokens_on_change(sender, instance, created=False, raw=False, **kwargs):
    if created or raw:
        return
    if getattr(instance, "_password", None) is not None:
        tokens_revoke_all(instance, RevokeReason.PASSWORD)
    elif not instance.is_active:
        tokens_revoke_all(instance, RevokeReason.DEACTIVATED)


def note_password_duty(sender, instance, raw=False, **kwargs):
    if not raw and getattr(instance, "_password", None) is not None:
        note_password_set(instance, temporary=getattr(instance, "_temporary_password", False))


def note_password_change_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[PASSWORD_CHANGE_SESSION_KEY] = must_change_password(user)


def end_tokens_on_logout(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        tokens_revoke_all(user, RevokeReason.LOGOUT)


def note_second_factor(sender, request, user, **kwargs):
    """Required for the roles that need it, and for anyone who enrolled a device."""
    if request is not None and hasattr(request, "session"):
        request.session[SECOND_FACTOR_SESSION_KEY] = needs_second_factor(user) or confirmed_device(user) is not None


def end_sessions_of_device(sender, instance, **kwargs):
    """A deleted or unconfirmed device no longer verifies anyone: end the sessions it
    verified (database sessions: the live ones are decoded, a rare administrative event)."""
    if kwargs.get("raw"):
        return
    if kwargs.get("signal") is post_save and not (getattr(instance, "_loaded_confirmed", False) and not instance.confirmed):
        return  # only a confirmed device being unconfirmed counts
    persistent_id = instance.persistent_id
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(DEVICE_ID_SESSION_KEY) == persistent_id:
            session.delete()


def remember_confirmed(sender, instance, **kwargs):
    instance._loaded_confirmed = instance.confirmed


def connect():
    User = get_user_model()
    pre_save.connect(check_new_password, sender=User, dispatch_uid="accounts.check_new_password")
    post_save.connect(end_tokens_on_change, sender=User, dispatch_uid="accounts.end_tokens_on_change")
    post_save.connect(note_password_duty, sender=User, dispatch_uid="accounts.note_password_duty")
    user_logged_in.connect(note_password_change_at_login, dispatch_uid="accounts.note_password_change")
    user_logged_out.connect(end_tokens_on_logout, dispatch_uid="accounts.end_tokens_on_logout")
    user_logged_in.connect(note_second_factor, dispatch_uid="accounts.note_second_factor")
    post_delete.connect(end_sessions_of_device, sender=TOTPDevice, dispatch_uid="accounts.device_deleted")
    post_save.connect(end_sessions_of_device, sender=TOTPDevice, dispatch_uid="accounts.device_saved")
    post_init.connect(remember_confirmed, sender=TOTPDevice, dispatch_uid="accounts.device_loaded")
