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
from organizations.areas.models import Area


def _verify_second_factor(client, user):
    """``force_login`` skips the login form: for a user who must pass a second factor, verify
    the session as django-otp does after a right code (a confirmed TOTP device in the session)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from organizations.accounts.selectors import confirmed_device, needs_second_factor

    device = confirmed_device(user)
    if device is None and not needs_second_factor(user):
        return
    device = device or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


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
        _verify_second_factor(client, account)
        self.stdout.write(f"{'url':48} {'p50 ms':>8} {'p95 ms':>8} {'sql ms':>8} {'ratio':>6} {'queries':>7}")
        for raw in urls:
            url = raw.replace("{city}", str(root.pk) if root else "0")
            try:
                t = time_page(client, url, url, runs=runs, warmup=warmup)
            except BadStatus as exc:
                raise CommandError(f"{url} {exc}") from exc
            self.stdout.write(f"{url:48} {t.p50:8.1f} {t.p95:8.1f} {t.sql:8.1f} {t.ratio:6.2f} {t.queries:7d}")
