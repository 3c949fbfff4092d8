"""Domain errors, and the one place that says how each one is answered over HTTP.

Actions raise:

* ``django.http.Http404`` — the object is missing or out of the actor's scope (404);
* ``PermissionDeniedError`` — in scope, but the actor's role does not allow the write (403);
* ``TransitionError`` — the object's current state does not allow the change (409);
* ``django.core.exceptions.ValidationError`` — bad input, per field (400).

``refusal(exc)`` gives the HTTP status and the Chinese message of a refused write (the first
two kinds above, and a delete refused because other rows still point at the object).  The
API exception handler (``dangjian.api.exceptions``) answers it as ``{"detail": message}``
with that status; the portal answers it with the refusal page (``dangjian.portal.refusals``),
and views that would rather flash the message and go back use ``message_of(exc)``.
"""
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _


class PermissionDeniedError(Exception):
    """The actor is in scope but their role does not allow this write."""


class TransitionError(ValidationError):
    """A status change the object's current status does not allow (HTTP 409).

    A ``ValidationError`` (with ``code="transition"``), so code that turns an action's
    validation errors into form or field errors keeps working; ``refusal`` answers it with
    409 before any handler of plain validation errors (400) sees it."""


# Error class → HTTP status, first match wins (TransitionError before any ValidationError).
HTTP_STATUS = (
    (PermissionDeniedError, 403),
    (TransitionError, 409),
    (ProtectedError, 409),
)
REFUSED = tuple(cls for cls, _status in HTTP_STATUS)

PROTECTED_MESSAGE = _("该记录仍被其他数据引用，不能删除。")


def message_of(exc) -> str:
    """The Chinese message of a domain error (a validation error's messages joined by "；")."""
    if isinstance(exc, ProtectedError):
        return str(PROTECTED_MESSAGE)
    if isinstance(exc, ValidationError):
        return "；".join(str(m) for m in exc.messages)
    return str(exc)


def http_status(exc) -> int | None:
    """The HTTP status of a refused write, or ``None`` when ``exc`` is not a refusal."""
    for cls, status in HTTP_STATUS:
        if isinstance(exc, cls):
            return status
    return None


def refusal(exc) -> tuple[int, str] | None:
    """``(HTTP status, Chinese message)`` of a refused write, or ``None``."""
    status = http_status(exc)
    if status is None:
        return None
    return status, message_of(exc)
