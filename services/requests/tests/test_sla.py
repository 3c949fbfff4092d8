"""SLA arithmetic without the database: elapsed limits, calendar-day limits across
midnight, month ends, leap days, a UTC instant that is already tomorrow in Shanghai, and a
daylight-saving zone given explicitly."""
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from services.requests import sla
from services.requests.defaults import DAY, HOUR

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")


def sh(*args):
    return datetime(*args, tzinfo=SH)


def test_limits_under_a_day_are_elapsed_time_across_midnight():
    assert sla.due_at(sh(2026, 11, 22, 23, 50), 30, SH) == sh(2026, 11, 23, 0, 20)
    assert sla.due_at(sh(2026, 11, 22, 23, 0), 2 * HOUR, SH) == sh(2026, 11, 23, 1, 0)


def test_whole_days_keep_the_local_wall_clock_across_month_and_year_ends():
    assert sla.due_at(sh(2026, 1, 31, 10, 0), 7 * DAY, SH) == sh(2026, 2, 7, 10, 0)
    assert sla.due_at(sh(2026, 12, 25, 9, 15), 15 * DAY, SH) == sh(2027, 1, 9, 9, 15)
    assert sla.due_at(sh(2026, 4, 30, 18, 0), DAY, SH) == sh(2026, 5, 1, 18, 0)


def test_leap_day():
    assert sla.due_at(sh(2028, 2, 28, 8, 0), DAY, SH) == sh(2028, 2, 29, 8, 0)
    assert sla.due_at(sh(2028, 2, 29, 8, 0), DAY, SH) == sh(2028, 3, 1, 8, 0)
    assert sla.due_at(sh(2027, 2, 28, 8, 0), DAY, SH) == sh(2027, 3, 1, 8, 0)  # no 2月29日 in 2027


def test_a_utc_instant_that_is_already_the_next_day_in_shanghai():
    start = datetime(2026, 3, 31, 17, 30, tzinfo=UTC)  # 4月1日 01:30 in Shanghai
    due = sla.due_at(start, 7 * DAY, SH)
    assert due == sh(2026, 4, 8, 1, 30)
    assert due.astimezone(UTC) == datetime(2026, 4, 7, 17, 30, tzinfo=UTC)


def test_days_plus_a_remainder():
    assert sla.due_at(sh(2026, 5, 1, 20, 0), DAY + 12 * HOUR, SH) == sh(2026, 5, 3, 8, 0)


def test_default_zone_is_the_deployment_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    start = datetime(2026, 3, 31, 17, 30, tzinfo=UTC)
    assert sla.due_at(start, DAY) == sh(2026, 4, 2, 1, 30)


def test_dst_spring_forward_keeps_the_wall_clock_not_the_hours():
    # 2026-03-08 is the spring-forward day in New York (02:00 → 03:00).
    start = datetime(2026, 3, 7, 9, 0, tzinfo=NY)
    due = sla.due_at(start, DAY, NY)
    assert due.replace(tzinfo=None) == datetime(2026, 3, 8, 9, 0)
    assert due.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)  # a 23-hour calendar day
    # while an hour-based limit stays exact elapsed time: 23 hours later is 09:00 again,
    # 20 hours later is 06:00 (not 05:00 by the wall clock)
    assert sla.due_at(start, 23 * 60, NY).replace(tzinfo=None) == datetime(2026, 3, 8, 9, 0)
    assert sla.due_at(start, 20 * 60, NY).replace(tzinfo=None) == datetime(2026, 3, 8, 6, 0)


def test_dst_gap_time_moves_forward_by_the_gap():
    start = datetime(2026, 3, 7, 2, 30, tzinfo=NY)
    due = sla.due_at(start, DAY, NY)  # 2026-03-08 02:30 does not exist in New York
    assert due.replace(tzinfo=None) == datetime(2026, 3, 8, 3, 30)
    assert due.utcoffset() == timedelta(hours=-4)


def test_dst_autumn_ambiguous_time_takes_the_first_occurrence():
    start = datetime(2026, 10, 31, 1, 30, tzinfo=NY)
    due = sla.due_at(start, DAY, NY)  # 2026-11-01 01:30 happens twice
    assert due.replace(tzinfo=None) == datetime(2026, 11, 1, 1, 30)
    assert due.utcoffset() == timedelta(hours=-4)


def test_naive_and_negative_inputs_are_refused():
    with pytest.raises(ValueError):
        sla.due_at(datetime(2026, 1, 1, 8, 0), 60, SH)
    with pytest.raises(ValueError):
        sla.due_at(sh(2026, 1, 1, 8, 0), -1, SH)


def test_request_due_times_from_a_category():
    category = SimpleNamespace(response_minutes=2 * HOUR, resolve_minutes=DAY)
    response, resolve = sla.request_due_times(sh(2026, 11, 22, 22, 0), category, SH)
    assert (response, resolve) == (sh(2026, 11, 23, 0, 0), sh(2026, 11, 23, 22, 0))


@pytest.mark.parametrize("delta, text", [
    (timedelta(hours=3, minutes=10), "剩余 3 小时"),
    (timedelta(minutes=25), "剩余 25 分钟"),
    (timedelta(seconds=20), "剩余 1 分钟"),
    (timedelta(days=1, hours=5), "剩余 1 天 5 小时"),
    (timedelta(days=4, hours=5), "剩余 4 天"),
    (-timedelta(days=2, hours=0, minutes=5), "已超时 2 天"),
    (-timedelta(hours=5), "已超时 5 小时"),
])
def test_humanize_in_chinese(delta, text):
    now = sh(2026, 11, 22, 12, 0)
    assert sla.humanize(now + delta, now) == text


def test_remaining_and_is_overdue():
    now = sh(2026, 11, 22, 12, 0)
    due = now + timedelta(hours=1)
    assert sla.remaining(due, now) == timedelta(hours=1)
    assert not sla.is_overdue(due, now)
    assert sla.is_overdue(due, now + timedelta(hours=2))
    assert not sla.is_overdue(due, now + timedelta(hours=2), done_at=now)  # done in time stays in time
    assert sla.is_overdue(due, now, done_at=due + timedelta(seconds=1))
    assert not sla.is_overdue(None, now)


def test_limit_labels():
    assert [sla.limit_label(m) for m in (30, 2 * HOUR, 24 * HOUR, 7 * DAY, DAY + 12 * HOUR)] == [
        "30 分钟", "2 小时", "1 天", "7 天", "1 天 12 小时"]


def test_request_clock_follows_the_status():
    now = sh(2026, 11, 22, 12, 0)
    response, resolve = now + timedelta(hours=1), now + timedelta(days=2)
    waiting = sla.request_clock(status="dispatched", response_due=response, resolve_due=resolve, now=now)
    assert waiting.kind == "response" and not waiting.overdue and waiting.text == "响应剩余 1 小时"
    late = sla.request_clock(status="submitted", response_due=response, resolve_due=resolve, now=now + timedelta(hours=3))
    assert late.overdue and late.text == "响应已超时 2 小时"
    working = sla.request_clock(status="accepted", response_due=response, resolve_due=resolve, now=now)
    assert working.kind == "resolve" and working.text == "办结剩余 2 天"
    done = sla.request_clock(status="resolved", response_due=response, resolve_due=resolve,
                             resolved_at=resolve + timedelta(minutes=1), now=now)
    assert done.done and done.overdue and done.text == "超时办结"
    assert sla.request_clock(status="rated", response_due=response, resolve_due=resolve, resolved_at=now,
                             now=now).text == "按时办结"
    assert sla.request_clock(status="cancelled", response_due=response, resolve_due=resolve, now=now).kind == ""
