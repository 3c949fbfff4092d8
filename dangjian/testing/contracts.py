"""Contract test bases for every list and detail endpoint, API and HTML (ARCHITECTURE habit 7).

Modelled on NetBox's ``APIViewTestCases`` / ``ViewTestCases``, as plain pytest classes.  A
concrete test class mixes in the contracts its endpoint must keep and declares the endpoint;
the bases hold the tests.  Their names do not start with ``Test``, so only concrete classes
are collected::

    class TestMemberApi(ApiListContract, ApiDetailContract):
        list_url = "/api/members/"
        detail_url = by_pk("member-detail")
        list_budget = BUDGETS["member-list"]
        detail_budget = BUDGETS["member-detail"]

        @pytest.fixture(autouse=True)
        def _world(self, city):
            self.w = city

        @pytest.fixture
        def user_in_scope(self):
            return user_with(Role.COMMUNITY, self.w.a.area)

        def make_in_scope(self):
            return MemberFactory(organization=self.w.a.branch, residence=self.w.a.building)

        def make_out_of_scope(self):
            return MemberFactory(organization=self.w.b.branch, residence=self.w.b.building)

Declarations
    ``list_url`` (list contracts)           the list's URL (a string or ``reverse_lazy``)
    ``detail_url(obj)`` (detail contracts)  the object's URL; ``by_pk(route)`` builds one
    ``list_budget`` / ``detail_budget``     query ceilings, from the app's ``tests/budgets.py``
    ``user_in_scope`` (fixture)             a user who may open the endpoint within a subtree
    ``make_in_scope()``                     a new object inside that user's subtree
    ``make_out_of_scope()``                 a new object outside it
    ``user_without_permission`` (fixture)   optional: signed in, but their role may not open
                                            the endpoint (403); the default ``None`` skips
    ``make_related(obj)``                   optional: rows the detail of ``obj`` shows (more
                                            members of an org, children of an area); the
                                            default makes another in-scope object
    ``list_context`` (pages)                the template context entry holding the rows
                                            (default ``"page_obj"``)

Guarantees, each a test (``test_list_*`` from the list contracts, ``test_detail_*`` from the
detail ones):
    refused without permission   anonymous: 401/403 (API) or a redirect to the login (pages);
                                 the declared role without permission: 403
    in scope is visible          the in-scope object is listed; its detail answers 200
    404 for out of scope         the out-of-scope object is never listed (nor its link) and
                                 its detail answers 404 with the very body a missing pk gets,
                                 while a superuser opens it (so the 404 is the scope's)
    query count flat             the same number of queries with ``more_rows`` more rows,
                                 and no more than the budget
"""
import difflib
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.shortcuts import resolve_url
from django.urls import reverse

from dangjian.testing.clients import api_client, captured_queries, ids, listing, logged_in, path

__all__ = ("ApiDetailContract", "ApiListContract", "PageDetailContract", "PageListContract", "by_pk")


def by_pk(route: str):
    """``detail_url`` for a route taking the object's pk: ``detail_url = by_pk("member-detail")``."""
    return staticmethod(lambda obj: reverse(route, args=[obj.pk]))


def missing(obj):
    """An unsaved instance of ``obj``'s model with a pk no row has."""
    model = type(obj)
    top = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
    return model(pk=top + 1000)


def superuser():
    return get_user_model()._default_manager.create_user(username="contract-superuser", is_superuser=True)


def query_diff(before, after) -> str:
    """The queries added or dropped between two captures (SQL with its literals masked)."""
    def shapes(queries):
        return [_LITERAL.sub("?", q["sql"])[:200] for q in queries]

    lines = difflib.unified_diff(shapes(before), shapes(after), "few rows", "more rows", n=0, lineterm="")
    return "\n".join(lines)


_LITERAL = re.compile(r"'[^']*'|\"s\d+_x\d+\"|\b\d+\b")  # strings, savepoint names, numbers
_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")  # a masked CSRF token differs on every response


# ------------------------------------------------------------------------- flavours
class _Api:
    """DRF endpoints answering JSON."""

    def client_for(self, user):
        return api_client(user)

    def assert_refused_anonymous(self, response, url):
        assert response.status_code in (401, 403), f"anonymous GET {url}: {response.status_code}, expected 401/403"

    def listed(self, response) -> set:
        return ids(response)


class _Page:
    """Django views answering HTML."""

    list_context = "page_obj"

    def client_for(self, user):
        return logged_in(user)

    def assert_refused_anonymous(self, response, url):
        login = resolve_url(settings.LOGIN_URL)
        assert response.status_code == 302 and response["Location"].startswith(login), (
            f"anonymous GET {url}: {response.status_code} {response.get('Location')}, expected a redirect to {login}"
        )

    def listed(self, response) -> set:
        assert response.status_code == 200, f"GET {path(response)}: expected 200, got {response.status_code}"
        context = response.context
        assert context is not None and self.list_context in context, (
            f"no {self.list_context!r} in the page's template context: set list_context to the entry holding the rows"
        )
        return {row.pk for row in context[self.list_context]}


# ------------------------------------------------------------------------- shared
class _Contract:
    more_rows = 5  # rows added between the two query counts

    @pytest.fixture(autouse=True)
    def _contract_db(self, db):
        """Every contract test uses the database."""

    @pytest.fixture
    def user_without_permission(self):
        """Override with a signed-in user whose role may not open the endpoint (403)."""
        return None

    def make_in_scope(self):
        raise NotImplementedError(f"{type(self).__name__} must define make_in_scope()")

    def make_out_of_scope(self):
        raise NotImplementedError(f"{type(self).__name__} must define make_out_of_scope()")

    def make_related(self, obj):
        """Rows the detail page of ``obj`` shows; by default another in-scope object."""
        return self.make_in_scope()

    def assert_refused_to_role(self, user, url):
        if user is None:
            pytest.skip("no user_without_permission declared: every signed-in role may open this endpoint")
        response = self.client_for(user).get(url)
        assert response.status_code == 403, f"GET {url} by a role without permission: {response.status_code}, expected 403"

    def assert_flat(self, client, url, budget, grow, *, lists_new_rows=False):
        """Count the queries of ``url``, call ``grow()`` (which returns the new rows), count
        again: the counts must be equal and within ``budget``.  With ``lists_new_rows`` the
        new rows must show in the second answer (else the test would measure nothing)."""
        assert budget is not None, f"{type(self).__name__} declares no query budget for {url}"
        client.get(url)  # warm-up: one-off work (caches, first-use lookups) is not the rows'
        _, few = captured_queries(client, url)
        added = grow()
        response, many = captured_queries(client, url)
        if lists_new_rows:
            missing_rows = {o.pk for o in added} - self.listed(response)
            assert not missing_rows, f"GET {url}: the {len(added)} rows made in scope are not all listed (missing {missing_rows})"
        assert len(many) == len(few), (
            f"GET {url}: {len(few)} queries, then {len(many)} with {len(added)} more rows:\n{listing(many)}\n"
            f"what changed:\n{query_diff(few, many)}"
        )
        assert len(many) <= budget, f"GET {url}: {len(many)} queries, budget {budget}:\n{listing(many)}"


class _ListContract(_Contract):
    list_url = None
    list_budget = None

    def test_list_refused_to_anonymous(self):
        """Anonymous callers are refused before anything is read."""
        url = str(self.list_url)
        self.assert_refused_anonymous(self.client_for(None).get(url), url)

    def test_list_refused_to_role_without_permission(self, user_without_permission):
        """A signed-in role that may not open the list gets 403."""
        self.assert_refused_to_role(user_without_permission, str(self.list_url))

    def test_list_shows_in_scope_never_out_of_scope(self, user_in_scope):
        """The list holds the in-scope object and never the out-of-scope one (nor its link)."""
        inside, outside = self.make_in_scope(), self.make_out_of_scope()
        url = str(self.list_url)
        response = self.client_for(user_in_scope).get(url)
        listed = self.listed(response)
        assert inside.pk in listed, f"GET {url}: the in-scope object {inside!r} is not listed"
        assert outside.pk not in listed, f"GET {url}: the out-of-scope object {outside!r} is listed"
        detail_url = getattr(self, "detail_url", None)
        if detail_url is not None:
            assert detail_url(outside) not in response.content.decode(), f"GET {url} links the out-of-scope {outside!r}"

    def test_list_query_count_flat(self, user_in_scope):
        """The list runs as many queries for few rows as for many, within its budget."""
        self.make_in_scope()
        client = self.client_for(user_in_scope)
        self.assert_flat(
            client, str(self.list_url), self.list_budget,
            grow=lambda: [self.make_in_scope() for _ in range(self.more_rows)], lists_new_rows=True,
        )


class _DetailContract(_Contract):
    detail_budget = None

    def detail_url(self, obj) -> str:
        raise NotImplementedError(f"{type(self).__name__} must define detail_url (e.g. detail_url = by_pk(route))")

    def test_detail_refused_to_anonymous(self):
        """Anonymous callers are refused, whatever the object."""
        url = self.detail_url(self.make_in_scope())
        self.assert_refused_anonymous(self.client_for(None).get(url), url)

    def test_detail_refused_to_role_without_permission(self, user_without_permission):
        """A signed-in role that may not open the detail gets 403."""
        self.assert_refused_to_role(user_without_permission, self.detail_url(self.make_in_scope()))

    def test_detail_in_scope_is_200(self, user_in_scope):
        """The in-scope object opens."""
        url = self.detail_url(self.make_in_scope())
        response = self.client_for(user_in_scope).get(url)
        assert response.status_code == 200, f"GET {url} in scope: {response.status_code}, expected 200"

    def test_detail_out_of_scope_is_404_like_missing(self, user_in_scope):
        """Out of scope answers 404 with the body a missing pk gets: nothing tells them apart.
        A superuser opens the same object, so the 404 comes from the scope."""
        outside = self.make_out_of_scope()
        out_url, missing_url = self.detail_url(outside), self.detail_url(missing(outside))
        client = self.client_for(user_in_scope)
        out, gone = client.get(out_url), client.get(missing_url)
        assert out.status_code == 404, f"GET {out_url} out of scope: {out.status_code}, expected 404"
        assert gone.status_code == 404, f"GET {missing_url} (no such row): {gone.status_code}, expected 404"
        assert self.body(out, out_url) == self.body(gone, missing_url), (
            f"the 404 of an out-of-scope object differs from a missing one's:\n{out.content[:500]!r}\n{gone.content[:500]!r}"
        )
        seen = self.client_for(superuser()).get(out_url)
        assert seen.status_code == 200, f"GET {out_url} by a superuser: {seen.status_code}; make_out_of_scope must make a real object"

    def test_detail_query_count_flat(self, user_in_scope):
        """The detail runs as many queries with one related row as with many, within its budget.
        (One, not none: a query skipped while there is nothing to show is no defect.)"""
        obj = self.make_in_scope()
        self.make_related(obj)
        self.assert_flat(
            self.client_for(user_in_scope), self.detail_url(obj), self.detail_budget,
            grow=lambda: [self.make_related(obj) for _ in range(self.more_rows)],
        )

    @staticmethod
    def body(response, url) -> str:
        """The answer's text with what legitimately differs (its own URL, CSRF tokens) masked."""
        return _TOKEN.sub("<token>", response.content.decode().replace(url, "<url>"))


# ------------------------------------------------------------------------- public bases
class ApiListContract(_Api, _ListContract):
    """An API list: refused to anonymous callers, scoped, flat in queries."""


class ApiDetailContract(_Api, _DetailContract):
    """An API detail: refused to anonymous callers, 404 out of scope as when missing, flat in queries."""


class PageListContract(_Page, _ListContract):
    """An HTML list page: login required, scoped, flat in queries."""


class PageDetailContract(_Page, _DetailContract):
    """An HTML detail page: login required, 404 out of scope as when missing, flat in queries."""
