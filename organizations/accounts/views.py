"""Pages of the accounts feature: my API tokens, the second factor (enrol, verify), and the
password pages (change, reset by e-mail) on Django's auth views with the portal's templates
(``templates/registration/password_*``)."""
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian import ratelimit
from dangjian.portal import client_ip
from organizations.accounts.actions import PASSWORD_CHANGED, PASSWORD_RESET, password_set_noted, token_create, token_revoke
from organizations.accounts.choices import RevokeReason
from organizations.accounts.forms import (
    OtpForm,
    PortalPasswordChangeForm,
    PortalPasswordResetForm,
    PortalSetPasswordForm,
    TokenCreateForm,
)
from organizations.accounts.selectors import confirmed_device, needs_second_factor, tokens_of
from organizations.accounts.signals import SECOND_FACTOR_SESSION_KEY


def _next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return redirect(default).url


# ---------------------------------------------------------------------------- tokens
@login_required
def token_list(request):
    """My tokens: make one (its key shown once), see when each was used, revoke."""
    created_key = None
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, created_key = token_create(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("令牌“%(name)s”已创建。请立即复制保存，离开本页后将无法再次查看。") % {"name": token.name})
        form = TokenCreateForm()
    status = 200 if request.method == "GET" or created_key else 400
    return render(request, "registration/token_list.html", {
        "form": form, "tokens": tokens_of(request.user), "created_key": created_key, "days": settings.API_TOKEN_DAYS,
    }, status=status)


@login_required
@require_POST
def token_revoke_view(request, pk):
    token = get_object_or_404(tokens_of(request.user), pk=pk)
    if token_revoke(token, RevokeReason.OWNER):
        messages.success(request, _("令牌“%(name)s”已撤销。") % {"name": token.name})
    return redirect("token_list")


# ---------------------------------------------------------------------- second factor
def _qr_svg(device) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("两步验证二维码"))


@login_required
def otp_setup(request):
    """Enrol a TOTP authenticator: a QR code and the key to type, then one code to confirm."""
    device = confirmed_device(request.user)
    if device is not None:
        return render(request, "registration/otp_setup.html", {
            "device": device, "enrolled": True, "required": needs_second_factor(request.user),
            "verified": request.user.is_verified(),
        })
    pending = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=request.user, name=_("身份验证器"), confirmed=False)
    form = OtpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and pending.verify_token(form.cleaned_data["otp_token"]):
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            request.session.cycle_key()
            otp_login(request, pending)
            request.session[SECOND_FACTOR_SESSION_KEY] = True  # asked for at every sign-in from now on
            messages.success(request, _("两步验证已启用。"))
            return redirect(_next(request))
        if form.is_valid():
            form.add_error("otp_token", _("验证码不正确，请核对手机时间后重试。"))
        status = 400
    return render(request, "registration/otp_setup.html", {
        "form": form, "enrolled": False, "required": needs_second_factor(request.user),
        "qr": _qr_svg(pending), "key": b32encode(pending.bin_key).decode(), "next": request.GET.get("next", ""),
    }, status=status)


@login_required
def otp_verify(request):
    """The second step after the password: a code from the enrolled authenticator."""
    device = confirmed_device(request.user)
    if device is None:
        return redirect("otp_setup")
    if request.user.is_verified():
        return redirect(_next(request))
    form = OtpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        allowed, why = device.verify_is_allowed()
        if not allowed:
            form.is_valid()
            form.add_error(None, _("验证码错误次数过多，请稍后再试。"))
            status = 429
        elif form.is_valid() and device.verify_token(form.cleaned_data["otp_token"]):
            request.session.cycle_key()
            otp_login(request, device)
            return redirect(_next(request))
        else:
            if form.is_valid():
                form.add_error("otp_token", _("验证码不正确。"))
            status = 400
    return render(request, "registration/otp_verify.html", {
        "form": form, "next": request.GET.get("next", "") or request.POST.get("next", ""),
    }, status=status)


# ---------------------------------------------------------------------------- passwords
RESET_LIMIT = "PASSWORD_RESET_IP_LIMIT"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change my password (the old one, then the new one twice, under the password policy)."""

    form_class = PortalPasswordChangeForm
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_set_noted(user=form.user, verb=PASSWORD_CHANGED, request=self.request)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail.  Every POST counts against ``PASSWORD_RESET_IP_LIMIT``
    per client address (a form over the limit comes back with 429 and ``Retry-After``, what was
    typed kept); the answer never says whether the address belongs to an account."""

    form_class = PortalPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        if not ratelimit.hit_named(RESET_LIMIT, client_ip(request) or "unknown"):
            limit, window = ratelimit.limit_for(RESET_LIMIT)
            form = self.get_form()
            form.is_valid()
            form.add_error(None, _("操作过于频繁，请稍后再试：同一来源 %(minutes)d 分钟内最多可申请 %(limit)d 次重置密码。")
                           % {"minutes": max(1, window // 60), "limit": limit})
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = str(ratelimit.retry_after(RESET_LIMIT))
            return response
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "timeout_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = PortalSetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_set_noted(user=form.user, verb=PASSWORD_RESET, request=self.request)
        return response
