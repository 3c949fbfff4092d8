"""Writes of 账号管理: create an account with its first grant, grant and revoke roles, reset
a password, deactivate and reactivate.  One function per use case; each locks the account,
checks the rules of ``organizations.staff.permissions`` again, writes and audits
(``dangjian.audit.record`` on the account: actor, verb, what changed — never a password).

A one-time password (generated, or typed by the manager under the password policy) is
returned once and never stored in clear; the account must change it at its next sign-in
(``organizations.accounts.middleware.ForcePasswordChangeMiddleware``).  Revoking a grant,
deactivating the account or resetting its password ends its sessions and API tokens.  A new
administrator or district grant ends the account's sessions, so its next sign-in asks for
the second factor (``organizations.accounts.selectors.needs_second_factor``).
"""
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian import trees
from dangjian.audit import record
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.scoping import get_scope
from organizations.accounts.actions import sessions_end, tokens_revoke_all
from organizations.accounts.choices import RevokeReason
from organizations.accounts.models import AccountState
from organizations.areas.models import Area
from organizations.grants.choices import SECOND_FACTOR_ROLES, Role
from organizations.grants.models import Grant
from organizations.orgs.models import PartyOrg
from organizations.staff import permissions, selectors

USERNAME_MAX = 150
DISPLAY_NAME_MAX = 150
NOTE_MAX = 200
# No look-alike characters (0/O, 1/l/I) in a password read off a screen.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(user=None) -> str:
    """A one-time password that passes the password policy: three groups of four."""
    while True:
        groups = ["".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3)]
        candidate = "-".join(groups)
        try:
            validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate


def _node_fields(node) -> dict:
    if node is None:
        raise ValidationError({"node": _("请选择授权的区域或党组织。")})
    return {"area": node, "org": None} if isinstance(node, Area) else {"area": None, "org": node}


def _node_label(node) -> str:
    return str(node.name)


def _check_grant(actor, role, node) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("角色无效。")})
    if not permissions.node_visible(actor, node):
        raise Http404
    if not permissions.can_grant(actor, role, node):
        raise PermissionDeniedError(
            _("您不能在“%(node)s”授予“%(role)s”角色：只能在您管辖的范围内授予低于您自己角色的角色。")
            % {"node": node.name, "role": Role(role).label}
        )
    if isinstance(node, PartyOrg) and _org_subtree_leaves_scope(actor, node):
        raise PermissionDeniedError(
            _("“%(node)s”的下级党组织有的不在您的管辖范围内，不能在该组织授权；请在下级组织或区域授权。")
            % {"node": node.name}
        )


def _org_subtree_leaves_scope(actor, org) -> bool:
    """An organization grant reaches the organization's whole subtree, whose members may be
    anchored outside the area that made the organization the actor's (a unit's branch sits
    in its superior's tree): refuse a grant reaching further than the actor (one query)."""
    if get_scope(actor).is_global:
        return False
    inside = selectors.grant_orgs(actor).order_by().values("pk")
    return PartyOrg.objects.filter(trees.subtree_q(org)).exclude(pk__in=inside).exists()


def _locked_account(actor, account):
    """The account row locked, after the scope (404) and management (403) checks."""
    if not permissions.can_manage_accounts(actor):
        raise PermissionDeniedError(_("您的角色无权管理账号。"))
    locked = selectors.accounts_for(actor).select_for_update().filter(pk=account.pk).first()
    if locked is None:
        raise Http404
    grants = list(Grant.objects.select_for_update(of=("self",)).filter(user=locked).select_related("area", "org__area"))
    reason = permissions.why_not_manageable(actor, locked, grants)
    if reason is not None:
        raise PermissionDeniedError(reason)
    return locked, grants


def _password_for(account, password):
    """The one-time password to set: ``password`` checked against the policy, or a new one."""
    if password:
        try:
            validate_password(password, account)
        except ValidationError as exc:
            raise ValidationError({"password1": exc.messages}) from exc
        return password
    return generate_password(account)


def _set_one_time_password(account, password) -> None:
    account.set_password(password)
    account._temporary_password = True  # signals.note_password_duty: must be changed at sign-in


def _grant_changes(grant) -> dict:
    node = permissions.grant_node(grant)
    return {"grant": grant.pk, "role": grant.role, "node_type": node._meta.model_name, "node_id": node.pk,
            "node": _node_label(node)}


@transaction.atomic
def account_create(*, actor, username, display_name, role, node, password="", note=""):
    """A new account holding ``role`` at ``node``; returns ``(account, one_time_password)``.
    ``password`` empty: one is generated.  Either way it is shown once and must be changed."""
    if not permissions.can_manage_accounts(actor):
        raise PermissionDeniedError(_("您的角色无权创建账号。"))
    _node_fields(node)
    _check_grant(actor, role, node)
    username = (username or "").strip()
    display_name = (display_name or "").strip()
    errors = {}
    if not username:
        errors["username"] = _("请填写用户名。")
    elif len(username) > USERNAME_MAX:
        errors["username"] = _("用户名不能超过 %(n)d 个字符。") % {"n": USERNAME_MAX}
    if not display_name:
        errors["display_name"] = _("请填写姓名或显示名称。")
    if errors:
        raise ValidationError(errors)
    User = get_user_model()
    account = User(username=username, first_name=display_name[:DISPLAY_NAME_MAX], is_active=True)
    try:
        account.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as exc:
        raise ValidationError({k: v for k, v in exc.message_dict.items() if k in ("username", "first_name")}
                              or exc.messages) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名“%(name)s”已被使用。") % {"name": username}})
    generated = not password
    password = _password_for(account, password)
    _set_one_time_password(account, password)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        raise ValidationError({"username": _("用户名“%(name)s”已被使用。") % {"name": username}}) from exc
    AccountState.objects.filter(user=account).update(created_by=actor)
    grant = Grant.objects.create(user=account, role=role, note=(note or "")[:NOTE_MAX], **_node_fields(node))
    record(actor, "account.create", account, {"username": username, "display_name": display_name,
                                              "generated": generated, **_grant_changes(grant)})
    return account, password


@transaction.atomic
def grant_add(*, actor, account, role, node, note="") -> Grant:
    """Grant ``role`` at ``node`` to a managed account."""
    account, grants = _locked_account(actor, account)
    _node_fields(node)
    _check_grant(actor, role, node)
    fields = _node_fields(node)
    if any(g.is_active and g.role == role and g.area_id == getattr(fields["area"], "pk", None)
           and g.org_id == getattr(fields["org"], "pk", None) for g in grants):
        raise ValidationError({"role": _("该账号已在此节点持有该角色。")})
    grant = Grant.objects.create(user=account, role=role, note=(note or "")[:NOTE_MAX], **fields)
    record(actor, "account.grant", account, _grant_changes(grant))
    if role in SECOND_FACTOR_ROLES:
        sessions_end(account)  # the next sign-in notes the second factor this role needs
    return grant


@transaction.atomic
def grant_revoke(*, actor, grant) -> Grant:
    """Revoke one active grant; the account's sessions and API tokens end."""
    account, grants = _locked_account(actor, grant.user)
    grant = next((g for g in grants if g.pk == grant.pk), None)
    if grant is None:
        raise Http404
    if not grant.is_active:
        raise ValidationError(_("该授权已撤销。"))
    grant.is_active = False
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["is_active", "revoked_at"])
    record(actor, "account.revoke", account, _grant_changes(grant))
    tokens_revoke_all(account, RevokeReason.ADMIN)
    sessions_end(account)
    return grant


@transaction.atomic
def account_reset_password(*, actor, account, password="") -> str:
    """A new one-time password (returned once); the account's sessions and tokens end."""
    account, _grants = _locked_account(actor, account)
    generated = not password
    password = _password_for(account, password)
    _set_one_time_password(account, password)
    account.save(update_fields=["password"])  # signals: tokens revoked, the change is due
    record(actor, "account.password_reset", account, {"generated": generated})  # never the password
    sessions_end(account)
    return password


@transaction.atomic
def account_set_active(*, actor, account, active: bool):
    """Deactivate (sessions and tokens end, sign-in refused) or reactivate an account."""
    account, _grants = _locked_account(actor, account)
    if account.is_active == active:
        raise TransitionError(_("该账号已是启用状态。") if active else _("该账号已停用。"))
    account.is_active = active
    account.save(update_fields=["is_active"])  # signals: a deactivation revokes the tokens
    record(actor, "account.reactivate" if active else "account.deactivate", account,
           {"is_active": [str(not active), str(active)]})
    if not active:
        tokens_revoke_all(account, RevokeReason.DEACTIVATED)
        sessions_end(account)
    return account
