"""Test clients and the small helpers every endpoint test needs, written once.

``api_client(user)``
    A DRF ``APIClient``, force-authenticated as a freshly loaded copy of ``user`` (so the
    first request computes the user's scope itself, as a real request does).
``logged_in(user)``
    A Django test ``Client`` signed in as ``user`` (the session loads the user anew on
    every request); anonymous without ``user``.
``ids(response)``
    The ``id`` of every row of a list answer, paginated (``{"results": [...]}``) or plain.
``captured_queries(client, url)`` / ``query_count(client, url)``
    GET ``url`` (expecting 200) and return the queries it ran / how many.  An API client
    is re-authenticated with a fresh copy of its user first, outside the count, so every
    measured request pays for its scope the same way and two counts compare fairly.
"""
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient


def fresh(user):
    """The same user loaded again: no cached scope, no cached relations."""
    return get_user_model()._default_manager.get(pk=user.pk)


def api_client(user=None) -> APIClient:
    """An API client; anonymous without ``user``, else force-authenticated as a fresh copy."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=fresh(user))
    return client


def logged_in(user, client: Client | None = None) -> Client:
    """``client`` (a new Django test client by default) signed in as ``user``; anonymous
    without ``user``."""
    client = client if client is not None else Client()
    if user is not None:
        client.force_login(user)
    return client


def path(response) -> str:
    """The path a test-client response answered."""
    return response.request.get("PATH_INFO", "?")


def ids(response) -> set:
    """Ids of the rows of a 200 list answer, paginated or plain."""
    assert response.status_code == 200, f"GET {path(response)}: expected 200, got {response.status_code}: {response.content[:300]!r}"
    data = response.json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    return {row["id"] for row in rows}


def _refresh_forced_user(client) -> None:
    # APIClient.force_authenticate keeps one user object for every request, and the scope
    # is cached on it after the first; hand the client a fresh copy so each count is whole.
    user = getattr(getattr(client, "handler", None), "_force_user", None)
    if isinstance(client, APIClient) and user is not None:
        client.force_authenticate(user=fresh(user))


def captured_queries(client, url: str):
    """GET ``url`` through ``client``; return ``(response, queries)``.  Fails unless 200."""
    _refresh_forced_user(client)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, f"GET {url}: expected 200, got {response.status_code}"
    return response, list(ctx.captured_queries)


def query_count(client, url: str) -> int:
    """How many queries one GET of ``url`` runs (expects 200)."""
    return len(captured_queries(client, url)[1])


def listing(queries) -> str:
    """Numbered SQL of captured queries, for failure messages."""
    return "\n".join(f"{i + 1}. {q['sql'][:300]}" for i, q in enumerate(queries))
