"""A small fixed-window rate limiter on the Django cache (locmem in development, Redis in
production — both increment atomically), with a per-process fallback while the cache is down.

``hit(key, limit, window_seconds)`` counts one attempt for ``key`` in the current window
and answers whether it is still allowed (``True``) or over the limit (``False``).  The
window is aligned to multiples of ``window_seconds``, so the counter key carries the window
number and expires by itself.  ``allowed(key, limit, window_seconds)`` only looks (is there
room for one more?) and ``count(key, window_seconds)`` only counts: the residents' forms check
before and count after a submission succeeded, so a refused or mistyped form costs nothing.

Limits are read from settings with defaults (``limit_for``), so deployments can tune them
without code: ``WISH_SUBMIT_IP_LIMIT = (5, 3600)`` means five per hour per client IP.  The
``*_named`` functions take such a setting's name and namespace the key by it.

When the cache does not answer (Redis stopped, unreachable, out of memory), the counters
move to a per-process store (a bounded dict): limits still hold per worker process (so, with
``gunicorn -w 4``, up to four times as loose) and a submission is never refused or lost
because the limiter's store is down — the limiter fails open.  One warning per minute and
process is logged, naming the store's error class only (never a key: keys hold client
addresses and phone hashes).  As soon as the cache answers again it is used again.
"""
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

PREFIX = "rl:"

DEFAULT_LIMITS = {
    # successful anonymous wish submissions per client IP and per requester phone (its keyed hash)
    "WISH_SUBMIT_IP_LIMIT": (5, 3600),
    "WISH_SUBMIT_PHONE_LIMIT": (3, 86400),
    # wrong "last four digits" on a public rating: per tracking code (caps guessing one code)
    # and a generous ceiling per client IP
    "WISH_RATE_CODE_LIMIT": (5, 3600),
    "WISH_RATE_IP_LIMIT": (30, 3600),
    # residents' requests (点单): the same shape as wishes
    "REQUEST_SUBMIT_IP_LIMIT": (5, 3600),
    "REQUEST_SUBMIT_PHONE_LIMIT": (3, 86400),
    "REQUEST_RATE_CODE_LIMIT": (5, 3600),
    "REQUEST_RATE_IP_LIMIT": (30, 3600),
    # Open311 POST: every attempt per client IP (a generous ceiling, it also slows key guessing)
    # and accepted service requests per api_key
    "OPEN311_POST_IP_LIMIT": (1000, 3600),
    "OPEN311_POST_KEY_LIMIT": (500, 3600),
    # staff look-ups of a member by phone or ID number, per user (refused attempts count too)
    "MEMBER_LOOKUP_USER_LIMIT": (30, 3600),
    # password reset requests (the e-mail form's POST) per client IP, every attempt counted
    "PASSWORD_RESET_IP_LIMIT": (5, 3600),
    # residents' deliberation (居民议事): proposals as wishes; supports and comments per client
    # IP and per phone (successful ones counted); wrong rating digits per topic code and per IP
    "DELIBERATION_PROPOSE_IP_LIMIT": (5, 3600),
    "DELIBERATION_PROPOSE_PHONE_LIMIT": (3, 86400),
    "DELIBERATION_SUPPORT_IP_LIMIT": (20, 3600),
    "DELIBERATION_SUPPORT_PHONE_LIMIT": (20, 86400),
    "DELIBERATION_COMMENT_IP_LIMIT": (10, 3600),
    "DELIBERATION_COMMENT_PHONE_LIMIT": (5, 86400),
    "DELIBERATION_RATE_CODE_LIMIT": (5, 3600),
    "DELIBERATION_RATE_IP_LIMIT": (30, 3600),
}

# ------------------------------------------------------------------- per-process fallback
LOCAL_MAX_KEYS = 50_000
WARN_EVERY_SECONDS = 60

_local: dict[str, tuple[int, float]] = {}  # bucket → (count, expires at)
_local_lock = threading.Lock()
_last_warning = [0.0]


def reset_local() -> None:
    """Forget the per-process counters (tests)."""
    with _local_lock:
        _local.clear()
    _last_warning[0] = 0.0


def _warn(exc: Exception) -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= WARN_EVERY_SECONDS or not _last_warning[0]:
        _last_warning[0] = now
        logger.warning("rate limiter: cache unavailable (%s), counting per process", type(exc).__name__)


def _local_incr(bucket: str, timeout: int) -> int:
    now = time.time()
    with _local_lock:
        if len(_local) >= LOCAL_MAX_KEYS:
            for stale in [k for k, (_c, exp) in _local.items() if exp <= now]:
                del _local[stale]
            if len(_local) >= LOCAL_MAX_KEYS:  # still full of live keys: drop the oldest half
                for old in list(_local)[: LOCAL_MAX_KEYS // 2]:
                    del _local[old]
        count, expires = _local.get(bucket, (0, 0.0))
        if expires <= now:
            count, expires = 0, now + timeout
        _local[bucket] = (count + 1, expires)
        return count + 1


def _local_get(bucket: str) -> int:
    with _local_lock:
        count, expires = _local.get(bucket, (0, 0.0))
    return count if expires > time.time() else 0


def _cache_incr(bucket: str, timeout: int) -> int:
    # ``add`` only sets a missing key, so concurrent first hits do not reset each other.
    cache.add(bucket, 0, timeout=timeout)
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=timeout)
        return 1


def _incr(bucket: str, timeout: int) -> int:
    try:
        return _cache_incr(bucket, timeout)
    except Exception as exc:  # the store is down: count per process, never fail the request
        _warn(exc)
        try:
            return _local_incr(bucket, timeout)
        except Exception:  # pragma: no cover - fail open
            return 0


def _get(bucket: str) -> int:
    try:
        return int(cache.get(bucket) or 0)
    except Exception as exc:
        _warn(exc)
        try:
            return _local_get(bucket)
        except Exception:  # pragma: no cover - fail open
            return 0


# ------------------------------------------------------------------------------ the API
def limit_for(name: str) -> tuple[int, int]:
    """``(limit, window_seconds)`` from settings ``name`` or the default."""
    limit, window = getattr(settings, name, DEFAULT_LIMITS[name])
    return int(limit), int(window)


def _bucket_key(key: str, window_seconds: int, now: float) -> str:
    return f"{PREFIX}{key}:{window_seconds}:{int(now // window_seconds)}"


def hit(key: str, limit: int, window_seconds: int, *, now: float | None = None) -> bool:
    """Count one attempt; ``False`` once more than ``limit`` attempts fell in the window."""
    if limit <= 0:
        return False
    now = time.time() if now is None else now
    return _incr(_bucket_key(key, window_seconds, now), window_seconds + 1) <= limit


def allowed(key: str, limit: int, window_seconds: int, *, now: float | None = None) -> bool:
    """Is there room for one more attempt in the window (nothing counted)?"""
    if limit <= 0:
        return False
    now = time.time() if now is None else now
    return _get(_bucket_key(key, window_seconds, now)) < limit


def count(key: str, window_seconds: int, *, now: float | None = None) -> int:
    """Count one attempt (after it succeeded, or after a failed guess); the new count."""
    now = time.time() if now is None else now
    return _incr(_bucket_key(key, window_seconds, now), window_seconds + 1)


def hit_named(name: str, key: str) -> bool:
    """``hit`` with the limit configured under setting ``name``; the key is namespaced by it."""
    limit, window = limit_for(name)
    return hit(f"{name}:{key}", limit, window)


def allowed_named(name: str, key: str) -> bool:
    """``allowed`` with the limit configured under setting ``name``."""
    limit, window = limit_for(name)
    return allowed(f"{name}:{key}", limit, window)


def count_named(name: str, key: str) -> int:
    """``count`` under setting ``name``'s window."""
    _limit, window = limit_for(name)
    return count(f"{name}:{key}", window)


def retry_after(name: str) -> int:
    """Seconds until the current window of limit ``name`` ends (for ``Retry-After``)."""
    _limit, window = limit_for(name)
    return max(1, int(window - time.time() % window))
