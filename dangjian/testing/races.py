"""One race harness for "exactly one wins" tests (ARCHITECTURE habit 3).

``race(fn, arg_sets)`` starts one thread per argument set, holds them at a barrier until
all have started, lets them call ``fn`` together, and returns each call's outcome in the
order of ``arg_sets``: the value returned, or the exception raised (never swallowed
silently: the caller asserts on it).  Each thread closes its own database connections when
done.  The threads work on committed rows over their own connections, so a race test uses
``@pytest.mark.django_db(transaction=True)`` and, for row locks, PostgreSQL::

    @requires_postgres("concurrent claims are serialized by a row lock")
    @pytest.mark.django_db(transaction=True)
    def test_concurrent_claims_exactly_one_wins():
        ...
        outcomes = race(lambda user: actions.wish_claim(actor=user, wish=wish), users)
        assert len(outcomes.values) == 1
        assert all(isinstance(e, TransitionError) for e in outcomes.errors)
"""
import threading
import time

import pytest
from django.db import connection, connections

__all__ = ("Outcomes", "race", "requires_postgres")


class Outcomes(list):
    """The outcome of each call, in order; ``values`` and ``errors`` split them."""

    @property
    def values(self) -> list:
        return [o for o in self if not isinstance(o, BaseException)]

    @property
    def errors(self) -> list:
        return [o for o in self if isinstance(o, BaseException)]


def race(fn, arg_sets, *, timeout: float = 30) -> Outcomes:
    """Call ``fn`` once per item of ``arg_sets``, all threads released at once.

    An item that is a tuple is spread as positional arguments (``fn(*item)``); any other
    item is passed as the one argument (``fn(item)``).  Fails if a call is still running
    ``timeout`` seconds after the start (a deadlock, or a lock never released).
    """
    calls = [item if isinstance(item, tuple) else (item,) for item in arg_sets]
    outcomes = Outcomes([None] * len(calls))
    barrier = threading.Barrier(len(calls), timeout=timeout)

    def run(i, args):
        try:
            barrier.wait()
            outcomes[i] = fn(*args)
        except Exception as exc:  # handed back to the test, which asserts on it
            outcomes[i] = exc
        finally:
            connections.close_all()  # this thread's connections only

    threads = [threading.Thread(target=run, args=(i, args), daemon=True) for i, args in enumerate(calls)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [i for i, thread in enumerate(threads) if thread.is_alive()]
    assert not stuck, f"race: calls {stuck} still running after {timeout}s (deadlock?)"
    return outcomes


def requires_postgres(why="row locks and concurrent transactions"):
    """Skip unless the tests run on PostgreSQL, saying why and where they do run.

    ``@requires_postgres("concurrent claims are serialized by a row lock")`` (or bare
    ``@requires_postgres``) marks a test function or class ``postgres`` and skips it
    elsewhere with "needs PostgreSQL: <why> (runs in CI on PostgreSQL)".
    """
    if callable(why):  # used bare: @requires_postgres
        return requires_postgres()(why)
    skip = pytest.mark.skipif(connection.vendor != "postgresql", reason=f"needs PostgreSQL: {why} (runs in CI on PostgreSQL)")

    def mark(test):
        return pytest.mark.postgres(skip(test))

    return mark
