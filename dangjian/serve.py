"""`make serve`: the portal as production runs it, on this machine.

    make serve                       # database dangjian_serve_small on 127.0.0.1, Redis db 12
    make serve SCALE=dandong WORKERS=4 PORT=8000
    make serve LOAD=1                # the load-test mode of dangjian.settings.serve (make load)

    DATABASE_URL=postgres://… REDIS_URL=redis://… python -m dangjian.serve

1. refuses to start unless ``DATABASE_URL`` is PostgreSQL and ``REDIS_URL`` Redis (the
   Makefile sets both to the local services, with a database of its own);
2. creates that database when it is missing, migrates it, loads the demo data at ``SCALE``
   unless there already is some (``seed_demo --if-empty``) and collects the static files;
3. starts gunicorn (``WORKERS`` processes, ``THREADS`` threads each) on 127.0.0.1:``PORT``,
   one Celery worker (``CELERY_CONCURRENCY``) and exactly one Celery beat, all logging to
   stdout, with the settings ``dangjian.settings.serve`` (debug off, whitenoise, no real
   secrets needed); Ctrl-C stops all three (``dangjian.processes.supervise``).
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

SETTINGS = "dangjian.settings.serve"
ROOT = Path(__file__).resolve().parent.parent


class Refused(Exception):
    """The environment cannot run the production shape (the message says why)."""


@dataclass(frozen=True)
class Config:
    database_url: str
    redis_url: str
    port: int = 8000
    workers: int = 4
    threads: int = 1
    celery_concurrency: int = 2
    scale: str = "small"
    load: bool = False
    python: str = field(default=sys.executable)

    @classmethod
    def from_env(cls, env) -> Config:
        database_url = env.get("DATABASE_URL", "")
        redis_url = env.get("REDIS_URL", "")
        if not database_url.startswith(("postgres://", "postgresql://")):
            raise Refused("make serve 需要 PostgreSQL：请设置 DATABASE_URL=postgres://user@host:5432/dbname "
                          "(make serve sets it to a database of its own on 127.0.0.1 when unset)")
        if not redis_url.startswith(("redis://", "rediss://")):
            raise Refused("make serve 需要 Redis：请设置 REDIS_URL=redis://host:6379/N "
                          "(make serve sets it to the local Redis when unset)")
        try:
            return cls(
                database_url=database_url, redis_url=redis_url,
                port=int(env.get("PORT") or 8000), workers=int(env.get("WORKERS") or 4),
                threads=int(env.get("THREADS") or 1), celery_concurrency=int(env.get("CELERY_CONCURRENCY") or 2),
                scale=env.get("SCALE") or "small", load=env.get("SERVE_LOAD", "") in ("1", "true", "yes"),
            )
        except ValueError as exc:
            raise Refused(f"PORT, WORKERS, THREADS and CELERY_CONCURRENCY are numbers ({exc})") from exc

    @property
    def bind(self) -> str:
        return f"127.0.0.1:{self.port}"

    def environment(self, base) -> dict[str, str]:
        env = dict(base)
        env.update(DJANGO_SETTINGS_MODULE=SETTINGS, DATABASE_URL=self.database_url, REDIS_URL=self.redis_url,
                   PYTHONUNBUFFERED="1")
        env.pop("DJANGO_DEBUG", None)
        if self.load:
            env["SERVE_LOAD"] = "1"
        else:
            env.pop("SERVE_LOAD", None)
        return env


def preparation(cfg: Config) -> dict[str, list[str]]:
    """The steps before serving: migrate, demo data when the database is empty, static files."""
    manage = [cfg.python, "manage.py"]
    return {
        "migrate": [*manage, "migrate", "--noinput"],
        "demo data": [*manage, "seed_demo", "--scale", cfg.scale, "--if-empty"],
        "collectstatic": [*manage, "collectstatic", "--noinput", "--verbosity", "0"],
    }


def services(cfg: Config) -> dict[str, list[str]]:
    """gunicorn, one Celery worker and exactly one beat."""
    gunicorn = [
        cfg.python, "-m", "gunicorn", "dangjian.wsgi:application",
        "--bind", cfg.bind, "--workers", str(cfg.workers), "--threads", str(cfg.threads),
        "--timeout", "60", "--graceful-timeout", "10", "--keep-alive", "5",
        "--access-logfile", "-", "--error-logfile", "-", "--logger-class", "dangjian.webserver.MaskedLogger",
    ]
    celery = [cfg.python, "-m", "celery", "-A", "dangjian"]
    return {
        "gunicorn": gunicorn,
        "celery worker": [*celery, "worker", "--loglevel", "INFO", "--concurrency", str(cfg.celery_concurrency),
                          "--hostname", f"serve-{cfg.port}@%h"],
        "celery beat": [*celery, "beat", "--loglevel", "INFO",
                        "--schedule", os.path.join("var", "serve", f"celerybeat-schedule-{cfg.port}")],
    }


def ensure_database(url_or_settings, *, drop: bool = False) -> bool:
    """Create the PostgreSQL database named in ``url_or_settings`` (a URL or a Django
    ``DATABASES`` entry) when it is missing, through the server's ``postgres`` database with
    the same credentials; ``drop`` drops it first.  ``True`` when it was created."""
    import environ
    import psycopg2
    from psycopg2 import sql

    db = environ.Env.db_url_config(url_or_settings) if isinstance(url_or_settings, str) else url_or_settings
    params = {"dbname": "postgres", "user": db.get("USER"), "password": db.get("PASSWORD"),
              "host": db.get("HOST"), "port": db.get("PORT")}
    name = sql.Identifier(db["NAME"])
    admin = psycopg2.connect(**{k: v for k, v in params.items() if v not in (None, "")})
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            if drop:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is not None:
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
            return True
    finally:
        admin.close()


def banner(cfg: Config) -> str:
    mode = ("load-test mode: residents' rate limits lifted (SERVE_LOAD=1)" if cfg.load
            else "residents' rate limits as in production")
    return (
        "\n城市基层党建平台 dangjian · production shape (make serve)\n"
        f"  门户 portal:  http://{cfg.bind}/   health: http://{cfg.bind}/healthz\n"
        f"  gunicorn {cfg.workers} workers × {cfg.threads} thread(s); Celery worker ×{cfg.celery_concurrency} "
        "and one beat\n"
        f"  数据库 DB: {cfg.database_url.rsplit('@', 1)[-1]};  Redis: {cfg.redis_url.rsplit('@', 1)[-1]}\n"
        f"  settings {SETTINGS} (DEBUG off, whitenoise); {mode}\n"
        "  Ctrl-C stops gunicorn, the worker and the beat.\n"
    )


def main(env=None) -> int:
    from dangjian.processes import run_steps, supervise

    env = dict(os.environ if env is None else env)
    try:
        cfg = Config.from_env(env)
    except Refused as exc:
        print(f"make serve: {exc}", file=sys.stderr)
        return 2
    os.chdir(ROOT)
    (ROOT / "var" / "serve").mkdir(parents=True, exist_ok=True)
    try:
        if ensure_database(cfg.database_url):
            print(f"==> created database {cfg.database_url.rsplit('/', 1)[-1]}", flush=True)
    except Exception as exc:  # psycopg2.OperationalError and friends: say it plainly
        print(f"make serve: PostgreSQL unreachable ({type(exc).__name__}: {exc})".strip(), file=sys.stderr)
        return 2
    child_env = cfg.environment(env)
    try:
        code = run_steps(preparation(cfg), env=child_env)
    except KeyboardInterrupt:  # Ctrl-C while migrating or seeding: the step got it too
        return 130
    if code:
        return code
    return supervise(services(cfg), env=child_env, banner=banner(cfg))


if __name__ == "__main__":
    sys.exit(main())
