"""Reading uploaded spreadsheets (.xlsx) without letting one file take a worker down.

An .xlsx file is a zip archive of XML parts, so a small upload can unpack to gigabytes: an
860 KB file of a million blank ``<row>`` elements kept a web worker busy past gunicorn's
timeout, a 209 KB shared-strings table grew the worker by half a gigabyte.  Three layers:

``check_archive(fileobj)``
    Reads only the zip's central directory (no decompression, milliseconds): the number of
    parts, every part's declared uncompressed size, its compression ratio, and the total,
    against the ``SPREADSHEET_*`` settings.  Safe in a web request.  The declared sizes are
    a real bound: Python's ``zipfile`` (and openpyxl through it) never inflates a part past
    its declared size (a longer stream fails its CRC check).
``check_rows(fileobj, max_rows)``
    Streams every worksheet part through zlib in 64 KB pieces and counts its ``<row>``
    elements, the highest row number they name and the declared ``<dimension>``, stopping at
    ``max_rows + 1``: a sheet of a million blank rows is refused in milliseconds, before any
    XML parser sees it.  Memory stays at one piece.
``run_isolated(fn, *args, memory_bytes=…, timeout=…)``
    Runs the parsing itself in a forked child process that exits after the one job, under an
    address-space limit (``RLIMIT_AS``) and a wall-clock timeout: whatever the parser
    allocates is returned to the system when the child exits, and a file that still manages
    to explode meets ``MemoryError`` (or is killed) in the child, not in a web or Celery
    worker.  The child never touches the database: it inherits the parent's connections,
    leaves them alone (no close: that would end the parent's session) and leaves by
    ``os._exit``, so no finalizer runs.  Only the picklable result comes back through a pipe.

Every refusal is a ``SpreadsheetError`` whose message is for the user, in Chinese.  This module
is base code: it knows zip and worksheet XML, nothing of what a row means.
"""
from __future__ import annotations

import os
import pickle
import re
import select
import signal
import time
import zipfile
import zlib

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024
DEFAULTS = {
    "SPREADSHEET_MAX_PARTS": 1000,               # files inside the zip
    "SPREADSHEET_MAX_PART_BYTES": 128 * MB,      # one part, uncompressed
    "SPREADSHEET_MAX_TOTAL_BYTES": 256 * MB,     # all parts, uncompressed
    "SPREADSHEET_MAX_RATIO": 100,                # uncompressed / compressed, per part
    "SPREADSHEET_RATIO_FLOOR_BYTES": 1 * MB,     # parts smaller than this may compress better
    "SPREADSHEET_CHILD_MEMORY_BYTES": 1024 * MB,  # address space the parsing child may add
    "SPREADSHEET_CHILD_TIMEOUT": 300,            # seconds
}
CHUNK = 64 * 1024
WORKSHEET_RE = re.compile(r"^xl/worksheets/[^/]+\.xml$")
# <row ...>, <row>, <row/> — with or without a namespace prefix; never <rowBreaks>.
ROW_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s>/])([^>]*)>")
ROW_NUMBER_RE = re.compile(rb"""\sr\s*=\s*["'](\d{1,12})["']""")
DIMENSION_RE = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*ref\s*=\s*["']([A-Z]{0,3}\d{0,12}:)?[A-Z]{1,3}(\d{1,12})["']""")


class FormulaText(str):
    """The literal text of a formula cell (``=A1+B1``) read from an upload: never evaluated
    and never replaced by the value Excel cached for it; readers refuse or report it."""

    __slots__ = ()

    def __reduce__(self):  # pickles as itself, back from the parsing child
        return (FormulaText, (str(self),))


class SpreadsheetError(Exception):
    """The file is refused as a whole; ``str(exc)`` is the user's (Chinese) message."""


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def _size(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.0f} KB"


# ----------------------------------------------------------------------- the zip itself
def check_archive(fileobj) -> None:
    """Refuse a zip whose parts are too many, too large, or compressed too well (a zip
    bomb), from its central directory alone.  ``fileobj`` is rewound."""
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise SpreadsheetError(_("无法读取文件：文件已损坏或不是 Excel（.xlsx）文件。")) from None
    finally:
        fileobj.seek(0)
    if len(infos) > limit("SPREADSHEET_MAX_PARTS"):
        raise SpreadsheetError(_("文件结构异常（包含 %(n)d 个部件），不能导入。") % {"n": len(infos)})
    part_max, total_max = limit("SPREADSHEET_MAX_PART_BYTES"), limit("SPREADSHEET_MAX_TOTAL_BYTES")
    ratio_max, floor = limit("SPREADSHEET_MAX_RATIO"), limit("SPREADSHEET_RATIO_FLOOR_BYTES")
    total = 0
    for info in infos:
        if info.file_size > floor and info.file_size > ratio_max * max(info.compress_size, 1):
            raise SpreadsheetError(_("文件压缩比异常（%(part)s 解压后是压缩数据的 %(ratio)d 倍），疑似“压缩炸弹”，不能导入。") % {
                "part": info.filename[:60], "ratio": info.file_size // max(info.compress_size, 1)})
        if info.file_size > part_max:
            raise SpreadsheetError(_("文件解压后过大（%(part)s 有 %(size)s，上限 %(limit)s），不能导入；请拆分后分批导入。") % {
                "part": info.filename[:60], "size": _size(info.file_size), "limit": _size(part_max)})
        total += info.file_size
    if total > total_max:
        raise SpreadsheetError(_("文件解压后过大（共 %(size)s，上限 %(limit)s），不能导入；请拆分后分批导入。") % {
            "size": _size(total), "limit": _size(total_max)})


# ------------------------------------------------------------------------ the row count
def _scan_rows(stream, max_rows: int) -> None:
    tail = b""
    count = highest = 0
    first = True
    while True:
        piece = stream.read(CHUNK)
        if not piece:
            break
        data = tail + piece
        if first:
            first = False
            dimension = DIMENSION_RE.search(data)
            if dimension and int(dimension.group(2)) > max_rows:
                raise SpreadsheetError(_("工作表声明有 %(n)d 行，超过上限 %(limit)d 行，请删除多余的空行或拆分后分批导入。") % {
                    "n": int(dimension.group(2)), "limit": max_rows})
        # Tags cut at the piece's end are counted with the next piece.
        cut = data.rfind(b"<")
        if cut != -1 and data.find(b">", cut) == -1:
            data, tail = data[:cut], data[cut:]
        else:
            tail = b""
        if len(tail) > CHUNK:  # a single tag longer than a piece: not a worksheet we read
            raise SpreadsheetError(_("无法读取文件：工作表内容已损坏。"))
        for match in ROW_RE.finditer(data):
            count += 1
            number = ROW_NUMBER_RE.search(match.group(1))
            if number:
                highest = max(highest, int(number.group(1)))
            if count > max_rows or highest > max_rows:
                raise SpreadsheetError(_("工作表超过 %(limit)d 行（空行也计算在内），请删除多余的空行或拆分后分批导入。") % {
                    "limit": max_rows})


def check_rows(fileobj, max_rows: int) -> None:
    """Refuse a workbook any of whose worksheets declares or holds more than ``max_rows``
    rows (blank rows included), streaming, before any parsing.  Call ``check_archive``
    first (it bounds what this inflates).  ``fileobj`` is rewound."""
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            for info in archive.infolist():
                if WORKSHEET_RE.match(info.filename):
                    with archive.open(info) as stream:
                        _scan_rows(stream, max_rows)
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, NotImplementedError):
        raise SpreadsheetError(_("无法读取文件：文件已损坏或不是 Excel（.xlsx）文件。")) from None
    finally:
        fileobj.seek(0)


# ------------------------------------------------------------------- the parsing child
class IsolatedFailure(Exception):
    """The child ran out of memory, out of time, or died; ``reason`` says which."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason  # "memory", "timeout", "died"


def _limit_memory(extra: int) -> None:
    try:
        import resource

        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = current + extra
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ImportError, OSError, ValueError):  # not Linux: the archive checks still hold
        pass


def _child(write_fd: int, fn, args, memory_bytes: int) -> None:
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        _limit_memory(memory_bytes)
        try:
            outcome = ("ok", fn(*args))
        except MemoryError:
            outcome = ("memory", "")
        except BaseException as exc:  # noqa: BLE001 — everything goes back to the parent
            outcome = ("raised", exc)
        try:
            payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("memory", ""))
        except Exception as exc:  # noqa: BLE001 — an exception that does not pickle
            payload = pickle.dumps(("raised", RuntimeError(f"{type(outcome[1]).__name__}: {exc}")))
        view = memoryview(payload)
        while view:
            written = os.write(write_fd, view[:1 << 20])
            view = view[written:]
    finally:
        os._exit(0)


def run_isolated(fn, *args, memory_bytes: int | None = None, timeout: float | None = None):
    """``fn(*args)`` in a forked child that exits afterwards; its return value (picklable),
    or its exception re-raised here.  Raises ``IsolatedFailure`` when the child exceeds
    ``memory_bytes`` of address space beyond what it inherited, runs past ``timeout``
    seconds (it is killed), or dies.  ``fn`` must not use the database."""
    memory_bytes = limit("SPREADSHEET_CHILD_MEMORY_BYTES") if memory_bytes is None else memory_bytes
    timeout = limit("SPREADSHEET_CHILD_TIMEOUT") if timeout is None else timeout
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        _child(write_fd, fn, args, memory_bytes)
    os.close(write_fd)
    deadline = time.monotonic() + timeout
    chunks = []
    timed_out = False
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _w, _x = select.select([read_fd], [], [], remaining)
            if not ready:
                continue
            piece = os.read(read_fd, 1 << 20)
            if not piece:
                break
            chunks.append(piece)
    finally:
        os.close(read_fd)
        if timed_out:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _pid, status = os.waitpid(pid, 0)
    if timed_out:
        raise IsolatedFailure("timeout", f"{timeout}s")
    if not chunks:
        signum = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
        raise IsolatedFailure("memory" if signum == signal.SIGKILL else "died", f"status {status}")
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "ok":
        return value
    if kind == "memory":
        raise IsolatedFailure("memory")
    raise value
