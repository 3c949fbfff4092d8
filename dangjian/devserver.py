"""`make run`: the web server and a Celery worker with beat, stopped together by Ctrl-C."""
import os
import sys

from django.conf import settings  # noqa: F401  (settings module from the environment)

from dangjian.processes import supervise


def commands(port: str, python: str = sys.executable) -> dict[str, list[str]]:
    return {
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}"],
        "celery": [python, "-m", "celery", "-A", "dangjian", "worker", "--beat", "--loglevel", "INFO",
                   "--concurrency", "2", "--schedule", os.path.join("var", "celerybeat-schedule")],
    }


def main() -> int:
    port = os.environ.get("PORT", "8000")
    env = dict(os.environ)
    broker = "Redis " + env["REDIS_URL"] if env.get("REDIS_URL") else "kombu filesystem transport (var/broker)"
    database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite (var/dangjian.sqlite3)"
    demo_password = env.get("DEMO_PASSWORD", "dangjian-demo")
    banner = (
        "\n城市基层党建平台 dangjian\n"
        f"  门户 portal:   http://127.0.0.1:{port}/\n"
        f"  接口 API docs: http://127.0.0.1:{port}/api/docs/\n"
        f"  数据库 DB: {database};  消息队列 broker: {broker}\n"
        "  演示账号 demo accounts (password: %s):\n"
        "    district 区委组织部 · street 街道党工委 · community 社区党委 · grid 网格员\n"
        "    member 党员 · department 职能部门 · admin 系统管理员\n"
        "    admin, district: 首次登录时绑定身份验证器 (TOTP two-factor enrolment at first login)\n"
        "  Ctrl-C stops the server and the worker.\n" % demo_password
    )
    supervise(commands(port), env=env, banner=banner)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings.local")
    sys.exit(main())
