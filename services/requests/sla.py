"""SLA arithmetic of resident requests (接诉即办 time limits).  Pure functions: no database.

A category's limits are minutes (``RequestCategory.response_minutes`` / ``resolve_minutes``).

* A limit under one day is exact elapsed time: 30 minutes after 23:50 is 00:20 the next
  day, and 2 hours are 7,200 seconds whatever the clocks do.
* A limit of whole days falls at the same local wall-clock time N local calendar days
  later, in the deployment's zone (``settings.TIME_ZONE``, Asia/Shanghai) or the zone
  given: a request made on 1月31日 10:00 with a 7-day limit is due 2月7日 10:00, one made
  on 2月29日 with 1 day on 3月1日, and across a daylight-saving change the wall clock (not
  the elapsed hours) is kept.  A local time that does not exist on the due day (the hour
  skipped in spring) moves forward by the gap; a time that exists twice (autumn) takes
  its first occurrence.
* A limit of whole days and a remainder (e.g. 36 hours) takes the days on the calendar,
  then the remainder as elapsed time.

``remaining``, ``is_overdue`` and ``humanize`` read a deadline against "now" (passed in);
``request_clock`` says which deadline of a request currently matters and whether it was
or is missed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

MINUTES_PER_DAY = 24 * 60


def deployment_zone() -> tzinfo:
    from django.conf import settings

    return ZoneInfo(settings.TIME_ZONE)


def _check_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def add_local_days(start: datetime, days: int, tz: tzinfo) -> datetime:
    """The same local wall-clock time ``days`` calendar days later in ``tz`` (aware, in ``tz``)."""
    _check_aware(start, "start")
    local = start.astimezone(tz).replace(tzinfo=None)
    wall = (local + timedelta(days=days)).replace(tzinfo=tz, fold=0)
    # Round-trip through UTC: a wall time inside a spring-forward gap comes back moved
    # forward by the gap; fold=0 picks the first of two ambiguous autumn times.
    return wall.astimezone(UTC).astimezone(tz)


def due_at(start: datetime, minutes: int, tz: tzinfo | None = None) -> datetime:
    """The deadline ``minutes`` after ``start`` (see the module docstring for the rules)."""
    _check_aware(start, "start")
    minutes = int(minutes)
    if minutes < 0:
        raise ValueError("a time limit cannot be negative")
    tz = tz or deployment_zone()
    days, rest = divmod(minutes, MINUTES_PER_DAY)
    base = add_local_days(start, days, tz) if days else start
    # elapsed time is added in UTC: aware arithmetic within one zone would add wall time
    return (base.astimezone(UTC) + timedelta(minutes=rest)).astimezone(tz)


def request_due_times(created_at: datetime, category, tz: tzinfo | None = None) -> tuple[datetime, datetime]:
    """``(response_due, resolve_due)`` of a request made at ``created_at`` in ``category``
    (anything with ``response_minutes`` and ``resolve_minutes``)."""
    return (
        due_at(created_at, category.response_minutes, tz),
        due_at(created_at, category.resolve_minutes, tz),
    )


def remaining(due: datetime, now: datetime) -> timedelta:
    """Time left until ``due`` (negative once it has passed)."""
    return due - now


def is_overdue(due: datetime | None, now: datetime, done_at: datetime | None = None) -> bool:
    """Missed: done after the deadline, or not done and the deadline has passed."""
    if due is None:
        return False
    if done_at is not None:
        return done_at > due
    return now > due


def _span(delta: timedelta) -> str:
    """"3 天" / "1 天 5 小时" / "3 小时" / "25 分钟" (largest units, rounded down)."""
    seconds = abs(int(delta.total_seconds()))
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes = seconds // 60
    if days >= 3 or (days and not hours):
        return _("%(n)d 天") % {"n": days}
    if days:
        return _("%(d)d 天 %(h)d 小时") % {"d": days, "h": hours}
    if hours:
        return _("%(n)d 小时") % {"n": hours}
    return _("%(n)d 分钟") % {"n": max(minutes, 1)}


def humanize(due: datetime, now: datetime) -> str:
    """"剩余 3 小时" before the deadline, "已超时 2 天" after it."""
    left = remaining(due, now)
    if left.total_seconds() >= 0:
        return _("剩余 %(span)s") % {"span": _span(left)}
    return _("已超时 %(span)s") % {"span": _span(left)}


def limit_label(minutes: int) -> str:
    """A category's limit for people: "30 分钟", "2 小时", "7 天", "1 天 12 小时"."""
    minutes = int(minutes)
    days, rest = divmod(minutes, MINUTES_PER_DAY)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)d 天") % {"n": days})
    if hours:
        parts.append(_("%(n)d 小时") % {"n": hours})
    if mins or not parts:
        parts.append(_("%(n)d 分钟") % {"n": mins})
    return " ".join(parts)


@dataclass(frozen=True)
class Clock:
    """The deadline of a request that matters now."""

    kind: str  # "response" | "resolve" | "" (cancelled: no clock)
    due: datetime | None
    overdue: bool
    done: bool  # the step is finished (resolved): ``overdue`` tells whether it was late
    text: str


# Statuses by their string values, so this module needs no models.
_WAITING = ("submitted", "dispatched")
_WORKING = ("accepted",)
_DONE = ("resolved", "rated")


def request_clock(*, status, response_due, resolve_due, resolved_at=None, now) -> Clock:
    """Before acceptance the response deadline runs; once accepted the resolution
    deadline; once resolved, whether it was resolved in time; cancelled: no clock."""
    status = str(status)
    if status in _WAITING:
        # not yet taken: the response deadline runs, unless even the resolution one passed
        kind, due = ("resolve", resolve_due) if now > resolve_due else ("response", response_due)
        label = _("响应") if kind == "response" else _("办结")
        return Clock(kind, due, now > due, False, f"{label}{humanize(due, now)}")
    if status in _WORKING:
        return Clock("resolve", resolve_due, now > resolve_due, False, _("办结") + humanize(resolve_due, now))
    if status in _DONE:
        late = is_overdue(resolve_due, now, resolved_at or now)
        text = _("超时办结") if late else _("按时办结")
        return Clock("resolve", resolve_due, late, True, text)
    return Clock("", None, False, True, "")
