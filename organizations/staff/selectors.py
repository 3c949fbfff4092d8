"""Reads of 账号管理: the accounts a user manages, their grants and audit trail, and the
nodes a role may be granted at — every queryset already scoped to the user.

An account is listed when it holds a grant (revoked ones too) at a node under one of the
user's administrator, district or street grants (``Grant.objects.visible_to``); superusers see
every account.  Any other account does not exist for the user (404)."""
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian import trees
from dangjian.models import AuditEvent
from dangjian.scoping import InArea, InOrg, get_scope
from organizations.areas.models import Area
from organizations.grants.choices import ACCOUNT_MANAGER_ROLES, SECOND_FACTOR_ROLES
from organizations.grants.models import Grant
from organizations.orgs.models import PartyOrg

AUDIT_SHOWN = 50  # audit rows on the account's page


def _grants():
    return Grant.objects.select_related("area", "org__area").order_by("-is_active", "-created_at", "-pk")


def accounts_for(user):
    """The accounts ``user`` manages or may look at in 账号管理 (unordered)."""
    User = get_user_model()
    scope = get_scope(user)
    if scope.is_global:
        return User.objects.all()
    if scope.user_id is None:
        return User.objects.none()
    return User.objects.filter(Exists(Grant.objects.visible_to(user).filter(user=OuterRef("pk"))))


def account_list(user, *, q="", role="", active=""):
    """The list's rows, filtered, with every grant of each account prefetched (one query more
    in all, whatever the page's size)."""
    rows = accounts_for(user)
    if q:
        rows = rows.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q))
    if role:
        rows = rows.filter(Exists(Grant.objects.filter(user=OuterRef("pk"), role=role, is_active=True)))
    if active in ("yes", "no"):
        rows = rows.filter(is_active=active == "yes")
    return rows.prefetch_related(Prefetch("grants", queryset=_grants())).order_by("username", "pk")


def account_for_view(user, pk):
    """The account (with its state, and ``device_enrolled``: it has a confirmed TOTP device)
    if ``user`` may see it, else ``None`` (one query)."""
    enrolled = Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    return accounts_for(user).select_related("account_state").annotate(device_enrolled=enrolled).filter(pk=pk).first()


def needs_second_factor(account, grants) -> bool:
    """``organizations.accounts.selectors.needs_second_factor`` from grants already loaded."""
    return bool(account.is_superuser or account.is_staff) or any(
        g.is_active and g.role in SECOND_FACTOR_ROLES for g in grants)


def grants_of(account) -> list:
    """All of the account's grants, active first, with their nodes (one query)."""
    return list(_grants().filter(user=account))


def grants_visible_of(user, account):
    """The account's grants at nodes under the user's managing grants."""
    return Grant.objects.visible_to(user).filter(user=account).select_related("user")


def audit_of(account) -> list:
    """The newest audit rows about the account (one query)."""
    return list(
        AuditEvent.objects.filter(target_type=account._meta.label_lower, target_id=str(account.pk))
        .select_related("actor").order_by("-at", "-pk")[:AUDIT_SHOWN]
    )


def grant_areas(user):
    """Areas where the user may grant a role (under one of their managing grants)."""
    return Area.objects.granted(user, InArea("", ACCOUNT_MANAGER_ROLES)).order_by(*trees.tree_order())


def grant_orgs(user):
    """Party organizations where the user may grant a role."""
    return PartyOrg.objects.granted(
        user, InOrg("", ACCOUNT_MANAGER_ROLES), InArea("area", ACCOUNT_MANAGER_ROLES)
    ).select_related("area").order_by(*trees.tree_order())
