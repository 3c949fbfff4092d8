"""Measure server time and query count of portal pages, in-process.

    manage.py bench_pages --user district --runs 20 /org/areas/{city}/ /org/members/

``{city}`` is replaced by the id of the first root area.  For each URL it prints p50/p95 of
the whole request, the time spent in SQL, the server/SQL ratio and the number of queries.
This is a benchmark, not a test: run it against a loaded database (seed_demo).
"""
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from organizations.models import Area


def percentile(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


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
        root = Area.objects.filter(parent__isnull=True).order_by("tree_id").first()
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(account)
        self.stdout.write(f"{'url':48} {'p50 ms':>8} {'p95 ms':>8} {'sql ms':>8} {'ratio':>6} {'queries':>7}")
        for raw in urls:
            url = raw.replace("{city}", str(root.pk) if root else "0")
            for _ in range(warmup):
                client.get(url)
            totals, sqls, counts = [], [], []
            for _ in range(runs):
                reset_queries()
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    response = client.get(url)
                    elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
                totals.append(elapsed * 1000)
                sqls.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
                counts.append(len(ctx.captured_queries))
            p50, p95 = percentile(totals, 50), percentile(totals, 95)
            sql = statistics.median(sqls)
            ratio = p50 / sql if sql else float("inf")
            self.stdout.write(f"{url:48} {p50:8.1f} {p95:8.1f} {sql:8.1f} {ratio:6.2f} {max(counts):7d}")
