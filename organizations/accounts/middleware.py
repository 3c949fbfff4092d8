"""The second factor, enforced for every page (after ``django_otp.middleware.OTPMiddleware``).

A signed-in user who needs one (``needs_second_factor``: superusers, staff, administrator and
district grants; or anyone who enrolled a device; noted in the session at login) and whose session is not verified by a TOTP
device is sent to the verification page, or to enrolment when no device is confirmed yet.
Staff are held to it on the Django admin as well.  API calls made with such a session get a
403 JSON answer instead.  Only the sign-in, sign-out and second-factor pages and static files
are reachable meanwhile.  Token-authenticated API calls carry no session: tokens of such
users are only made from a verified session.
"""
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from organizations.accounts.actions import must_change_password
from organizations.accounts.selectors import confirmed_device, needs_second_factor
from organizations.accounts.signals import PASSWORD_CHANGE_SESSION_KEY, SECOND_FACTOR_SESSION_KEY


class SessionOTPMiddleware(OTPMiddleware):
    """django-otp's ``OTPMiddleware`` without its device query on every request.

    The session holds the verifying device's id only after ``django_otp.login`` (a right
    code); ``user.is_verified()`` trusts it, and ``user.otp_device`` loads the device when it
    is read.  Deleting or unconfirming a device ends the sessions it verified
    (``organizations.accounts.signals``), so the trust holds without a query per page.
    """

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        if persistent_id:
            user.otp_device = SimpleLazyObject(
                lambda: self._finalize_device(request, user, self._device_from_persistent_id(persistent_id)))
        return user

OPEN_URL_NAMES = ("login", "logout", "otp_setup", "otp_verify", "favicon", "web_manifest")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and self._required(request, user):
            path = request.path_info
            if not self._open(path):
                if path.startswith("/api/"):
                    return JsonResponse({"detail": _("该账户须完成两步验证后才能使用（请在网页上登录并输入动态验证码）。")},
                                        status=403)
                target = "otp_verify" if confirmed_device(user) is not None else "otp_setup"
                query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return redirect(reverse(target) + (f"?{query}" if query else ""))
        return self.get_response(request)

    @staticmethod
    def _required(request, user) -> bool:
        if user.is_staff or user.is_superuser:
            return True
        required = request.session.get(SECOND_FACTOR_SESSION_KEY)
        if required is None:  # a session from before the login signal noted it
            required = needs_second_factor(user) or confirmed_device(user) is not None
            request.session[SECOND_FACTOR_SESSION_KEY] = required
        return bool(required)

    @staticmethod
    def _open(path: str) -> bool:
        if path.startswith((settings.STATIC_URL, "/healthz")):
            return True
        return any(path == reverse(name) for name in OPEN_URL_NAMES)


PASSWORD_OPEN_URL_NAMES = ("login", "logout", "password_change", "otp_setup", "otp_verify")


class ForcePasswordChangeMiddleware:
    """An account signed in with a one-time password (made or reset in 账号管理) is sent to
    the password change page until it sets its own; API calls of such a session get a 403.

    The duty is noted in the session at login (``signals.note_password_change_at_login``), so
    other accounts pay no query.  A flagged session asks the database on each request (until
    the change), so it is released as soon as the password is changed.  A session without
    the note predates it and owes nothing: a one-time password is only ever set with every
    session of the account ended (a new account has none; a reset changes the password)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        session = getattr(request, "session", None)
        if user.is_authenticated and session is not None and session.get(PASSWORD_CHANGE_SESSION_KEY):
            if not must_change_password(user):
                session[PASSWORD_CHANGE_SESSION_KEY] = False
            elif not self._open(request.path_info):
                if request.path_info.startswith("/api/"):
                    return JsonResponse({"detail": _("请先在网页上修改初始密码后再使用。")}, status=403)
                return redirect(reverse("password_change"))
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        if path.startswith((settings.STATIC_URL, "/healthz")):
            return True
        return any(path == reverse(name) for name in PASSWORD_OPEN_URL_NAMES)
