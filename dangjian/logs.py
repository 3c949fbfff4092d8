"""Log lines never carry a full phone or ID number.

``MaskPersonalData`` is a ``logging.Filter`` installed on every handler of ``LOGGING``
(``dangjian/settings/base.py``) — the application's console, Django's ``django.server``
access log of the development server (its request lines hold the query string) — and on the
Celery worker's handlers (``dangjian.celery``).  It formats the record's message with its
arguments, masks every mainland mobile number (``1[3-9]`` and nine digits, with or without
``+86``, spaces or dashes), 18-character resident ID number and 15-digit old ID number with the
display masks of ``dangjian.privacy``, and leaves the masked text as the record's message (no
arguments left).  A traceback is formatted and masked too.

Digits inside a longer run of digits are left alone (order numbers, timestamps), so a
masked line keeps its other numbers.
"""
import logging
import re

from dangjian.privacy import mask_id_number, mask_phone

_ID_NUMBER = re.compile(r"(?<![\d.])(\d{17}[\dXx]|\d{15})(?![\dXx])")
_MOBILE = re.compile(r"(?<![\d.])(\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    """``text`` with every phone and ID-number pattern masked."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(1)), text)
    return _MOBILE.sub(lambda m: (m.group(1) or "") + mask_phone("".join(m.groups()[1:])), text)


class MaskPersonalData(logging.Filter):
    """Rewrite the record so that its formatted message (and traceback) hold masked numbers."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format: mask what is there
            message = f"{record.msg} {record.args}"
        masked = mask_text(message)
        if masked != message or record.args:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


def mask_handlers(logger: logging.Logger) -> None:
    """Install the filter on every handler of ``logger`` that lacks it (idempotent)."""
    for handler in logger.handlers:
        if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
            handler.addFilter(MaskPersonalData())
