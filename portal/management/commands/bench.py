"""The whole ``make bench`` flow, against a PostgreSQL database of its own:

    make bench                       # SCALE=dandong, database dangjian_bench_dandong
    make bench SCALE=province        # ~1M members, ~10M service records (seeding takes a while)
    make bench FRESH=1               # drop and reload the database first

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangjian_bench_dandong manage.py bench --scale dandong [--fresh]

1. the database named in ``DATABASE_URL`` is created when missing (``--fresh`` drops it
   first), migrated, and loaded with ``seed_demo --scale <scale>`` unless the demo data of
   that scale is already there (the demo accounts, every root city of the scale and, for the
   province, the synthetic service-hours ledger), so a second run reuses it; after seeding,
   ``VACUUM ANALYZE`` (what autovacuum does to a freshly loaded database);
2. the default rubrics are scored for the last complete quarter — every rubric, twice —
   timing each full run and checking that both give identical scores, lines and explanations;
3. the dashboard rollups are refreshed as the nightly job does (year to date, plus the
   trend months and quarters), then ``VACUUM ANALYZE`` again (autovacuum's next step after
   those rewrites; timing pages while it runs measures two cores shared with it);
4. every page each demo role can reach is crawled from its home page and timed in-process
   (``dangjian.crawl``): the links each page shows are followed (same-origin ``<a href>``,
   GET only; no export, logout, admin, API docs, static or media), at most ``--per-route``
   pages per route, each GET ``--runs`` times — p50/p95, SQL time, server/SQL and queries,
   one row per role and route, worst first, with the budgets of the performance issue
   checked; 500s are failures, 403/404 dead links.  Administrator and district sessions are
   verified with a confirmed TOTP device, as after a right code
   (``organizations.accounts.testing``);
5. throughput in one process: anonymous wish submissions (a real insert each; rate limits
   raised for the run) and the Open311 list, each with its query count.

``--only-crawl`` times the pages alone (no scoring, rollups or throughput), ``--no-crawl``
leaves them out; ``--roles district,street`` crawls some roles only.

Everything is printed as Markdown, with the machine context (cores, load, PostgreSQL
version).  A part whose module is not there yet prints "—" with the reason.  Nothing but
the repository and a local PostgreSQL is needed; the database is left in place.
"""
from __future__ import annotations

import hashlib
import time
import warnings
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from dangjian import crawl as crawler
from dangjian.bench import (
    THROUGHPUT_HEADER,
    BadStatus,
    machine_context,
    markdown_table,
    throughput,
)

SCALES = ("small", "dandong", "province")
ROLES = ("district", "street", "community", "grid", "member", "member2", "department", "unit", "admin")  # the demo accounts
ANONYMOUS = "anonymous"  # a resident, signed out: starts at the public wish and request pages
ANONYMOUS_STARTS = ("/w/", "/r/")
NO_LIMIT = (10**9, 3600)


class Command(BaseCommand):
    help = "make bench: load (once) a PostgreSQL bench database, score, refresh rollups, measure pages and throughput."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="dandong")
        parser.add_argument("--fresh", action="store_true", help="drop and reload the bench database")
        parser.add_argument("--runs", type=int, default=7, help="timed GETs per crawled page")
        parser.add_argument("--per-route", type=int, default=2, help="pages kept per route and role")
        parser.add_argument("--roles", default=",".join(ROLES),
                            help=f"demo accounts to crawl as, comma-separated (default {','.join(ROLES)}; 'anonymous' too)")
        parser.add_argument("--max-pages", type=int, default=400, help="pages crawled per role at most")
        parser.add_argument("--top", type=int, default=0, help="print the worst N routes only (default: all)")
        parser.add_argument("--requests", type=int, default=200, help="requests per throughput measurement")
        parser.add_argument("--no-scoring", action="store_true", help="skip the two scoring runs")
        parser.add_argument("--no-rollups", action="store_true", help="skip the rollup refresh (pages read the stored rollups)")
        parser.add_argument("--no-crawl", action="store_true", help="skip the page crawl")
        parser.add_argument("--only-crawl", action="store_true",
                            help="time the pages only: no scoring, rollups or throughput")

    # ------------------------------------------------------------------ driver
    def handle(self, *args, scale, fresh, runs, requests, no_scoring, no_rollups, no_crawl, only_crawl, **options):
        warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic needed here
        if no_crawl and only_crawl:
            raise CommandError("--no-crawl and --only-crawl exclude each other")
        roles = [r.strip() for r in options["roles"].split(",") if r.strip()]
        unknown = sorted(set(roles) - set(ROLES) - {ANONYMOUS})
        if unknown:
            raise CommandError(f"unknown roles {', '.join(unknown)}: choose from {', '.join(ROLES)}, {ANONYMOUS}")
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("make bench needs PostgreSQL: set DATABASE_URL=postgres://user@127.0.0.1:5432/dangjian_bench_<scale>")
        self.out = []
        started = time.perf_counter()
        self.ensure_database(db, fresh=fresh)
        call_command("migrate", interactive=False, verbosity=0)
        self.ensure_loaded(scale)
        skipped = "--only-crawl" if only_crawl else None
        if only_crawl:
            no_scoring = no_rollups = True
        scoring = {"missing": f"skipped ({skipped or '--no-scoring'})"} if no_scoring else self.score_twice()
        rollups = {"missing": f"skipped ({skipped or '--no-rollups'})"} if no_rollups else self.refresh_rollups()
        if not (no_scoring and no_rollups):
            self.vacuum("VACUUM ANALYZE after scoring and rollups (as autovacuum would) …")
        pages = None if no_crawl else self.crawl_pages(roles, runs=runs, per_route=options["per_route"],
                                                       max_pages=options["max_pages"])
        rates = None if only_crawl else self.measure_throughput(requests)
        self.report(scale, db, scoring, rollups, pages, rates, time.perf_counter() - started, top=options["top"] or None)

    def say(self, text=""):
        self.stdout.write(text)
        self.stdout.flush()

    # ---------------------------------------------------------------- database
    def ensure_database(self, db, *, fresh: bool) -> None:
        """Create the bench database when missing (drop it first with ``fresh``)."""
        from dangjian.serve import ensure_database

        connections.close_all()
        if fresh:
            self.say(f"dropping database {db['NAME']} (FRESH)")
        if ensure_database(db, drop=fresh):
            self.say(f"creating database {db['NAME']}")

    def ensure_loaded(self, scale: str) -> None:
        from organizations.areas.models import Area
        from organizations.demo.generator import DEFAULT_SEED, plans_for
        from organizations.members.models import Member

        codes = {p.code for p in plans_for(scale, seed=DEFAULT_SEED, fraction=1.0)}
        present = set(Area.objects.filter(parent__isnull=True, code__in=codes).values_list("code", flat=True))
        has_accounts = get_user_model().objects.filter(username="district").exists()
        ledger_ok = scale != "province" or self._ledger_rows() > 0
        if present == codes and has_accounts and ledger_ok:
            self.say(f"bench database already loaded at scale {scale}: {Member.objects.count():,} members (FRESH=1 reloads)")
            return
        if present:
            raise CommandError(
                f"the bench database holds a partial or different load ({len(present)} of {len(codes)} cities); run with FRESH=1"
            )
        self.say(f"seeding the demo data at scale {scale} …")
        started = time.perf_counter()
        call_command("seed_demo", scale=scale, stdout=self.stdout)
        self.seed_seconds = time.perf_counter() - started
        self.vacuum(f"seeded in {self.seed_seconds:.0f} s; VACUUM ANALYZE (as autovacuum would after a bulk load) …")

    @staticmethod
    def _ledger_rows() -> int:
        try:
            from services.ledger.demo import synthetic_records
        except ImportError:
            return 0
        return 1 if synthetic_records().exists() else 0

    # ------------------------------------------------------------------ scoring
    def score_twice(self):
        """Every default rubric scored for the last complete quarter, twice; returns
        (period key, [seconds of run 1, run 2], identical, subjects, reason-if-missing)."""
        try:
            from assessments.scoring import periods
            from assessments.scoring.engine import score_run
            from assessments.scoring.models import Rubric, ScoringRun
            from assessments.scoring.rubrics import RUBRICS, ensure_default_rubrics
        except ImportError as exc:
            return {"missing": f"scoring engine not importable ({exc})"}
        ensure_default_rubrics()
        period = periods.last_complete("quarter", timezone.localdate())
        codes = [spec["code"] for spec in RUBRICS]
        rubrics = list(Rubric.objects.filter(code__in=codes, version=1, is_active=True).order_by("code"))
        if not rubrics:
            return {"missing": "no default rubric in the database"}
        runs = []
        for rubric in rubrics:
            run, _created = ScoringRun.objects.get_or_create(
                rubric=rubric, period_key=period.key,
                defaults=dict(period_kind=period.kind, period_start=period.start, period_end=period.end),
            )
            runs.append(run)
        seconds, digests, per_rubric = [], [], []
        # the engine asks Celery for a rollup refresh after each run; the bench refreshes once itself
        with mock.patch("assessments.scoring.engine.refresh_rollups_later", lambda key: None):
            for attempt in (1, 2):
                self.say(f"scoring run {attempt}: {len(runs)} rubrics for {period.key} …")
                started = time.perf_counter()
                times = []
                for run in runs:
                    ScoringRun.objects.filter(pk=run.pk).update(state="pending", done_steps=0)
                    t = time.perf_counter()
                    score_run(run.pk)
                    times.append(time.perf_counter() - t)
                seconds.append(time.perf_counter() - started)
                per_rubric.append(times)
                digests.append(self._scores_digest(runs))
                self.say(f"  run {attempt}: {seconds[-1]:.1f} s")
        subjects = {r.rubric.code: ScoringRun.objects.get(pk=r.pk).subjects for r in runs}
        return {
            "period": period.key, "seconds": seconds, "identical": digests[0] == digests[1],
            "digest": digests[0][:12], "subjects": subjects,
            "per_rubric": {r.rubric.code: (per_rubric[0][i], per_rubric[1][i]) for i, r in enumerate(runs)},
        }

    @staticmethod
    def _scores_digest(runs) -> str:
        """A hash of every score and line of the runs (subject, total, stars, rank, and each
        line's value, points and explanation), in a fixed order."""
        from assessments.scoring.models import Score, ScoreLine

        h = hashlib.sha256()
        run_ids = [r.pk for r in runs]
        for row in (Score.objects.filter(run_id__in=run_ids)
                    .order_by("run_id", "subject_id")
                    .values_list("run_id", "subject_id", "total", "max_total", "stars", "rank", "rank_of")
                    .iterator(chunk_size=20000)):
            h.update(repr(row).encode())
        for row in (ScoreLine.objects.filter(score__run_id__in=run_ids)
                    .order_by("score__run_id", "score__subject_id", "indicator_id")
                    .values_list("score__run_id", "score__subject_id", "indicator_id", "value", "points", "explanation")
                    .iterator(chunk_size=20000)):
            h.update(repr(row).encode())
        return h.hexdigest()

    # ------------------------------------------------------------------ rollups
    def refresh_rollups(self):
        try:
            from assessments.dashboard.rollups import refresh_rollups
        except ImportError as exc:
            return {"missing": f"rollups not importable ({exc})"}
        self.say("refreshing the dashboard rollups (year to date and the trend months and quarters, as the nightly job) …")
        started = time.perf_counter()
        stored = refresh_rollups(trends=True)
        return {"seconds": time.perf_counter() - started, "rows": stored}

    def vacuum(self, message):
        """``VACUUM ANALYZE`` the database, as autovacuum does after large writes: after seeding,
        and after the scoring runs and rollups, so that pages are timed in steady state rather
        than against autovacuum for the two cores."""
        self.say(message)
        started = time.perf_counter()
        with connection.cursor() as cursor:  # outside any transaction: the command runs in autocommit
            cursor.execute("VACUUM ANALYZE")
        self.say(f"vacuumed in {time.perf_counter() - started:.0f} s")

    # -------------------------------------------------------------------- pages
    def _city(self):
        from organizations.grants.models import Grant

        grant = Grant.objects.filter(user__username="district", is_active=True, area__isnull=False).select_related("area").first()
        if grant is None:
            raise CommandError("the district demo account has no area grant: reload with FRESH=1")
        return grant.area

    def signed_in(self, role):
        """A test client signed in as the demo account ``role`` (anonymous for ``anonymous``),
        its session verified by a confirmed TOTP device when the account needs a second factor
        (as ``django_otp.login`` does after a right code).  500s come back as answers."""
        from organizations.accounts.testing import verify_session

        client = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
        if role == ANONYMOUS:
            return client
        user = get_user_model().objects.filter(username=role).first()
        if user is None:
            raise CommandError(f"no demo account {role!r}: reload with FRESH=1")
        client.force_login(user)
        verify_session(client, user, device_name="bench")
        return client

    def crawl_pages(self, roles, *, runs, per_route, max_pages):
        """Crawl from each role's home page, then time every page kept (``dangjian.crawl``)."""
        from organizations.members.models import Member

        city = self._city()
        members = Member.objects.residing_within(city).count()
        load_before = machine_context()["load"]
        started = time.perf_counter()
        results, timings = {}, []
        for role in roles:
            client = self.signed_in(role)
            t = time.perf_counter()
            found = crawler.crawl(client, starts=ANONYMOUS_STARTS if role == ANONYMOUS else ("/",),
                                  per_route=per_route, max_pages=max_pages)
            results[role] = found
            self.say(f"crawled as {role}: {len(found.pages)} pages, {len(found.routes)} routes, "
                     f"{len(found.failures)} failures, {len(found.dead)} dead links ({time.perf_counter() - t:.0f} s); "
                     f"timing {runs} GETs each …")
            t = time.perf_counter()
            mine = crawler.time_pages(client, role, found.pages, runs=runs)
            timings += mine
            worst = max(mine, key=lambda x: x.p95, default=None)
            self.say(f"  timed in {time.perf_counter() - t:.0f} s, load {machine_context()['load']}"
                     + (f"; worst {worst.url} p95 {worst.p95:.0f} ms" if worst else ""))
        return {"city": city, "members": members, "results": results, "rows": crawler.route_rows(timings),
                "runs": runs, "per_route": per_route, "load_before": load_before, "load_after": machine_context()["load"],
                "seconds": time.perf_counter() - started}

    @staticmethod
    def _missing(module):
        if module is None:
            return None
        import importlib

        try:
            importlib.import_module(module)
        except ImportError as exc:
            return f"not built yet: {exc}"
        return None

    # --------------------------------------------------------------- throughput
    def measure_throughput(self, requests):
        from services.resident.selectors import public_communities
        from services.wishes.models import Wish

        rows = []
        community = public_communities().order_by("pk").first()
        client = Client(SERVER_NAME="127.0.0.1")
        stamp = int(time.time())
        if community is None:
            rows.append(["wish submission (anonymous POST /w/)", "—", "—", "—", "— (no community)"])
        else:
            def submit(i):
                return client.post("/w/", {
                    "community": community.pk, "address": f"测试楼{i % 50 + 1}号", "kind": "material",
                    "text": "性能测试：希望有人帮忙修一下楼道的灯。", "name": "测试居民",
                    "phone": f"139{(stamp + i) % 10**8:08d}",
                })

            before = Wish.objects.count()
            with override_settings(WISH_SUBMIT_IP_LIMIT=NO_LIMIT, WISH_SUBMIT_PHONE_LIMIT=NO_LIMIT):
                result = throughput("wish submission (anonymous POST /w/)", submit, requests=requests, expect=(302,))
            inserted = Wish.objects.count() - before
            if inserted != requests:
                raise CommandError(f"wish submissions inserted {inserted} rows for {requests} requests")
            rows.append(result.row())
            self.say(f"  wish submission: {result.per_second:.1f}/s, {result.queries} queries each ({inserted} inserted)")
        reason = self._missing("services.open311.views")
        if reason is None:
            reader = Client(SERVER_NAME="127.0.0.1")  # a fresh client: no session left by the submissions
            try:
                result = throughput("Open311 requests.json (anonymous GET)", lambda i: reader.get("/open311/v2/requests.json"),
                                    requests=requests)
            except BadStatus as exc:
                reason = str(exc)
            else:
                rows.append(result.row())
                self.say(f"  Open311 list: {result.per_second:.1f}/s, {result.queries} queries each")
        if reason is not None:
            rows.append(["Open311 requests.json (anonymous GET)", "—", "—", "—", f"— ({reason})"])
        return rows

    # ------------------------------------------------------------------- report
    def report(self, scale, db, scoring, rollups, pages, rates, seconds, *, top=None):
        from organizations.areas.models import Area
        from organizations.members.models import Member
        from organizations.orgs.models import PartyOrg

        ctx = machine_context()
        self.say()
        self.say(f"## make bench — scale {scale}, database `{db['NAME']}`")
        self.say()
        self.say(f"- machine: {ctx['cores']} cores, load average {ctx['load']}, {ctx['database']}")
        self.say(f"- data: {Area.objects.count():,} areas, {PartyOrg.objects.count():,} organizations, "
                 f"{Member.objects.count():,} members, {self._count('services', 'ServiceRecord'):,} service records, "
                 f"{self._count('services', 'Wish'):,} wishes")
        if getattr(self, "seed_seconds", None):
            self.say(f"- seeding: {self.seed_seconds:.0f} s")
        if "missing" in scoring:
            self.say(f"- scoring: — ({scoring['missing']})")
        else:
            verdict = "identical" if scoring["identical"] else "DIFFERENT"
            subjects = ", ".join(f"{code} {n:,}" for code, n in scoring["subjects"].items())
            self.say(f"- scoring {scoring['period']} (default rubrics; subjects: {subjects}): "
                     f"run 1 {scoring['seconds'][0]:.1f} s, run 2 {scoring['seconds'][1]:.1f} s — the two runs are {verdict} "
                     f"(sha256 {scoring['digest']}…)")
            for code, (a, b) in scoring["per_rubric"].items():
                self.say(f"  - {code}: {a:.1f} s / {b:.1f} s")
        if "missing" in rollups:
            self.say(f"- rollups: — ({rollups['missing']})")
        else:
            self.say(f"- rollups refreshed in {rollups['seconds']:.1f} s ({rollups['rows']:,} rows)")
        if rates is not None:
            self.say()
            self.say(markdown_table(THROUGHPUT_HEADER, rates))
        if pages is not None:
            self.report_pages(pages, top)
        self.say()
        self.say(f"(bench finished in {seconds:.0f} s; the database is left in place)")
        if "identical" in scoring and not scoring["identical"]:
            raise CommandError("the two scoring runs differ")
        failures = sum(len(r.failures) for r in pages["results"].values()) if pages else 0
        if failures:
            raise CommandError(f"{failures} crawled pages answered a server error (listed above)")

    def report_pages(self, pages, top):
        rows = pages["rows"]
        self.say()
        self.say(f"### every page — {', '.join(pages['results'])}; {pages['per_route']} URLs per route, "
                 f"{pages['runs']} timed GETs each")
        self.say()
        self.say(f"- load average {pages['load_before']} before the crawl, {pages['load_after']} after "
                 f"({pages['seconds']:.0f} s); the load column is the 1-minute average as each page was timed")
        self.say(f"- `district` is granted {pages['city'].name} (id {pages['city'].pk}, {pages['members']:,} members residing)")
        for line in crawler.crawl_summary(rows, pages["results"]):
            self.say(line)
        self.say()
        if top and len(rows) > top:
            self.say(f"worst {top} of {len(rows)} role × route rows:")
            self.say()
        self.say(crawler.routes_table(rows, top=top))
        problems = crawler.problems_table(pages["results"])
        if problems:
            self.say()
            self.say("links that did not answer a page: 500s, dead links (403/404, for the link checker), other statuses, "
                     "GETs that wrote, and answers that are no page (not timed):")
            self.say()
            self.say(problems)

    @staticmethod
    def _count(app, model):
        from django.apps import apps

        try:
            return apps.get_model(app, model).objects.count()
        except LookupError:
            return 0
