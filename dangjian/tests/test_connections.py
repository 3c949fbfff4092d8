"""Database connections stay bounded under the development server and gunicorn alike
(issue 12, finding 7).

``make run`` serves with Django's threaded development server: one thread per browser
connection, alive as long as the browser keeps the connection open (keep-alive).  With
persistent database connections each such thread kept its own (14 left open after 60
requests; the server's connection limit was reached).  The tests start the real servers on
the test database — ``runserver`` with the ``local`` settings as ``make run`` does, and
gunicorn with persistent connections as the README deploys it — send 100 requests from 10
threads over kept-alive connections, and count the server's connections in
``pg_stat_activity`` while the clients are still connected, and after they have gone.
"""
import http.client
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from dangjian.testing import wait_until
from dangjian.testing.faults import free_port
from dangjian.testing.races import requires_postgres

ROOT = Path(__file__).resolve().parents[2]
CLIENTS, REQUESTS_EACH = 10, 10

counts_connections = requires_postgres("counts the server's connections in pg_stat_activity")
#: the servers started here connect under this name, so only their connections are counted (not a
#: session another test of the same process left behind, e.g. a live worker's thread)
APPLICATION = "dangjian-connection-test"


def server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # a fresh view inside the test's transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [APPLICATION],
        )
        return cursor.fetchone()[0]


def database_url() -> str:
    d = connection.settings_dict
    password = f":{d['PASSWORD']}" if d["PASSWORD"] else ""
    return (f"postgres://{d['USER']}{password}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"
            f"?application_name={APPLICATION}")


def serve(command, tmp_path, **extra_env):
    """Start ``command`` (with ``{port}``) on the test database; yield the port once it answers."""
    port = free_port()
    # the environment of a developer's shell, on the test database
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(DATABASE_URL=database_url(), DJANGO_SETTINGS_MODULE="dangjian.settings.local", **extra_env)
    log_path = tmp_path / "server.log"
    log = log_path.open("w")
    process = subprocess.Popen([part.format(port=port) for part in command], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)

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
        assert wait_until(answers, timeout=60), log_path.read_text()[-2000:]
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture
def dev_server(db, tmp_path):
    yield from serve([sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:{port}"], tmp_path)


@pytest.fixture
def gunicorn_server(db, tmp_path):
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
    if gunicorn is None:
        pytest.skip("needs gunicorn (requirements.txt)")
    # 2 workers × 2 threads, persistent connections as in production (CONN_MAX_AGE 60)
    yield from serve([gunicorn, "dangjian.wsgi", "-w", "2", "--threads", "2", "-b", "127.0.0.1:{port}"], tmp_path,
                     CONN_MAX_AGE="60")


def browse(port) -> list:
    """100 requests from 10 threads, each over its own kept-alive connection (a browser);
    returns the open connections (the browsers still there, idle)."""
    clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(CLIENTS)]
    statuses, errors = [], []

    def run(client):
        try:
            for _ in range(REQUESTS_EACH):
                client.request("GET", "/healthz")  # reads the database
                response = client.getresponse()
                response.read()
                statuses.append(response.status)
        except Exception as exc:  # handed to the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(statuses) == CLIENTS * REQUESTS_EACH
    time.sleep(0.5)
    return clients


@counts_connections
def test_the_development_server_keeps_no_connection_per_idle_browser(dev_server):
    time.sleep(0.5)
    baseline = server_connections()  # the server's start-up (its migrations check) may keep one
    assert baseline <= 1
    clients = browse(dev_server)
    idle = server_connections()
    assert idle <= baseline + 2, f"{idle} database connections held for {CLIENTS} idle browsers"
    for client in clients:
        client.close()
    assert wait_until(lambda: server_connections() <= baseline, timeout=10)


@counts_connections
def test_gunicorn_keeps_at_most_one_connection_per_serving_thread(gunicorn_server):
    clients = browse(gunicorn_server)
    held = server_connections()
    assert 1 <= held <= 2 * 2, f"{held} database connections for 2 workers × 2 threads"
    for client in clients:
        client.close()
    time.sleep(0.5)
    assert server_connections() <= 2 * 2  # persistent, and bounded: they serve the next requests
