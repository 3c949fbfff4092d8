"""Writes of the accounts feature: login attempts and their lockout counters, API tokens,
one-time passwords that must be changed, ending an account's sessions.

Lockout.  Before a password is checked, ``reserve_login`` takes one attempt from two
counters in the database (so it holds with Redis down, and across processes):

* ``pair:<username>|<address>`` — at most ``LOGIN_MAX_FAILURES`` checks per account and client
  address, then that address is refused for ``LOGIN_LOCKOUT_MINUTES`` after its last check;
* ``account:<username>`` — a higher ceiling, ``LOGIN_ACCOUNT_MAX_FAILURES`` checks from all
  addresses together, with a short cool-down ``LOGIN_ACCOUNT_COOLDOWN_MINUTES``: a guesser with
  many addresses is slowed down, and a stranger's failures from another address never lock the
  owner out at theirs for longer than that cool-down.

Each reservation is one conditional ``UPDATE … SET attempts = attempts + 1 WHERE attempts <
limit`` (row-locked by the database), so 30 concurrent wrong guesses check at most
``LOGIN_MAX_FAILURES`` passwords.  A right password gives the reservation back and clears the
pair's counter; a wrong one keeps it.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from dangjian.audit import record
from dangjian.portal import client_ip
from organizations.accounts.models import AccountState, ApiToken, LoginAttempt, LoginCounter


def note_attempt(username: str, request, succeeded: bool) -> None:
    LoginAttempt.objects.create(username=username[:150], ip=client_ip(request), succeeded=succeeded)


# ---------------------------------------------------------------------------- lockout
@dataclass(frozen=True)
class Reservation:
    """The outcome of ``reserve_login``: ``allowed``, or refused with the minutes to wait."""

    allowed: bool
    pair_key: str = ""
    account_key: str = ""
    minutes: int = 0
    account_wide: bool = False


def _take(key: str, limit: int, quiet: timedelta) -> bool:
    """Take one attempt from counter ``key`` unless ``limit`` attempts were taken since the
    last quiet spell of ``quiet``: one INSERT … ON CONFLICT DO NOTHING and one conditional UPDATE."""
    now = timezone.now()
    LoginCounter.objects.bulk_create([LoginCounter(key=key, attempts=0, last_at=now)], ignore_conflicts=True)
    quiet_since = Q(last_at__lte=now - quiet)
    return bool(
        LoginCounter.objects.filter(key=key).filter(Q(attempts__lt=limit) | quiet_since).update(
            attempts=Case(When(quiet_since, then=Value(1)), default=F("attempts") + 1), last_at=now,
        )
    )


def _give_back(key: str) -> None:
    LoginCounter.objects.filter(key=key, attempts__gt=0).update(attempts=F("attempts") - 1)


def login_keys(username: str, request) -> tuple[str, str]:
    name = username[:150]
    return f"pair:{name}|{client_ip(request) or '-'}", f"account:{name}"


def reserve_login(username: str, request) -> Reservation:
    """Take an attempt for ``username`` from the client's address before checking a password."""
    pair_key, account_key = login_keys(username, request)
    pair_minutes = settings.LOGIN_LOCKOUT_MINUTES
    if not _take(pair_key, settings.LOGIN_MAX_FAILURES, timedelta(minutes=pair_minutes)):
        return Reservation(False, pair_key, account_key, minutes=pair_minutes)
    account_minutes = settings.LOGIN_ACCOUNT_COOLDOWN_MINUTES
    if not _take(account_key, settings.LOGIN_ACCOUNT_MAX_FAILURES, timedelta(minutes=account_minutes)):
        _give_back(pair_key)
        return Reservation(False, pair_key, account_key, minutes=account_minutes, account_wide=True)
    return Reservation(True, pair_key, account_key)


def login_succeeded(reservation: Reservation) -> None:
    """The password was right: clear the pair's counter, give the account's attempt back."""
    LoginCounter.objects.filter(key=reservation.pair_key).update(attempts=0)
    _give_back(reservation.account_key)


# ---------------------------------------------------------------------------- tokens
def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user, name: str, lifetime: timedelta | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it and its key (shown once, never stored)."""
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    lifetime = lifetime if lifetime is not None else timedelta(days=settings.API_TOKEN_DAYS)
    token = ApiToken.objects.create(
        user=user, name=(name or "").strip()[:100] or "API", key_hash=hash_key(key), prefix=key[:8],
        auth_hash=user.get_session_auth_hash(), created_at=now, expires_at=now + lifetime,
    )
    return token, key


def token_revoke(token: ApiToken, reason: str) -> bool:
    """Revoke one token (``False`` if it was already revoked)."""
    return bool(ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason))


def tokens_revoke_all(user, reason: str) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason)



# --------------------------------------------------------------------------- passwords
PASSWORD_CHANGED = "password_changed"  # on the password page, with the old password
PASSWORD_RESET = "password_reset"      # through the e-mailed link


def password_set_noted(*, user, verb: str, request=None) -> None:
    """Audit a password the user set on the portal's pages (Django's forms saved it; the
    tokens it invalidates are revoked by ``organizations.accounts.signals``)."""
    record(user, verb, user, {"ip": client_ip(request)} if request is not None else {})


# --------------------------------------------------------------- one-time passwords
def note_password_set(user, *, temporary: bool) -> None:
    """A password was stored for ``user``: a one-time password (``temporary``, set by an
    account manager) must be changed at the next sign-in; any other clears that duty."""
    if temporary:
        AccountState.objects.update_or_create(user=user, defaults={"must_change_password": True})
    else:
        AccountState.objects.filter(user=user, must_change_password=True).update(must_change_password=False)


def must_change_password(user) -> bool:
    return AccountState.objects.filter(user=user, must_change_password=True).exists()


# ---------------------------------------------------------------------------- sessions
def sessions_end(user) -> int:
    """End every live session of ``user`` (database sessions: the live ones are decoded, as
    for a deleted device — a rare administrative event); returns how many ended."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            ended.append(session.pk)
    if ended:
        Session.objects.filter(pk__in=ended).delete()
    return len(ended)
