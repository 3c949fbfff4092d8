"""Database connections stay bounded under the development server (issue 12, finding 7).

``make run`` serves with Django's threaded development server: one thread per browser
connection, alive as long as the browser keeps the connection open (keep-alive).  With
persistent database connections each such thread kept its own (14 left open after 60
requests; the server's connection limit was reached).  The test starts the real development
server (``runserver`` with the ``local`` settings, as ``make run`` does) on the test database,
sends 100 requests from 10 threads over kept-alive connections, and counts the server's
connections in ``pg_stat_activity`` while the clients are still connected, and after they
have gone.  (Under gunicorn each worker thread is long-lived and keeps one connection:
bounded by workers × threads, ``CONN_MAX_AGE`` there.)
"""
import http.client
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from dangjian.testing.faults import free_port
from dangjian.testing.races import requires_postgres

ROOT = Path(__file__).resolve().parents[2]
CLIENTS, REQUESTS_EACH = 10, 10


def server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # a fresh view inside the test's transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.fixture
def dev_server(db, tmp_path):
    settings_dict = connection.settings_dict
    url = "postgres://{user}{password}@{host}:{port}/{name}".format(
        user=settings_dict["USER"], password=f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "",
        host=settings_dict["HOST"] or "127.0.0.1", port=settings_dict["PORT"] or 5432, name=settings_dict["NAME"],
    )
    port = free_port()
    # the environment of a developer's shell running ``make run``, on the test database
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="dangjian.settings.local")
    log = (tmp_path / "runserver.log").open("w")
    process = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def answers():
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/healthz")
            probe.getresponse().read()
            probe.close()
            return True
        except OSError:
            return False

    try:
        assert wait_for(answers, timeout=60), (tmp_path / "runserver.log").read_text()[-2000:]
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@requires_postgres("counts the server's connections in pg_stat_activity")
def test_the_development_server_keeps_no_connection_per_idle_browser(dev_server):
    time.sleep(0.5)
    baseline = server_connections()  # the server's start-up (its migrations check) may keep one
    assert baseline <= 1
    clients = [http.client.HTTPConnection("127.0.0.1", dev_server, timeout=10) for _ in range(CLIENTS)]
    statuses, errors = [], []

    def browse(client):
        try:
            for _ in range(REQUESTS_EACH):
                client.request("GET", "/accounts/login/")  # one kept-alive connection per "browser"
                response = client.getresponse()
                response.read()
                statuses.append(response.status)
        except Exception as exc:  # handed to the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=browse, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(statuses) == CLIENTS * REQUESTS_EACH
    # every browser still connected and idle: the server holds (almost) no database connection
    time.sleep(0.5)
    idle = server_connections()
    assert idle <= baseline + 2, f"{idle} database connections held for {CLIENTS} idle browsers"
    for client in clients:
        client.close()
    assert wait_for(lambda: server_connections() <= baseline, timeout=10)
