"""Measure server time and query count of portal pages, in-process.

    manage.py bench_pages --user district --runs 20 /org/areas/{city}/ /org/members/

``{city}`` is replaced by the id of the first root area.  For each URL it prints p50/p95 of
the whole request, the time spent in SQL, the server/SQL ratio and the number of queries.
This is a benchmark, not a test: run it against a loaded database (seed_demo).  The whole
``make bench`` flow (database, seeding, scoring, rollups, pages, throughput) is
``manage.py bench``.
"""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test import Client

from dangjian import trees
from dangjian.bench import BadStatus, time_page
from organizations.accounts.testing import verify_session
from organizations.areas.models import Area


class Command(BaseCommand):
    help = "Benchmark portal pages: p50/p95 server time, SQL time and query count."

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="+")
        parser.add_argument("--user", default="district")
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--warmup", type=int, default=2)

    def handle(self, *args, urls, user, runs, warmup, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"no user {user!r}: run seed_demo first")
        root = Area.objects.filter(parent__isnull=True).order_by(trees.tree_field()).first()
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(account)
        verify_session(client, account, device_name="bench")  # administrators and district need a second factor
        self.stdout.write(f"{'url':48} {'p50 ms':>8} {'p95 ms':>8} {'sql ms':>8} {'ratio':>6} {'queries':>7}")
        for raw in urls:
            url = raw.replace("{city}", str(root.pk) if root else "0")
            try:
                t = time_page(client, url, url, runs=runs, warmup=warmup)
            except BadStatus as exc:
                raise CommandError(f"{url} {exc}") from exc
            self.stdout.write(f"{url:48} {t.p50:8.1f} {t.p95:8.1f} {t.sql:8.1f} {t.ratio:6.2f} {t.queries:7d}")
