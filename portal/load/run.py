"""`make load`: Locust, headless, against `make serve` on loopback; a Markdown report.

    make load                                    # 50 users, 2 minutes, SCALE=small
    make load SCALE=dandong USERS=50 DURATION=2m
    python -m portal.load.run --users 50 --duration 2m [--url http://127.0.0.1:8000]

1. When nothing answers ``<url>/healthz/ping``, ``make serve`` is started in its load-test mode
   (``SERVE_LOAD=1``: the residents' rate limits lifted, ``dangjian.settings.serve``), its
   output in ``<out>/serve.log``, and stopped at the end.  A server already running there is
   used as it is: start it with ``make serve LOAD=1``, or the residents' submissions answer 429.
2. ``manage.py load_prepare`` gives the admin and district accounts (and copies) TOTP devices
   whose keys it writes to ``<out>/accounts.json`` for the locustfile.
3. Three Locust runs against the same gunicorn: the trivial view ``/healthz/ping`` and the
   anonymous wish submission, each by ``--ceiling-users`` users without pause for
   ``--ceiling-seconds`` (their requests/s compared: the portal's write path as a share of the
   framework's ceiling), then the mixed run — ``--users`` staff and residents for
   ``--duration`` (``portal/load/locustfile.py``).
4. The report (``<out>/report.md``, printed): requests/s, p50/p95/p99 per request name, the
   errors, the budgets of issue 13, and beside each run the load average and the CPU seconds
   of every busy process on the machine.

Exit status 1 when a request of the mixed run failed.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from portal.load import report
from portal.load.journeys import MIXED_USERS

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = ROOT / "portal" / "load" / "locustfile.py"
P95_BUDGET_MS = 500
SHARE_BUDGET = 0.5


def parse_duration(text: str) -> int:
    """Locust's ``-t`` spelling (``2m``, ``90s``, ``1h30m``, or seconds) in seconds."""
    text = str(text).strip()
    if text.isdigit():
        return int(text)
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", text)
    if not parts or not any(parts.groups()):
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 2m, 90s)")
    h, m, s = (int(g or 0) for g in parts.groups())
    return h * 3600 + m * 60 + s


def locust_command(*, python: str, url: str, classes, users: int, spawn_rate: float, seconds: int,
                   csv_prefix: Path) -> list[str]:
    return [python, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", url,
            "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s",
            "--csv", str(csv_prefix), "--only-summary", "--loglevel", "WARNING", *classes]


def phases(args) -> list[dict]:
    """The three Locust runs of one ``make load``."""
    ceiling = dict(users=args.ceiling_users, spawn_rate=args.ceiling_users, seconds=args.ceiling_seconds)
    return [
        dict(key="trivial", title="trivial view (/healthz/ping), no pause", classes=["TrivialView"], **ceiling),
        dict(key="wish", title="anonymous wish submission (POST /w/), no pause", classes=["WishSaturation"], **ceiling),
        dict(key="mixed", title=f"mixed run: {args.users} users", classes=list(MIXED_USERS), users=args.users,
             spawn_rate=args.spawn_rate or max(1.0, args.users / 10), seconds=args.duration),
    ]


def answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz/ping", timeout=timeout) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except OSError:
        return False


def serve_env(env: dict, port: int) -> dict:
    out = dict(env)
    out.update(SERVE_LOAD="1", PORT=str(port), DJANGO_SETTINGS_MODULE="dangjian.settings.serve")
    return out


def start_server(env: dict, out: Path, url: str, *, timeout: float) -> subprocess.Popen:
    log = open(out / "serve.log", "w")  # noqa: SIM115 (kept open while the server runs)
    proc = subprocess.Popen([sys.executable, "-m", "dangjian.serve"], env=env, stdout=log, stderr=subprocess.STDOUT,
                            cwd=ROOT)
    print(f"==> starting make serve (load-test mode), log in {out / 'serve.log'} …", flush=True)
    deadline = time.monotonic() + timeout
    while not answers(url):
        if proc.poll() is not None:
            raise SystemExit(f"make serve exited ({proc.returncode}); see {out / 'serve.log'}")
        if time.monotonic() > deadline:
            stop_server(proc)
            raise SystemExit(f"make serve did not answer {url}/healthz/ping within {timeout:.0f} s")
        time.sleep(2)
    time.sleep(3)  # the Celery worker and beat come up beside it
    return proc


def stop_server(proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def run_phase(phase: dict, *, url: str, out: Path, env: dict, ours: dict, database: str = "") -> dict:
    prefix = out / phase["key"]
    command = locust_command(python=sys.executable, url=url, classes=phase["classes"], users=phase["users"],
                             spawn_rate=phase["spawn_rate"], seconds=phase["seconds"], csv_prefix=prefix)
    print(f"==> {phase['title']}: {phase['users']} users for {phase['seconds']} s", flush=True)
    with report.Watch() as watch:
        with open(out / f"{phase['key']}.log", "w") as log:
            locust = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            _pid, _status, usage = os.wait4(locust.pid, 0)  # Locust's own CPU time, from its exit
            locust.returncode = os.waitstatus_to_exitcode(_status)
    locust_cpu = {"locust (the load generator)": usage.ru_utime + usage.ru_stime}
    rows = report.read_stats(Path(f"{prefix}_stats.csv"))
    total = report.aggregated(rows)
    seconds = watch.cpu_by_process(ours, extra=locust_cpu, skip={locust.pid})
    return {**phase, "rows": rows, "total": total, "load": watch.summary(),
            "failures": report.read_failures(Path(f"{prefix}_failures.csv")),
            "beside": report.cpu_table(seconds, busy=watch.busy()),
            "per_request": report.per_request(seconds, total.count if total else 0, database)}


def render(results: list[dict], *, args, url: str, started_server: bool) -> str:
    by = {r["key"]: r for r in results}
    trivial, wish, mixed = by["trivial"]["total"], by["wish"]["total"], by["mixed"]["total"]
    share = (wish.rps / trivial.rps) if trivial and wish and trivial.rps else 0.0
    errors = mixed.failures if mixed else 0
    p95 = mixed.p95 if mixed else 0
    ok = lambda met: "met" if met else "**missed**"  # noqa: E731
    lines = [
        f"## make load — {report.now_utc()}",
        "",
        f"Target {url} ({'started by make load' if started_server else 'already running'}), scale `{args.scale}`, "
        f"gunicorn {args.workers} workers × {args.threads} thread(s), one Celery worker and one beat; "
        f"{os.cpu_count()} cores; Locust on the same machine. Residents' rate limits lifted for the run "
        "(`SERVE_LOAD=1`); admin and district sign in with TOTP codes (`load_prepare`).",
        "",
        "### Budgets",
        "",
        "| budget | measured | |",
        "|---|---|---|",
        f"| mixed run: 0 errors | {errors} errors of {mixed.count if mixed else 0} requests | {ok(errors == 0)} |",
        f"| mixed run: p95 ≤ {P95_BUDGET_MS} ms overall | p95 {p95:.0f} ms (p50 {mixed.p50 if mixed else 0:.0f}, "
        f"p99 {mixed.p99 if mixed else 0:.0f}) | {ok(p95 <= P95_BUDGET_MS)} |",
        f"| wish submission ≥ 50 % of the trivial view's requests/s | {wish.rps if wish else 0:.1f} vs "
        f"{trivial.rps if trivial else 0:.1f} req/s = {share * 100:.1f} % | {ok(share >= SHARE_BUDGET)} |",
        "",
    ]
    for r in results:
        t = r["total"]
        lines += [
            f"### {r['title']} — {r['users']} users, {r['seconds']} s"
            + (f", spawn {r['spawn_rate']:g}/s" if r["key"] == "mixed" else ""),
            "",
            f"Load average: {r['load']}.",
            "",
        ]
        if r["key"] == "mixed":
            lines += [report.stats_table(r["rows"]), ""]
        elif t:
            lines += [f"{t.count} requests, **{t.rps:.1f} req/s**, p50 {t.p50:.0f} ms, p95 {t.p95:.0f} ms, "
                      f"p99 {t.p99:.0f} ms, {t.failures} errors.", ""]
        if r.get("per_request"):
            lines += [r["per_request"], ""]
        lines += ["Errors:", "", report.failures_table(r["failures"]), "",
                  "CPU seconds beside it (every process busy during the run):", "", r["beside"], ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env = dict(os.environ)
    parser.add_argument("--users", type=int, default=int(env.get("USERS") or 50))
    parser.add_argument("--duration", type=parse_duration, default=parse_duration(env.get("DURATION") or "2m"))
    parser.add_argument("--spawn-rate", type=float, default=float(env.get("SPAWN_RATE") or 0))
    parser.add_argument("--ceiling-users", type=int, default=int(env.get("CEILING_USERS") or 8))
    parser.add_argument("--ceiling-seconds", type=parse_duration, default=parse_duration(env.get("CEILING_SECONDS") or "20s"))
    parser.add_argument("--url", default=env.get("LOAD_URL") or f"http://127.0.0.1:{env.get('PORT') or 8000}")
    parser.add_argument("--out", default=str(ROOT / "var" / "load" / time.strftime("%Y%m%d-%H%M%S")))
    parser.add_argument("--start-timeout", type=float, default=1800, help="seconds to wait for make serve (seeding)")
    args = parser.parse_args(argv)
    args.scale, args.workers, args.threads = env.get("SCALE") or "small", env.get("WORKERS") or "4", env.get("THREADS") or "1"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    port = urlsplit(args.url).port or 80
    server = None
    senv = serve_env(env, port)
    try:
        if answers(args.url):
            print(f"==> using the server at {args.url} (it must run with make serve LOAD=1)", flush=True)
        else:
            server = start_server(senv, out, args.url, timeout=args.start_timeout)
        accounts = out / "accounts.json"
        code = subprocess.call([sys.executable, "manage.py", "load_prepare", "--pool", str(max(10, args.users)),
                                "--out", str(accounts)], env=senv, cwd=ROOT)
        if code:
            return code
        locust_env = {**env, "LOAD_ACCOUNTS": str(accounts), "PYTHONPATH": str(ROOT)}
        ours = {server.pid: "make serve"} if server else {}
        database = urlsplit(env.get("DATABASE_URL", "")).path.strip("/")
        results = [run_phase(p, url=args.url, out=out, env=locust_env, ours=ours, database=database)
                   for p in phases(args)]
    finally:
        stop_server(server)
    text = render(results, args=args, url=args.url, started_server=server is not None)
    (out / "report.md").write_text(text)
    print(text)
    print(f"(report and Locust CSVs in {out})")
    mixed = next(r for r in results if r["key"] == "mixed")["total"]
    return 1 if mixed is None or mixed.failures else 0


if __name__ == "__main__":
    sys.exit(main())
