"""A Redis of the test's own, to stop and start: ``own_redis`` (a pytest fixture, see the root conftest).

Fault tests ("Redis drops while a resident submits") need a Redis they may kill.  The fixture
starts ``redis-server`` on a free loopback port with nothing kept on disk, points the cache at
it with ``own_redis.use(settings)``, and stops it by its pid at the end.  The machine's own Redis
is never touched.  (A test that needs the Celery broker on it uses ``own_redis.url``.)

    def test_submission_survives(own_redis, settings, client):
        own_redis.use(settings)
        own_redis.stop()            # the cache is down now
        ...                         # submit; assert saved
        own_redis.start()           # same port, empty, as a restarted Redis is

Without ``redis-server`` on the PATH the fixture skips with the reason.
"""
import shutil
import socket
import subprocess
import time

import pytest


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """One ``redis-server`` process on 127.0.0.1:``port``; ``stop`` and ``start`` keep the port."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 5.0) -> "RedisServer":
        if self.running:
            return self
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port} within {timeout}s")

    def stop(self) -> None:
        """Kill this server (by its own pid) and wait for it; connections to it now fail."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def use(self, settings) -> None:
        """Point the cache of pytest-django's ``settings`` here (Django forgets the old connection
        when ``CACHES`` changes, and pytest-django puts it back after the test)."""
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": self.url,
                # fail fast while the server is down instead of waiting on the OS timeout
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }


@pytest.fixture
def own_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server on the PATH (a fault test that stops its own Redis)")
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()
