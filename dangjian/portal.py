"""Helpers shared by the portal views of every app: the refusal pages (403/409), paging, and query-string ids."""

import functools
import ipaddress

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from dangjian import errors

PAGE_SIZE = 50


def forbidden(request, message):
    """In scope, but the role may not do this: a 403 page with the Chinese reason."""
    return render(request, "forbidden.html", {"message": message}, status=403)


def refused(request, exc):
    """The page of a refused write (``dangjian.errors.refusal``): 403 with the reason for a
    role that may not, 409 for a change the object's state does not allow."""
    status, message = errors.refusal(exc)
    if status == 403:
        return forbidden(request, message)
    return render(request, "forbidden.html", {"message": message, "heading": _("无法办理")}, status=status)


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


def paginate(request, rows, size=PAGE_SIZE):
    return Paginator(rows, size).get_page(request.GET.get("page"))


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


class CountedPaginator(Paginator):
    """A paginator told its count (computed another way) instead of running ``rows.count()``."""

    def __init__(self, rows, per_page, *, count, **kwargs):
        super().__init__(rows, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
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
