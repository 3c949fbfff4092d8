"""Phone and ID-number patterns are masked in every log line: in a record's message and
arguments, in its traceback, on every configured handler, in the development server's
access log and in the Celery worker's handlers."""
import io
import logging
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler

from dangjian.logs import MaskPersonalData, mask_text

PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"
OLD_ID = "110105491231002"


def _is_ours(handler):
    """A handler that writes somewhere (not pytest's capture, not a NullHandler)."""
    return not type(handler).__module__.startswith("_pytest") and not isinstance(handler, logging.NullHandler)


@contextmanager
def captured(logger_name):
    """What the configured handlers of ``logger_name`` write (their own formatter and filters)."""
    logger = logging.getLogger(logger_name)
    while not [h for h in logger.handlers if _is_ours(h)] and logger.propagate and logger.parent:
        logger = logger.parent
    handlers = [h for h in logger.handlers if _is_ours(h) and isinstance(h, logging.StreamHandler)]
    assert handlers, f"no stream handler reaches {logger_name}"
    out = io.StringIO()
    previous = [h.setStream(out) for h in handlers]
    try:
        yield out
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)


# ----------------------------------------------------------------- the patterns
@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"phone={PHONE}", "phone=139****5678"),
        ("tel 139 1234 5678.", "tel 139****5678."),
        ("tel 139-1234-5678", "tel 139****5678"),
        (f"+86{PHONE}", "+86139****5678"),
        (f"id {ID_NUMBER} ok", "id 1101**********002X ok"),
        (f"id {ID_NUMBER.lower()}", "id 1101**********002X"),
        (f"old {OLD_ID}", "old 1101*******1002"),
        (f"/api/members/?phone={PHONE}&id_number={ID_NUMBER}", "/api/members/?phone=139****5678&id_number=1101**********002X"),
        ("order 20261201123456789012345 and 12912345678", "order 20261201123456789012345 and 12912345678"),
        ("member 42 at 2026-12-01 13:00", "member 42 at 2026-12-01 13:00"),
        # a worker's task timings are decimal fractions, not numbers to mask
        ("succeeded in 0.009914545099961364s", "succeeded in 0.009914545099961364s"),
        ("took 3.13912345678s", "took 3.13912345678s"),
    ],
)
def test_mask_text(text, masked):
    assert mask_text(text) == masked


def test_a_record_with_args_is_masked_after_formatting():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "member %s phone %s id %s", ("张三", PHONE, ID_NUMBER), None)
    assert MaskPersonalData().filter(record) is True
    assert record.getMessage() == "member 张三 phone 139****5678 id 1101**********002X"


def test_a_record_with_a_mapping_argument_and_a_traceback_is_masked():
    try:
        raise ValueError(f"bad {PHONE}")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "%(who)s", ({"who": ID_NUMBER},), exc_info)
    MaskPersonalData().filter(record)
    line = logging.Formatter("%(message)s").format(record)
    assert PHONE not in line and ID_NUMBER not in line
    assert "139****5678" in line and "1101**********002X" in line


# ------------------------------------------------------------------ configuration
def test_every_handler_in_logging_carries_the_filter():
    config = settings.LOGGING
    names = [n for n, f in config["filters"].items() if f.get("()") == "dangjian.logs.MaskPersonalData"]
    assert names
    for name, handler in config["handlers"].items():
        assert set(handler.get("filters", ())) & set(names), name
    for logger_name in ("", "django", "django.server", "django.request", "celery", "dangjian"):
        logger = logging.getLogger(logger_name)
        while logger is not None:
            for handler in filter(_is_ours, logger.handlers):
                assert any(isinstance(f, MaskPersonalData) for f in handler.filters), (logger_name, handler)
            logger = logger.parent if logger.propagate else None


def test_an_application_log_line_with_args_is_masked():
    with captured("dangjian.tests") as out:
        logging.getLogger("dangjian.tests").warning("lookup of %s by %s", PHONE, "grid-1")
    line = out.getvalue()
    assert "139****5678" in line and PHONE not in line and "grid-1" in line


def _dev_server_request_line(line, code=200):
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)  # no socket: only the logging part
    handler.request = None
    handler.requestline = line
    handler.client_address = ("127.0.0.1", 50000)
    handler.log_request(code, 123)


@pytest.mark.parametrize("code", [200, 400, 404])
def test_the_development_server_access_log_masks_the_query_string(code):
    with captured("django.server") as out:
        _dev_server_request_line(f"GET /api/members/?phone={PHONE}&id_number={ID_NUMBER} HTTP/1.1", code)
    line = out.getvalue()
    assert "/api/members/?phone=139****5678&id_number=1101**********002X" in line
    assert PHONE not in line and ID_NUMBER not in line
    assert f" {code} " in line


def test_a_404_path_holding_a_phone_is_masked_in_the_request_log(client):
    with captured("django.request") as out:
        assert client.get(f"/no-such-page/{PHONE}/").status_code == 404
    line = out.getvalue()
    assert "/no-such-page/139****5678/" in line and PHONE not in line


def test_the_celery_worker_handlers_get_the_filter():
    from dangjian.celery import mask_worker_log_lines

    logger = logging.getLogger("dangjian.tests.worker")
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    try:
        mask_worker_log_lines(logger=logger)
        mask_worker_log_lines(logger=logger)  # idempotent: one filter, not two
        assert [f for f in handler.filters if isinstance(f, MaskPersonalData)] and len(handler.filters) == 1
        logger.error("task for %s", PHONE)
        assert "139****5678" in handler.stream.getvalue() and PHONE not in handler.stream.getvalue()
    finally:
        logger.removeHandler(handler)
