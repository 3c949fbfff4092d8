"""Every OpenAPI operation answers what its schema says: Schemathesis over the whole schema,
in-process (the WSGI application, no server), as a staff token and anonymously.

* The schema is generated in-process (drf-spectacular's generator), whatever the docs access
  setting says; the requests go to ``get_wsgi_application()`` in this thread, so they see the
  test database.
* The world is the small demo (``seed_demo --scale small``), seeded once for the module inside
  one transaction that is rolled back at the end; every test runs in a savepoint of it, so the
  writes of one operation never leak into the next.
* The staff token belongs to ``district`` (granted the whole city, a managing role), made by
  the action behind the "my API tokens" page (the account needs a second factor for the API).
* Checks: no server error, every status code documented, the documented content type, the
  response body valid against the documented schema.  Positive and negative data
  (``mode: all``), a fixed seed and derandomised Hypothesis, so CI is stable.
* Bounded: ``MAX_EXAMPLES`` per operation and a ``TIME_BUDGET`` for the whole module — past it
  a test fails (it does not skip), so a slow-down is seen.

No operation is excluded: every write runs inside the rolled-back transaction, and the bulk
ones (``POST /api/grids/from-compounds/``, scoring runs) are bounded by the small world.
"""
import json
import time

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

SEED = 2020
MAX_EXAMPLES = 5
TIME_BUDGET = 240.0  # seconds for the whole module (about 60 s on 2 cores when healthy)
STAFF_USERNAME = "district"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "mode": "all"},
        # coverage (boundary values of every field) and stateful (links) multiply the cases
        # several times over; fuzzing with positive and negative data already reaches every
        # documented status of these operations.
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)


def _generated_schema() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))


schema = schemathesis.openapi.from_dict(_generated_schema(), config=CONFIG)
schema.app = get_wsgi_application()

_started = {}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The small demo world and a staff token, for the whole module, rolled back after it."""
    yield from _seeded_world(django_db_blocker)


@pytest.fixture(autouse=True)
def _keep_the_connection():
    """The WSGI handler closes "old" database connections at each request's start and end;
    inside the test's transaction that closes the connection (PostgreSQL).  Django's test
    client unhooks the same handlers around its requests; the WSGI calls here need it too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _seeded_world(django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        # workers=0: no process pool (on PostgreSQL it would close this transaction's connection)
        call_command("seed_demo", scale="small", seed=SEED, workers=0, verbosity=0)
        from django.contrib.auth import get_user_model

        from organizations.accounts.actions import token_create

        # A district account needs a second factor to make tokens, on the web page (a verified
        # session); the action behind that page makes this one.
        _token, key = token_create(user=get_user_model().objects.get(username=STAFF_USERNAME), name="schemathesis")
        _started.setdefault("at", time.monotonic())
        yield {"staff": {"Authorization": f"Token {key}"}, "anonymous": {}}
        transaction.set_rollback(True)


def _within_budget():
    elapsed = time.monotonic() - _started["at"]
    if elapsed > TIME_BUDGET:
        pytest.fail(f"Schemathesis over its time budget: {elapsed:.0f} s > {TIME_BUDGET:.0f} s for this module")


_SETTINGS = hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


@schema.parametrize()
@_SETTINGS
def test_operation_as_staff(case, world, db):
    _within_budget()
    case.call_and_validate(headers=world["staff"], checks=CHECKS)


@schema.parametrize()
@_SETTINGS
def test_operation_anonymously(case, world, db):
    _within_budget()
    case.call_and_validate(headers=world["anonymous"], checks=CHECKS)
