"""The race harness (dangjian.testing.races): concurrent calls, outcomes in order, every
thread's connections closed, a hang reported; and the PostgreSQL skip marker's wording."""
import threading

import pytest
from django.db import connection

from dangjian.testing import races
from dangjian.testing.races import race, requires_postgres


def test_outcomes_come_back_in_order_values_and_errors_apart():
    def divide(a, b):
        return a // b

    outcomes = race(divide, [(6, 3), (1, 0), (9, 3)])
    assert outcomes[0] == 2 and outcomes[2] == 3
    assert isinstance(outcomes[1], ZeroDivisionError)
    assert outcomes.values == [2, 3]
    assert [type(e) for e in outcomes.errors] == [ZeroDivisionError]


def test_a_single_argument_need_not_be_a_tuple():
    assert race(str.upper, ["a", "b"]) == ["A", "B"]


def test_the_calls_run_at_the_same_time():
    # Each call waits for all the others: it returns only if every call is under way at once.
    together = threading.Barrier(4, timeout=5)
    outcomes = race(lambda i: together.wait() is not None and i, range(4))
    assert outcomes.errors == [] and sorted(outcomes) == [0, 1, 2, 3]


def test_each_thread_closes_its_connections(monkeypatch):
    closed = []
    monkeypatch.setattr(races.connections, "close_all", lambda: closed.append(threading.get_ident()))
    race(lambda i: i, range(3))
    assert len(set(closed)) == 3 and threading.get_ident() not in closed


def test_a_call_that_never_ends_is_reported():
    release = threading.Event()
    try:
        with pytest.raises(AssertionError, match=r"calls \[1\] still running after 0.5s"):
            race(lambda hangs: hangs and release.wait(), [False, True], timeout=0.5)
    finally:
        release.set()


@pytest.mark.parametrize("marker", [requires_postgres("concurrent claims are serialized by a row lock"), requires_postgres])
def test_the_postgres_marker_says_why_and_where_the_test_runs(marker):
    @marker
    def a_race_test():
        pass

    marks = {m.name: m for m in a_race_test.pytestmark}
    assert set(marks) == {"skipif", "postgres"}
    assert marks["skipif"].args == (connection.vendor != "postgresql",)
    reason = marks["skipif"].kwargs["reason"]
    assert reason.startswith("needs PostgreSQL: ") and reason.endswith(" (runs in CI on PostgreSQL)")
    if marker is not requires_postgres:
        assert "concurrent claims are serialized by a row lock" in reason
