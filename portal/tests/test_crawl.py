"""The crawl of ``make bench`` on the small demo data, as each demo role signed in the way
the benchmark signs it in (``Command.signed_in``: administrator and district sessions verified
by a confirmed TOTP device).  Nothing is timed: the crawl only finds the pages.

The world is seeded once for the module inside one transaction, rolled back at the end.
Each role's crawl is bounded (``max_pages``) to keep the module fast; ``community`` is crawled
whole, once per route."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from dangjian import crawl
from organizations.demo.generator import DEMO_USERNAMES
from portal.management.commands.bench import ANONYMOUS, ANONYMOUS_STARTS, ROLES, Command

SEED = 2020


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", scale="small", seed=SEED, workers=0, verbosity=0)
        yield
        transaction.set_rollback(True)


class Recording(Client):
    """A test client that remembers every path it requested."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.requested = []

    def get(self, path, *args, **kwargs):
        self.requested.append(path)
        return super().get(path, *args, **kwargs)


def signed_in(role, monkeypatch):
    monkeypatch.setattr("portal.management.commands.bench.Client", Recording)
    return Command().signed_in(role)


def test_the_bench_crawls_every_demo_account():
    assert set(ROLES) == set(DEMO_USERNAMES)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_pages_from_its_home(world, db, role, monkeypatch):
    client = signed_in(role, monkeypatch)
    if role in ("admin", "district"):  # a second factor is required; the session is verified
        assert client.session[DEVICE_ID_SESSION_KEY]
    result = crawl.crawl(client, per_route=1, max_pages=8)
    assert result.pages[0].url == "/" and len(result.pages) == 8
    assert not any(p.url.startswith("/accounts/2fa/") for p in result.pages)  # no verification page in the way
    assert result.failures == []


def test_a_resident_signed_out_starts_at_the_public_pages(world, db, monkeypatch):
    client = signed_in(ANONYMOUS, monkeypatch)
    result = crawl.crawl(client, starts=ANONYMOUS_STARTS, per_route=1)
    assert [p.url for p in result.pages[:2]] == ["/w/", "/r/"]
    assert result.failures == [] and result.dead == []


def test_a_whole_crawl_groups_by_route_and_never_follows_an_export_or_logout(world, db, monkeypatch):
    client = signed_in("community", monkeypatch)
    result = crawl.crawl(client, per_route=1)
    routes = [p.route for p in result.pages]
    assert len(routes) == len(set(routes)) > 40  # one page per route, many routes
    assert {"/", "/org/members/<int:pk>/", "/life/", "/services/wishes/<int:pk>/"} <= set(routes)
    assert result.skipped["export"] > 0  # the export links are there, and left alone
    for path in client.requested:
        assert crawl.skip_reason(*path.partition("?")[::2]) is None, path
        assert ".xlsx" not in path and "/export" not in path and "logout" not in path  # (logout is a POST form)
    assert result.failures == []  # no page of the portal answers 500
    assert not result.capped


@pytest.mark.parametrize(("args", "message"), [
    (["--roles", "district,nobody"], "unknown roles nobody"),
    (["--no-crawl", "--only-crawl"], "exclude each other"),
])
def test_the_bench_refuses_wrong_options(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("bench", *args)
