"""Several processes run together and stopped together (``make run``, ``make serve``).

``supervise(commands, env=…, banner=…)`` starts each command (a name → argv mapping, in
order), prints the banner, and waits: when one of them exits, or on Ctrl-C or SIGTERM,
the others get SIGTERM and, after ``grace`` seconds, SIGKILL.  The return value is the exit
code of the first process that ended by itself (0 after Ctrl-C).  ``run_steps`` runs
preparation commands one after the other (migrate, collectstatic …) and stops at the first
that fails.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence


def run_steps(steps: Mapping[str, Sequence[str]], *, env: Mapping[str, str]) -> int:
    """Run each step to its end, in order; the first non-zero exit code stops the rest."""
    for name, argv in steps.items():
        print(f"==> {name}: {' '.join(argv)}", flush=True)
        code = subprocess.call(list(argv), env=dict(env))
        if code != 0:
            print(f"==> {name} failed (exit {code})", file=sys.stderr, flush=True)
            return code
    return 0


def stop_all(procs: Sequence[subprocess.Popen], *, grace: float = 10.0) -> None:
    """SIGTERM to every process still running, SIGKILL to those still running after ``grace``."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for p in procs:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def supervise(commands: Mapping[str, Sequence[str]], *, env: Mapping[str, str], banner: str = "",
              grace: float = 10.0, poll: float = 0.5) -> int:
    procs: dict[str, subprocess.Popen] = {}
    stopping = []

    def on_term(*_):
        stopping.append(True)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    code = 0
    try:
        for name, argv in commands.items():
            procs[name] = subprocess.Popen(list(argv), env=dict(env))
        if banner:
            print(banner, flush=True)
        while True:
            ended = [(name, p.returncode) for name, p in procs.items() if p.poll() is not None]
            if ended:
                name, code = ended[0]
                print(f"==> {name} exited ({code}); stopping the others", file=sys.stderr, flush=True)
                break
            time.sleep(poll)
    except KeyboardInterrupt:
        code = 0
    finally:
        stop_all(list(procs.values()), grace=grace)
        signal.signal(signal.SIGTERM, previous)
    return code
