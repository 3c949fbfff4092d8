"""Helpers shared by the portal views of every app: the 403 page, paging, and query-string ids."""

import functools

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import cached_property

PAGE_SIZE = 50


def forbidden(request, message):
    """In scope, but the role may not do this: a 403 page with the Chinese reason."""
    return render(request, "forbidden.html", {"message": message}, status=403)


def refusals(view):
    """Answer a ``PermissionDeniedError`` raised by a view or an action with the 403 page."""
    from dangjian.errors import PermissionDeniedError

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDeniedError as exc:
            return forbidden(request, str(exc))

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


def client_ip(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


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
