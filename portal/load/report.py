"""Locust's CSV statistics → the Markdown of the ``make load`` report, and what the machine
was doing meanwhile (load average samples, CPU seconds per process)."""
from __future__ import annotations

import csv
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

AGGREGATED = "Aggregated"


@dataclass(frozen=True)
class Row:
    method: str
    name: str
    count: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    maximum: float


def _num(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def read_stats(path: Path) -> list[Row]:
    """The rows of a Locust ``*_stats.csv`` (the aggregated row last)."""
    rows = []
    with open(path, newline="") as fh:
        for line in csv.DictReader(fh):
            rows.append(Row(
                method=line.get("Type", ""), name=line.get("Name", ""), count=int(_num(line.get("Request Count"))),
                failures=int(_num(line.get("Failure Count"))), rps=_num(line.get("Requests/s")),
                p50=_num(line.get("50%")), p95=_num(line.get("95%")), p99=_num(line.get("99%")),
                maximum=_num(line.get("Max Response Time")),
            ))
    rows.sort(key=lambda r: r.name == AGGREGATED)
    return rows


def read_failures(path: Path) -> list[tuple[str, str, str, int]]:
    if not path.exists():
        return []
    with open(path, newline="") as fh:
        return [(line["Method"], line["Name"], line["Error"], int(_num(line["Occurrences"])))
                for line in csv.DictReader(fh)]


def aggregated(rows: list[Row]) -> Row | None:
    return next((r for r in rows if r.name == AGGREGATED), None)


def stats_table(rows: list[Row]) -> str:
    """Per request name, worst p95 first, the aggregated row last."""
    head = ("| request | n | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|")
    body = sorted((r for r in rows if r.name != AGGREGATED), key=lambda r: (-r.p95, r.name))
    total = aggregated(rows)
    lines = [head]
    for r in body + ([total] if total else []):
        label = "**all requests**" if r.name == AGGREGATED else f"{r.method} {r.name}"
        lines.append(f"| {label} | {r.count} | {r.rps:.1f} | {r.p50:.0f} | {r.p95:.0f} | {r.p99:.0f} | "
                     f"{r.maximum:.0f} | {r.failures} |")
    return "\n".join(lines)


def failures_table(failures) -> str:
    if not failures:
        return "No errors."
    lines = ["| request | error | occurrences |", "|---|---|---:|"]
    for method, name, error, n in failures:
        lines.append(f"| {method} {name} | {error.replace('|', '/')[:200]} | {n} |")
    return "\n".join(lines)


# ------------------------------------------------------------------------ the machine
_CLK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores (/proc/stat)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0, 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal (guest is inside user)
    return (total - idle) / _CLK, total / _CLK


def cpu_snapshot() -> dict[tuple[int, int], tuple[float, int, str]]:
    """(pid, start time) → (CPU seconds so far, parent pid, command line) of every user-space
    process (Linux /proc; kernel threads, which have no command line, are left out)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if not cmdline:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        out[(int(entry.name), int(fields[19]))] = ((int(fields[11]) + int(fields[12])) / _CLK, int(fields[1]), cmdline)
    return out


class Watch:
    """What the machine does while a run goes on, sampled every ``every`` seconds in a thread:
    the 1-minute load average, each process's CPU seconds (the last value seen, so a process
    that ended between two samples keeps what it had used by the one before) and the
    machine's busy CPU seconds."""

    def __init__(self, every: float = 5.0):
        self.every, self.samples, self._stop = every, [], threading.Event()
        self.last: dict = {}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self):
        self.samples.append(os.getloadavg()[0])
        self.last.update(cpu_snapshot())

    def _run(self):
        while not self._stop.wait(self.every):
            self._sample()

    def __enter__(self):
        self.before, self.busy_before = os.getloadavg(), cpu_busy()
        self.first = cpu_snapshot()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()
        self.after, self.busy_after = os.getloadavg(), cpu_busy()

    def summary(self) -> str:
        s = self.samples or [0.0]
        return (f"before {self.before[0]:.2f}; during min {min(s):.2f} / mean {sum(s) / len(s):.2f} / max {max(s):.2f} "
                f"({len(self.samples)} samples); after {self.after[0]:.2f} / {self.after[1]:.2f} / {self.after[2]:.2f}")

    def busy(self) -> tuple[float, float]:
        """(busy, available) core-seconds of the machine during the run."""
        return self.busy_after[0] - self.busy_before[0], self.busy_after[1] - self.busy_before[1]

    def cpu_by_process(self, ours: dict[int, str], *, extra=None, skip=()) -> dict[str, float]:
        return cpu_seconds(self.first, self.last, ours, extra=extra, skip=skip)

    def beside(self, ours: dict[int, str], *, extra: dict[str, float] | None = None, skip=(), top: int = 10) -> str:
        return cpu_table(self.cpu_by_process(ours, extra=extra, skip=skip), busy=self.busy(), top=top)


def _descendants(snapshot, roots: dict[int, str]) -> dict[int, str]:
    """Every process under one of ``roots`` (pid → label), labelled by its root's label."""
    parents = {pid: ppid for (pid, _start), (_cpu, ppid, _cmd) in snapshot.items()}
    labels = dict(roots)
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if pid not in labels and ppid in labels:
                labels[pid] = labels[ppid]
                changed = True
    return labels


def label(cmdline: str) -> str:
    """A short name for a process: PostgreSQL backends by database, others by their command."""
    pg = re.match(r"postgres: [^:]+: \S+ (\S+) ", cmdline)
    if pg:
        return f"postgres backend ({pg.group(1)})"
    if cmdline.startswith("postgres:"):
        return "postgres (background)"
    words = [os.path.basename(w) if i == 0 or "/" in w else w for i, w in enumerate(cmdline.split()[:6])]
    return " ".join(words)[:70]


def cpu_seconds(first, last, ours: dict[int, str], *, extra: dict[str, float] | None = None,
                skip=()) -> dict[str, float]:
    """CPU seconds used between two snapshots, grouped by label (``ours``: roots of the
    processes of this run, e.g. the server's pid → "make serve"; ``extra``: seconds measured
    otherwise, e.g. Locust's own from its exit, whose pid is then in ``skip``)."""
    mine = _descendants(last, ours)
    seconds: dict[str, float] = dict(extra or {})
    for key, (cpu, _ppid, cmd) in last.items():
        pid = key[0]
        if pid in skip:
            continue
        used = cpu - (first[key][0] if key in first else 0.0)
        if used <= 0:
            continue
        name = mine.get(pid) or label(cmd)
        if pid in mine and "gunicorn" in cmd:
            name = f"{mine[pid]}: gunicorn"
        elif pid in mine and "celery" in cmd:
            name = f"{mine[pid]}: celery " + ("beat" if " beat" in cmd else "worker")
        seconds[name] = seconds.get(name, 0.0) + used
    return seconds


def cpu_table(seconds: dict[str, float], *, busy: tuple[float, float] | None = None, top: int = 10) -> str:
    """The busiest ``top`` of ``seconds``; with ``busy`` (the machine's busy and available
    core-seconds) a row for what came and went unseen between samples, and the total."""
    rows = sorted(((k, v) for k, v in seconds.items() if v >= 0.05), key=lambda kv: -kv[1])
    lines = ["| process | CPU s |", "|---|---:|"] + [f"| {name} | {sec:.1f} |" for name, sec in rows[:top]]
    if busy is not None and busy[1] > 0:
        rest = busy[0] - sum(seconds.values())
        if rest > 0.5:
            lines.append(f"| other processes, short-lived or not seen (machine total less the above) | {rest:.1f} |")
        lines.append(f"| **machine busy** (of {busy[1]:.0f} core-seconds available) | **{busy[0]:.1f}** "
                     f"({busy[0] / busy[1] * 100:.0f} %) |")
    return "\n".join(lines)


def per_request(seconds: dict[str, float], requests: int, database: str) -> str:
    """CPU milliseconds per request of the web server (every gunicorn process) and of the
    database's PostgreSQL backends: what a request costs, whatever else shares the machine."""
    if not requests:
        return ""
    web = sum(v for k, v in seconds.items() if "gunicorn" in k)
    pg = seconds.get(f"postgres backend ({database})", 0.0)
    return (f"CPU per request: gunicorn {web / requests * 1000:.1f} ms, PostgreSQL ({database}) "
            f"{pg / requests * 1000:.1f} ms.")


def now_utc() -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
