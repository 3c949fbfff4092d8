"""Helpers shared by the portal views of every app: the error and refusal pages (400/403/404/409/429),
paging, and query-string ids."""

import functools
import ipaddress
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import CharField, Count, DateField, DateTimeField, DecimalField, F, Value, Window
from django.db.models.functions import Cast, RowNumber
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian import errors

PAGE_SIZE = 50


# ------------------------------------------------------------------------ error pages
# Every error page of the portal is ``error_page.html`` in the portal's layout (Chinese, with
# the way back; an anonymous visitor or a resident's page also gets the tracking form).  The
# 500 page is ``500.html``, standalone: it renders without a database or a request.
ERROR_PAGES = {
    400: ("x-octagon", "warning", gettext_lazy("请求无效"),
          gettext_lazy("无法处理这个请求：链接可能不完整或已失效。请返回上一页，或从首页重新进入。")),
    403: ("shield-lock", "danger", gettext_lazy("无权访问"),
          gettext_lazy("您的账户无权访问这个页面。如需开通，请联系上级党组织或系统管理员。")),
    404: ("signpost-split", "warning", gettext_lazy("页面不存在"),
          gettext_lazy("您访问的页面不存在、已被删除，或不在您的管辖范围内。请检查链接，或从首页重新进入。")),
    429: ("hourglass-split", "warning", gettext_lazy("操作过于频繁，请稍后再试"),
          gettext_lazy("为防止恶意操作，同一来源在一段时间内的请求次数有限。请稍后再试；如有急事，请直接联系所在社区。")),
}
CODE_NOT_FOUND = gettext_lazy("没有找到查询码为“%(code)s”的心愿或诉求，请核对查询码后重新查询。")
RESIDENT_PREFIXES = ("/w/", "/r/")  # the public residents' pages (no account)


def back_url(request):
    """The page the visitor came from (a same-site ``Referer`` other than this page), or ``None``."""
    referer = request.META.get("HTTP_REFERER") or ""
    if not referer or referer == request.build_absolute_uri():
        return None
    if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return referer
    return None


def error_context(request) -> dict:
    """What every error page shows besides its message: the way back, and for an anonymous
    visitor or on a resident's page the tracking form (the code of a ``/w/<code>/`` or
    ``/r/<code>/`` page that was not found is put back into it)."""
    user = getattr(request, "user", None)
    anonymous = user is None or not user.is_authenticated
    resident = request.path_info.startswith(RESIDENT_PREFIXES)
    match = getattr(request, "resolver_match", None)
    code = str(match.kwargs.get("code") or "")[:20] if match is not None and resident else ""
    try:
        back = back_url(request)
    except Exception:  # a host Django refuses (400): no way back but home
        back = None
    return {"show_track": anonymous or resident, "track_code": code, "back_url": back}


def error_page(request, status, *, heading=None, message=None, context=None):
    """The portal's page for an error ``status`` (400/403/404/409/429): Chinese heading and
    message (``ERROR_PAGES`` unless given), the way back, the tracking form where it helps."""
    icon, tone, default_heading, default_message = ERROR_PAGES.get(status, ERROR_PAGES[400])
    values = {"status": status, "icon": icon, "tone": tone, "heading": heading or default_heading,
              "message": message or default_message, **error_context(request), **(context or {})}
    if status == 404 and values["track_code"] and not message:
        values["message"] = CODE_NOT_FOUND % {"code": values["track_code"]}
    return render(request, "error_page.html", values, status=status)


def too_many_requests(request, retry_after: int, *, message=None):
    """The generic 429 page with ``Retry-After`` (seconds)."""
    response = error_page(request, 429, message=message)
    response["Retry-After"] = str(max(1, int(retry_after)))
    return response


def forbidden(request, message):
    """In scope, but the role may not do this: a 403 page with the Chinese reason."""
    return render(request, "forbidden.html", {
        "status": 403, "icon": "shield-lock", "tone": "danger", "heading": _("无权操作"),
        "message": message, **error_context(request)}, status=403)


def refused(request, exc):
    """The page of a refused write (``dangjian.errors.refusal``): 403 with the reason for a
    role that may not, 409 for a change the object's state does not allow."""
    status, message = errors.refusal(exc)
    if status == 403:
        return forbidden(request, message)
    return render(request, "forbidden.html", {
        "status": status, "icon": "exclamation-triangle", "tone": "warning", "heading": _("无法办理"),
        "message": message, **error_context(request)}, status=status)


def refusals(view):
    """Answer a refused write raised by a view or an action (``PermissionDeniedError``,
    ``TransitionError``, see ``dangjian.errors``) with the refusal page.  Views that would
    rather flash the message and go back catch ``TransitionError`` themselves and flash
    ``dangjian.errors.message_of(exc)``."""
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors.REFUSED as exc:
            return refused(request, exc)

    return wrapper


def paginate(request, rows, size=PAGE_SIZE, *, estimate=False, windowed=False):
    """The requested page of ``rows``.  ``estimate=True``: a queryset whose count may be
    estimated past ``EXACT_COUNT_UP_TO`` rows (``CountedPaginator``); ``windowed=True``: a
    queryset whose filter is the expensive part (an anti-join, a subtree aggregate), read
    with its count in one query (``WindowedPaginator``)."""
    if windowed:
        return WindowedPaginator(rows, size).get_page(request.GET.get("page"))
    paginator = CountedPaginator(rows, size, estimate=True) if estimate else Paginator(rows, size)
    return paginator.get_page(request.GET.get("page"))


class WindowedPaginator(Paginator):
    """Reads a page and the total in ONE query: each row carries ``COUNT(*) OVER ()``, so a
    costly filter runs once instead of once for the count and once for the rows.  Only a
    page past the end (no row to carry the total) counts separately, then shows the last
    page as ``get_page`` does (and as it does for a number below 1)."""

    def get_page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        rows = self._rows(number) if number >= 1 else []  # below 1: the last page, as get_page does
        if rows:
            self.__dict__["count"] = rows[0]._total_rows
        else:
            number = self.num_pages  # counts; 1 for an empty list
            rows = self._rows(number) if self.count else []
        return self._get_page(rows, number, self)

    def _rows(self, number):
        bottom = (number - 1) * self.per_page
        return list(self.object_list.annotate(_total_rows=Window(Count("*")))[bottom:bottom + self.per_page])


def head_and_total(rows, size) -> tuple[list, int]:
    """The first ``size`` rows of a queryset and how many there are in all, in one query
    (``COUNT(*) OVER ()`` beside each row), for a panel that shows a few and counts all."""
    head = list(rows.annotate(_total_rows=Window(Count("*")))[:size])
    return head, (head[0]._total_rows if head else 0)


@dataclass(frozen=True)
class Head:
    """One section of ``heads_and_totals``: its rows (a queryset, already scoped), the order
    of its first rows, and the expressions of what a panel shows of each: ``label``, the id
    its link takes (``ref``, default the row's pk), a deadline (``due``: a datetime, or
    ``day``: a date) and a figure (``amount``)."""

    rows: object
    order: tuple
    label: object
    ref: object = None
    due: object = None
    day: object = None
    amount: object = None


def _typed(expression, field):
    # a typed NULL when absent, so every SELECT of the UNION agrees on its columns' types
    return Cast(Value(None) if expression is None else expression, field)


def heads_and_totals(sections: dict, size) -> dict:
    """``{key: (rows, total)}`` of several ``Head`` sections in ONE query (a ``UNION ALL`` of
    one ``SELECT`` per section, each numbering its rows and counting them with window
    functions), for a page that shows a few rows of many lists and counts each.  Each row
    is a dict: ``ref`` (as text: ids and codes share the column), ``label``, ``due``, ``day``,
    ``amount``.  An empty section (``none()``,
    or a scope matching nothing) costs nothing; no section, no query."""
    found = {key: ([], 0) for key in sections}
    parts = []
    for key, head in sections.items():
        rows = head.rows
        if rows.query.is_empty():
            continue
        parts.append(
            rows.order_by().annotate(
                _q_key=Value(key, output_field=CharField()),
                _q_ref=Cast(F("pk") if head.ref is None else head.ref, CharField()),
                _q_label=_typed(head.label, CharField()),
                _q_due=_typed(head.due, DateTimeField()),
                _q_day=_typed(head.day, DateField()),
                _q_amount=_typed(head.amount, DecimalField(max_digits=12, decimal_places=1)),
                _q_total=Window(Count("*")),
                _q_row=Window(RowNumber(), order_by=[*head.order, F("pk").asc()]),
            )
            .filter(_q_row__lte=size)
            .values_list("_q_key", "_q_ref", "_q_label", "_q_due", "_q_day", "_q_amount", "_q_total", "_q_row")
        )
    if not parts:
        return found
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for key, ref, label, due, day, amount, total, _row in sorted(union, key=lambda r: (r[0], r[7])):
        head, _total = found[key]
        head.append({"ref": ref, "label": label, "due": due, "day": day, "amount": amount})
        found[key] = (head, total)
    return found


def int_param(request, name):
    """An optional integer id from the query string; anything else is a 404."""
    raw = request.GET.get(name)
    if raw in (None, ""):
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise Http404
    return int(raw)


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's address: ``REMOTE_ADDR``, or — behind ``TRUSTED_PROXY_COUNT`` reverse proxies
    (setting, default 0) — the address the outermost trusted proxy saw, i.e. the
    ``TRUSTED_PROXY_COUNT``-th entry of ``X-Forwarded-For`` from the right.  Entries further
    left were written by the client and are never believed; with 0 proxies the header is ignored
    (anyone can send it).  A header shorter than the proxy count or holding a malformed address
    there falls back to ``REMOTE_ADDR``."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    hops = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(hops) < proxies:
        return remote
    return _valid_ip(hops[-proxies]) or remote


#: below this many rows a list's count is exact; above, ``estimated_count`` may answer
EXACT_COUNT_UP_TO = 10_000


def estimated_count(rows, exact_up_to=EXACT_COUNT_UP_TO) -> tuple[int, bool]:
    """``(count, estimated)`` of a queryset without counting millions of rows: an exact
    count of at most ``exact_up_to + 1`` rows (``SELECT COUNT(*) FROM (... LIMIT n)``, one
    query, its cost bounded by the cap), and past the cap PostgreSQL's planner estimate
    (``EXPLAIN``, a second query that reads no rows) — never less than the cap.  Other
    databases, or an estimate the planner cannot give, count exactly."""
    capped = rows.order_by().values("pk")[: exact_up_to + 1].count()
    if capped <= exact_up_to:
        return capped, False
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return rows.count(), False
    sql, params = rows.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return max(int(plan[0]["Plan"]["Plan Rows"]), capped), True


class CountedPaginator(Paginator):
    """A paginator told its count (computed another way) instead of running ``rows.count()``;
    or, with ``estimate=True`` and no count, one counting only up to ``EXACT_COUNT_UP_TO``
    rows and estimating past it (``estimated_count``), for lists over millions whose exact
    size nobody needs.  ``estimated`` says which; the pagination shows “约” then."""

    def __init__(self, rows, per_page, *, count=None, estimate=False, **kwargs):
        super().__init__(rows, per_page, **kwargs)
        if count is None and not estimate:
            raise TypeError("CountedPaginator needs count= or estimate=True")
        self._known_count = count
        self.estimated = False

    @cached_property
    def count(self):
        if self._known_count is None:
            self._known_count, self.estimated = estimated_count(self.object_list)
        return self._known_count


def get_visible_or_404(queryset, **lookup):
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


# ----------------------------------------------------------------------------- helpers
def _visible_ids(queryset, ids) -> set:
    """Which of ``ids`` the (scoped) queryset holds: one query."""
    if not ids:
        return set()
    return set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
