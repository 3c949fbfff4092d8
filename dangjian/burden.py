"""The typed side of the burden meter (减负监测): values people type into the portal by hand,
counted once, here, for every page, import and API write.

What counts as a value typed by hand (the rule the meter's page states):

* **A form saved** — a successful ``POST``/``PUT``/``PATCH`` by a signed-in user: the answer
  is a redirect (3xx, the portal's post-redirect-get), or a 2xx carrying ``HX-Redirect`` /
  ``HX-Location`` (an htmx form), or 200/201 for a write under ``/api/``.  A form answered
  again with its errors (200 without a redirect), a refusal (4xx), a redirect carrying a
  warning or an error message (a refused step flashed on the way back) and a GET count nothing.
  The values are the posted keys with at least one non-blank value, without the CSRF token,
  ``next`` and the control keys of ``CONTROL_KEYS`` (buttons, paging, search; keys starting
  with ``_`` such as the admin's ``_save``; a formset's management keys); each uploaded file
  counts one.  A JSON body (the API) counts its top-level keys whose value is not null (a
  list of objects: the sum over them).
* **Import cells** — the Excel imports (members, areas; the dues sheet) count
  the non-blank cells they wrote, once, after the import committed (``typed(channel="import")``).
* Not counted: sign-in, second factor and password pages (``/accounts/``), the admin's
  ``jsi18n``, the residents' public pages (``/w/``, ``/r/``) and anonymous visitors, and users
  holding no staff role (``STAFF_ROLES``: party members, departments and resident units type
  for themselves, not for the community's paperwork).

What counts as filled from the records (the other side) is declared by the features that
fill them: ``assessments.burden.sources``.

``typed(*, user, count, channel, source)`` sends the ``values_typed`` signal (kwargs ``user``,
``count``, ``channel`` — ``"form"``, ``"import"`` or ``"api"`` —, ``source`` a short label such
as the URL name ``namespace:name`` or the import kind, and ``at``); the burden store
(``assessments.burden``) receives it and adds the count to the month's tally in one upsert.
The base imports no domain app: the roles are the ones the grants hold (``settings``-free
strings), and the receiver lives with the store.  Counting never fails the response and costs
one small write: errors are logged and the page goes on.
"""
from __future__ import annotations

import json
import logging

from django.contrib.messages import constants as message_levels
from django.dispatch import Signal
from django.utils import timezone

from dangjian.scoping import get_scope

log = logging.getLogger(__name__)

#: kwargs: user, count, channel, source, at
values_typed = Signal()


class Channel:
    FORM = "form"
    IMPORT = "import"
    API = "api"


CHANNELS = (Channel.FORM, Channel.IMPORT, Channel.API)

#: the roles whose typing is the community's (or the street's, the district's) paperwork
STAFF_ROLES = frozenset({"admin", "district", "street", "community", "grid"})

#: posted keys that are no value typed: tokens, redirects, buttons, paging, search
CONTROL_KEYS = frozenset({
    "csrfmiddlewaretoken", "next", "action", "submit", "confirm", "page", "q", "sort", "o",
    "save", "cancel", "continue", "step", "back", "per_page", "format", "_method",
})
#: a formset's management keys (``form-TOTAL_FORMS``…)
CONTROL_SUFFIXES = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")
#: paths whose writes are never counted
EXCLUDED_PREFIXES = ("/accounts/", "/admin/jsi18n", "/w/", "/r/")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
#: a JSON body larger than this is not read ahead for counting (the view refuses it anyway)
MAX_JSON_BYTES = 1024 * 1024
SOURCE_MAX = 100


def is_control_key(key: str) -> bool:
    return key in CONTROL_KEYS or key.startswith("_") or key.endswith(CONTROL_SUFFIXES)


def has_staff_role(user) -> bool:
    scope = get_scope(user)
    return scope.user_id is not None and scope.has_role(*STAFF_ROLES)


def typed(*, user, count: int, channel: str, source: str) -> None:
    """Count ``count`` values typed by ``user`` (a no-op for 0, an anonymous user or one
    without a staff role)."""
    if not count or count < 0 or user is None or not getattr(user, "is_authenticated", False):
        return
    if not has_staff_role(user):
        return
    values_typed.send(sender=None, user=user, count=int(count), channel=channel,
                      source=(source or "")[:SOURCE_MAX], at=timezone.now())


# ----------------------------------------------------------------------- counting
def count_form(post, files) -> int:
    """The posted keys with a non-blank value (controls left out), plus one per uploaded file."""
    n = 0
    for key in post:
        if is_control_key(key) or key in files:
            continue
        if any(str(v).strip() for v in post.getlist(key)):
            n += 1
    for key in files:
        if not is_control_key(key):
            n += len(files.getlist(key))
    return n


def count_json(body: bytes) -> int:
    """The top-level keys with a non-null value of a JSON object (of each object of a list)."""
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return 0
    items = data if isinstance(data, list) else [data]
    return sum(
        sum(1 for key, value in item.items() if value is not None and not is_control_key(str(key)))
        for item in items if isinstance(item, dict)
    )


def _flashed_a_refusal(request) -> bool:
    """The request queued a warning or an error message (a refused write redirected back)."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", None) or ()
    return any(getattr(m, "level", 0) >= message_levels.WARNING for m in queued)


def _succeeded(request, response, api: bool) -> bool:
    if _flashed_a_refusal(request):
        return False
    status = response.status_code
    if 300 <= status < 400 and status != 304:
        return True
    if 200 <= status < 300 and (response.has_header("HX-Redirect") or response.has_header("HX-Location")):
        return True
    return api and status in (200, 201)


def _is_json(request) -> bool:
    return (request.content_type or "").split(";")[0].strip().lower() == "application/json"


class TypedValuesMiddleware:
    """After a successful write by a signed-in user, count the values typed (the module's rule)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counted = request.method in WRITE_METHODS and not request.path.startswith(EXCLUDED_PREFIXES)
        api = request.path.startswith("/api/")
        if counted and api and _is_json(request):
            self._read_ahead(request)
        response = self.get_response(request)
        if counted:
            try:
                self._count(request, response, api)
            except Exception:  # the meter never breaks a page
                log.exception("burden: counting the values typed at %s failed", request.path)
        return response

    @staticmethod
    def _read_ahead(request) -> None:
        """Read a small JSON body before the view so it can be counted after (the view reads
        the cached copy)."""
        try:
            if int(request.META.get("CONTENT_LENGTH") or 0) <= MAX_JSON_BYTES:
                request.body  # noqa: B018 — caches the body on the request
        except Exception:  # too big, a broken stream: the view answers it; not counted
            pass

    @staticmethod
    def _count(request, response, api: bool) -> None:
        user = getattr(request, "user", None)  # DRF sets the API's authenticated user here too
        if user is None or not user.is_authenticated or not _succeeded(request, response, api):
            return
        if api and _is_json(request):
            body = getattr(request, "_body", None)
            count = count_json(body) if body is not None else 0
        elif request.method == "POST":
            count = count_form(request.POST, request.FILES)
        else:  # a PUT/PATCH form body Django does not parse: not counted
            count = 0
        match = getattr(request, "resolver_match", None)
        source = (match.view_name if match is not None else "") or request.path
        typed(user=user, count=count, channel=Channel.API if api else Channel.FORM, source=source)
