"""`make serve` (dangjian/serve.py): refusal without PostgreSQL and Redis, the command lines of
the preparation and of gunicorn / Celery worker / beat, the supervisor stopping everything, the
gunicorn logger's mask, and (on PostgreSQL + Redis) gunicorn started with the serve settings
answering /healthz."""
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from dangjian import devserver, serve
from dangjian.logs import MaskPersonalData
from dangjian.processes import run_steps, supervise
from dangjian.testing.races import requires_postgres

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres://postgres@127.0.0.1:5432/dangjian_serve_small"
REDIS = "redis://127.0.0.1:6379/14"


def config(**env):
    return serve.Config.from_env({"DATABASE_URL": PG, "REDIS_URL": REDIS, **env})


@pytest.mark.parametrize("env, word", [
    ({}, "PostgreSQL"),
    ({"DATABASE_URL": "sqlite:///var/x.sqlite3", "REDIS_URL": REDIS}, "PostgreSQL"),
    ({"DATABASE_URL": PG}, "Redis"),
    ({"DATABASE_URL": PG, "REDIS_URL": REDIS, "WORKERS": "four"}, "numbers"),
])
def test_refuses_without_postgres_and_redis(env, word, capsys):
    with pytest.raises(serve.Refused, match=word):
        serve.Config.from_env(env)
    assert serve.main(env) == 2
    assert word in capsys.readouterr().err


def test_the_defaults_and_the_overrides():
    cfg = config()
    assert (cfg.port, cfg.workers, cfg.threads, cfg.celery_concurrency, cfg.scale, cfg.load) == (8000, 4, 1, 2, "small", False)
    cfg = config(PORT="8100", WORKERS="3", THREADS="2", CELERY_CONCURRENCY="1", SCALE="dandong", SERVE_LOAD="1")
    assert (cfg.bind, cfg.workers, cfg.threads, cfg.celery_concurrency, cfg.scale, cfg.load) == (
        "127.0.0.1:8100", 3, 2, 1, "dandong", True)


def test_preparation_migrates_seeds_only_an_empty_database_and_collects_static():
    steps = serve.preparation(config(SCALE="dandong"))
    assert list(steps) == ["migrate", "demo data", "collectstatic"]
    assert steps["migrate"][1:] == ["manage.py", "migrate", "--noinput"]
    assert steps["demo data"][1:] == ["manage.py", "seed_demo", "--scale", "dandong", "--if-empty"]
    assert steps["collectstatic"][1:4] == ["manage.py", "collectstatic", "--noinput"]


def test_gunicorn_with_several_workers_one_celery_worker_and_exactly_one_beat():
    commands = serve.services(config(PORT="8100", WORKERS="4", THREADS="2"))
    assert list(commands) == ["gunicorn", "celery worker", "celery beat"]
    web = commands["gunicorn"]
    assert web[1:4] == ["-m", "gunicorn", "dangjian.wsgi:application"]

    def option(argv, name):
        return argv[argv.index(name) + 1]

    assert option(web, "--bind") == "127.0.0.1:8100"
    assert option(web, "--workers") == "4" and option(web, "--threads") == "2"
    assert option(web, "--access-logfile") == "-" and option(web, "--error-logfile") == "-"  # logs to stdout
    assert option(web, "--logger-class") == "dangjian.webserver.MaskedLogger"
    worker, beat = commands["celery worker"], commands["celery beat"]
    assert worker[1:6] == ["-m", "celery", "-A", "dangjian", "worker"] and "--beat" not in worker
    assert option(worker, "--concurrency") == "2"
    assert beat[1:6] == ["-m", "celery", "-A", "dangjian", "beat"]
    assert sum("beat" in argv for argv in commands.values()) == 1


def test_the_children_get_the_serve_settings_and_the_load_mode_only_when_asked():
    env = config().environment({"DJANGO_SETTINGS_MODULE": "dangjian.settings.local", "DJANGO_DEBUG": "1",
                                "SERVE_LOAD": "1"})
    assert env["DJANGO_SETTINGS_MODULE"] == "dangjian.settings.serve"
    assert "DJANGO_DEBUG" not in env and "SERVE_LOAD" not in env
    assert (env["DATABASE_URL"], env["REDIS_URL"]) == (PG, REDIS)
    assert config(SERVE_LOAD="1").environment({})["SERVE_LOAD"] == "1"


def test_make_run_keeps_its_command_lines():
    commands = devserver.commands("8123", python="py")
    assert commands["web"] == ["py", "manage.py", "runserver", "127.0.0.1:8123"]
    assert commands["celery"][:6] == ["py", "-m", "celery", "-A", "dangjian", "worker"] and "--beat" in commands["celery"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_supervisor_stops_the_others_when_one_exits(tmp_path):
    pidfile = tmp_path / "sleeper.pid"
    sleeper = f"import os, time; open({str(pidfile)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    quitter = "import time; time.sleep(1.5); raise SystemExit(3)"
    started = time.monotonic()
    code = supervise({"sleeper": [sys.executable, "-c", sleeper], "quitter": [sys.executable, "-c", quitter]},
                     env=os.environ, grace=5, poll=0.1)
    assert code == 3
    assert time.monotonic() - started < 20
    assert not _alive(int(pidfile.read_text()))


def test_the_supervisor_stops_everything_on_sigterm(tmp_path):
    """What Ctrl-C does (KeyboardInterrupt) and what `kill` does (SIGTERM) end the same way."""
    pidfile = tmp_path / "child.pid"
    child = f"import os, time; open({str(pidfile)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    script = ("import os, sys; from dangjian.processes import supervise; "
              f"sys.exit(supervise({{'child': [sys.executable, '-c', {child!r}]}}, env=os.environ, grace=5, poll=0.1))")
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.monotonic() + 20
    while not pidfile.exists() or not pidfile.read_text():
        assert time.monotonic() < deadline and parent.poll() is None
        time.sleep(0.1)
    parent.terminate()
    assert parent.wait(20) == 0
    assert not _alive(int(pidfile.read_text()))


def test_run_steps_stops_at_the_first_failure(tmp_path):
    marker = tmp_path / "ran"
    steps = {"fails": [sys.executable, "-c", "raise SystemExit(4)"],
             "never": [sys.executable, "-c", f"open({str(marker)!r}, 'w')"]}
    assert run_steps(steps, env=os.environ) == 4
    assert not marker.exists()


def test_the_serve_settings_refuse_sqlite_and_keep_debug_off():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SERVE_LOAD")}
    env["DJANGO_SETTINGS_MODULE"] = "dangjian.settings.serve"
    probe = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.LOAD_TEST)"
    refused = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode != 0 and "PostgreSQL and Redis" in refused.stderr
    ok = subprocess.run([sys.executable, "-c", probe], env={**env, "DATABASE_URL": PG, "REDIS_URL": REDIS},
                        cwd=ROOT, capture_output=True, text=True)
    assert ok.stdout.split() == ["False", "False"], ok.stderr
    load = subprocess.run([sys.executable, "-c", probe + "; print(settings.WISH_SUBMIT_IP_LIMIT[0] > 10**6)"],
                          env={**env, "DATABASE_URL": PG, "REDIS_URL": REDIS, "SERVE_LOAD": "1"},
                          cwd=ROOT, capture_output=True, text=True)
    assert load.stdout.split() == ["False", "True", "True"], load.stderr


def test_gunicorns_access_and_error_logs_are_masked():
    from gunicorn.config import Config

    from dangjian.webserver import MaskedLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("errorlog", "-")
    logger = MaskedLogger(cfg)
    for log in (logger.access_log, logger.error_log):
        assert log.handlers and all(any(isinstance(f, MaskPersonalData) for f in h.filters) for h in log.handlers)
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '"GET /w/?phone=13912345678"', None, None)
    MaskPersonalData().filter(record)
    assert "13912345678" not in record.getMessage()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 (loopback)
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@requires_postgres("gunicorn with the serve settings runs on PostgreSQL + Redis")
def test_gunicorn_of_make_serve_starts_and_answers_healthz(transactional_db):
    if not getattr(settings, "REDIS_URL", ""):
        pytest.skip("needs Redis: set REDIS_URL (make serve runs on PostgreSQL + Redis)")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = url.replace("@", f":{db['PASSWORD']}@", 1)
    port = _free_port()
    cfg = serve.Config.from_env({"DATABASE_URL": url, "REDIS_URL": settings.REDIS_URL, "PORT": str(port), "WORKERS": "2"})
    proc = subprocess.Popen(serve.services(cfg)["gunicorn"], env=cfg.environment(os.environ), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz/ping")
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode(errors="replace")
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.5)
        assert (status, body) == (200, b"pong")
        status, body = _get(f"http://127.0.0.1:{port}/healthz")
        assert status in (200, 503)  # 503 until a Celery worker's heartbeat: none runs in this test
        import json

        report = json.loads(body)
        assert report["database"] == {**report["database"], "ok": True, "vendor": "postgresql"}
        assert report["cache"]["ok"] is True and report["cache"]["backend"] == "RedisCache"
    finally:
        proc.terminate()
        proc.wait(20)
    log = proc.stdout.read().decode(errors="replace")
    assert '"GET /healthz/ping HTTP/1.1" 200' in log  # the access log goes to stdout
