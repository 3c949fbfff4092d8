"""A small fixed-window rate limiter on the Django cache (locmem in development, Redis in
production — both increment atomically).

``hit(key, limit, window_seconds)`` counts one attempt for ``key`` in the current window
and answers whether it is still allowed (``True``) or over the limit (``False``).  The
window is aligned to multiples of ``window_seconds``, so the counter key carries the window
number and expires by itself.

Limits are read from settings with defaults (``limit_for``), so deployments can tune them
without code: ``WISH_SUBMIT_IP_LIMIT = (5, 3600)`` means five per hour per client IP.
"""
import time

from django.conf import settings
from django.core.cache import cache

PREFIX = "rl:"

DEFAULT_LIMITS = {
    # anonymous wish submissions per client IP and per requester phone (its keyed hash)
    "WISH_SUBMIT_IP_LIMIT": (5, 3600),
    "WISH_SUBMIT_PHONE_LIMIT": (3, 86400),
    # public rating attempts per client IP (also guards guessing the phone's last digits)
    "WISH_RATE_IP_LIMIT": (10, 3600),
    # residents' requests (点单): the same shape as wishes
    "REQUEST_SUBMIT_IP_LIMIT": (5, 3600),
    "REQUEST_SUBMIT_PHONE_LIMIT": (3, 86400),
    "REQUEST_RATE_IP_LIMIT": (10, 3600),
    # Open311 POST requests: per client IP and per api_key
    "OPEN311_POST_IP_LIMIT": (20, 3600),
    "OPEN311_POST_KEY_LIMIT": (500, 3600),
    # staff look-ups of a member by phone or ID number, per user (refused attempts count too)
    "MEMBER_LOOKUP_USER_LIMIT": (30, 3600),
}


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
    bucket = _bucket_key(key, window_seconds, now)
    # ``add`` only sets a missing key, so concurrent first hits do not reset each other.
    cache.add(bucket, 0, timeout=window_seconds + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window_seconds + 1)
        count = 1
    return count <= limit


def hit_named(name: str, key: str) -> bool:
    """``hit`` with the limit configured under setting ``name``; the key is namespaced by it."""
    limit, window = limit_for(name)
    return hit(f"{name}:{key}", limit, window)


def retry_after(name: str) -> int:
    """Seconds until the current window of limit ``name`` ends (for ``Retry-After``)."""
    _limit, window = limit_for(name)
    return max(1, int(window - time.time() % window))
