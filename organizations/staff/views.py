"""Pages of 账号管理 (organizations/staff): the accounts a district or street manages, an
account's grants and audit trail, creating an account with its first grant, granting and
revoking roles, resetting a password, deactivating.  Views call the selectors and actions;
a one-time password is shown once, in the answer to the POST that made it, never stored."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangjian import errors, pickers, portal
from dangjian.access import page_access
from dangjian.forms import attach_errors
from dangjian.portal import refusals
from organizations.accounts.models import AccountState
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.staff import actions, permissions, selectors
from organizations.staff.choices import AUDIT_VERBS
from organizations.staff.forms import (
    AccountCreateForm,
    AccountFilterForm,
    GrantForm,
    PasswordResetForm,
    area_label,
    org_label,
)

MANAGE_REFUSED = gettext_lazy("您的角色无权管理账号。")


def _crumbs(account=None, *, last=None):
    crumbs = [{"label": _("账号管理"), "url": reverse("organizations:account_list")}]
    if account is not None:
        crumbs.append({"label": account.username,
                       "url": reverse("organizations:account_detail", args=[account.pk]) if last else None})
    if last:
        crumbs.append({"label": last, "url": None})
    return crumbs


def _account_or_404(user, pk):
    account = selectors.account_for_view(user, pk)
    if account is None:
        raise Http404
    return account


# ------------------------------------------------------------------------------ pages
@login_required
@refusals
@page_access(permissions.can_manage_accounts, MANAGE_REFUSED)
def account_list(request):
    user = request.user
    filters = AccountFilterForm(request.GET or None)
    values = filters.filters()
    rows = selectors.account_list(user, q=values.get("q", ""), role=values.get("role", ""),
                                  active=values.get("active", ""))
    page = portal.paginate(request, rows)
    for account in page:
        account.shown_grants = [_grant_row(user, g) for g in account.grants.all() if g.is_active]
    return render(request, "organizations/staff/account_list.html", {
        "page_obj": page, "filters": filters, "can_create": bool(permissions.grantable_roles(user)),
    })


def _grant_row(user, grant):
    node = permissions.grant_node(grant)
    visible = permissions.node_visible(user, node)
    return {"grant": grant, "node": node, "visible": visible,
            "label": (area_label(node) if grant.area_id else org_label(node)) if visible else _("管辖范围外")}


def _audit_rows(events, grant_rows):
    """The audit trail as the page shows it; a grant's node is named only where the grant
    row is (``grant_rows``: the account's grants as ``_grant_row`` shows them, by id)."""
    rows = []
    for event in events:
        changes = event.changes or {}
        detail = ""
        if "role" in changes and "node" in changes:
            role = changes["role"]
            shown = grant_rows.get(changes.get("grant"))
            node = shown["label"] if shown is not None else _("管辖范围外")
            detail = f"{Role(role).label if role in Role.values else role} · {node}"
        elif "generated" in changes:
            detail = _("自动生成的一次性密码") if changes["generated"] else _("管理员设置的一次性密码")
        rows.append({"event": event, "verb": AUDIT_VERBS.get(event.verb, event.verb), "detail": detail})
    return rows


@login_required
@refusals
@page_access(permissions.can_manage_accounts, MANAGE_REFUSED)
def account_detail(request, pk, *, grant_form=None, reset_form=None, status=200):
    user = request.user
    account = _account_or_404(user, pk)
    grants = selectors.grants_of(account)
    reason = permissions.why_not_manageable(user, account, grants)
    manageable = reason is None
    try:
        state = account.account_state
    except AccountState.DoesNotExist:
        state = None
    grant_rows = [_grant_row(user, g) for g in grants]
    return render(request, "organizations/staff/account_detail.html", {
        "account": account,
        "state": state,
        "grants": grant_rows,
        "audit": _audit_rows(selectors.audit_of(account), {row["grant"].pk: row for row in grant_rows}),
        "manageable": manageable,
        "reason": reason,
        "second_factor": {"required": selectors.needs_second_factor(account, grants),
                          "enrolled": account.device_enrolled},
        "grant_form": grant_form if grant_form is not None else (GrantForm(user=user, prefix="grant") if manageable else None),
        "reset_form": reset_form if reset_form is not None else (PasswordResetForm(prefix="reset") if manageable else None),
        "crumbs": _crumbs(account),
    }, status=status)


def _one_time_password_page(request, account, password, *, title):
    response = render(request, "organizations/staff/account_password.html", {
        "account": account, "password": password, "title": title, "crumbs": _crumbs(account, last=title),
    })
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@refusals
@page_access(permissions.can_manage_accounts, MANAGE_REFUSED)
def account_create(request):
    user = request.user
    if not permissions.grantable_roles(user):
        raise errors.PermissionDeniedError(_("您的角色不能授予任何角色，无法创建账号。"))
    form = AccountCreateForm(request.POST if request.method == "POST" else None, user=user)
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            try:
                account, password = actions.account_create(
                    actor=user, username=data["username"], display_name=data["display_name"], role=data["role"],
                    node=data["node"], password=data["password1"], note=data["note"],
                )
            except ValidationError as exc:
                attach_errors(form, exc, field_map={"first_name": "display_name", "node": "area"})
            else:
                messages.success(request, _("已创建账号“%(name)s”。") % {"name": account.username})
                return _one_time_password_page(request, account, password, title=_("账号已创建"))
        status = 400
    return render(request, "organizations/staff/account_form.html", {
        "form": form, "title": _("新建账号"), "crumbs": _crumbs(last=_("新建账号")),
    }, status=status)


@login_required
@require_POST
@refusals
@page_access(permissions.can_manage_accounts, MANAGE_REFUSED)
def account_grant(request, pk):
    user = request.user
    account = _account_or_404(user, pk)
    form = GrantForm(request.POST, user=user, prefix="grant")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.grant_add(actor=user, account=account, role=data["role"], node=data["node"], note=data["note"])
        except ValidationError as exc:
            attach_errors(form, exc, field_map={"node": "area"})
        else:
            messages.success(request, _("已授予角色。"))
            return redirect("organizations:account_detail", pk=account.pk)
    return _detail_again(request, pk, grant_form=form)


def _detail_again(request, pk, **forms):
    """The account's page again, with the form that failed (400)."""
    return account_detail(request, pk, status=400, **forms)


@login_required
@require_POST
@refusals
@page_access(permissions.can_manage_accounts, MANAGE_REFUSED)
def grant_revoke(request, pk):
    user = request.user
    grant = Grant.objects.visible_to(user).select_related("user").filter(pk=pk).first()
    if grant is None:
        raise Http404
    try:
        actions.grant_revoke(actor=user, grant=grant)
    except ValidationError as exc:
        messages.error(request, errors.message_of(exc))
    else:
        messages.success(request, _("已撤销授权；该账号的登录会话和接口令牌已失效。"))
    return redirect("organizations:account_detail", pk=grant.user_id)


@never_cache
@login_required
@require_POST
@refusals
@page_access(permissions.can_manage_accounts, MANAGE_REFUSED)
def account_password_reset(request, pk):
    user = request.user
    account = _account_or_404(user, pk)
    form = PasswordResetForm(request.POST, prefix="reset")
    if form.is_valid():
        try:
            password = actions.account_reset_password(actor=user, account=account, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return _one_time_password_page(request, account, password, title=_("密码已重置"))
    return _detail_again(request, pk, reset_form=form)


@login_required
@require_POST
@refusals
@page_access(permissions.can_manage_accounts, MANAGE_REFUSED)
def account_set_active(request, pk, active):
    user = request.user
    account = _account_or_404(user, pk)
    try:
        actions.account_set_active(actor=user, account=account, active=active)
    except ValidationError as exc:
        messages.error(request, errors.message_of(exc))
    else:
        messages.success(request, _("账号已启用。") if active else _("账号已停用；其登录会话和接口令牌已失效。"))
    return redirect("organizations:account_detail", pk=account.pk)


# ---------------------------------------------------------------------------- pickers
def _manager(request):
    if not permissions.can_manage_accounts(request.user):
        raise errors.PermissionDeniedError(_("您的角色无权管理账号。"))
    return request.user


pick_areas = refusals(pickers.picker_view(lambda r: selectors.grant_areas(_manager(r)), fields=("name", "code"),
                                          label=area_label))
pick_orgs = refusals(pickers.picker_view(lambda r: selectors.grant_orgs(_manager(r)), fields=("name", "code"),
                                         label=org_label))
