"""The JSON end of the pickers (``dangjian.forms.PickerField``, ``static/js/picker.js``).

An endpoint lists one scoped queryset — the very queryset the form validates against —
searched by ``?q=`` and cut to a bounded page::

    {"results": [{"id": 12, "text": "张三"}, …], "more": true}

``more`` says there are further matches (the user types more letters; there is no
paging through a hundred thousand members).  Anonymous callers are refused (403, JSON).
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q
from django.http import JsonResponse

PAGE = 20  # options per answer
QUERY_MAX = 50  # characters of ``q`` used


def search(queryset, q: str, fields):
    q = (q or "").strip()[:QUERY_MAX]
    if not q:
        return queryset
    return queryset.filter(reduce(or_, (Q(**{f"{name}__icontains": q}) for name in fields)))


def options(queryset, q: str = "", *, fields=("name",), label=str, page: int = PAGE) -> dict:
    """One bounded page of ``queryset`` matching ``q`` (one query)."""
    rows = list(search(queryset, q, fields)[: page + 1])
    return {"results": [{"id": obj.pk, "text": label(obj)} for obj in rows[:page]], "more": len(rows) > page}


def answer(results, more: bool) -> JsonResponse:
    """An endpoint's answer from rows already cut to a page: ``[(id, text)]``."""
    response = JsonResponse({"results": [{"id": pk, "text": str(text)} for pk, text in results], "more": more})
    response["Cache-Control"] = "private, no-store"
    return response


def refused(message, status=403):
    return JsonResponse({"detail": str(message)}, status=status)


def respond(request, queryset, *, fields=("name",), label=str, page: int = PAGE):
    """The endpoint's answer for ``request`` (callers check login and scope first)."""
    data = options(queryset, request.GET.get("q", ""), fields=fields, label=label, page=page)
    return answer([(row["id"], row["text"]) for row in data["results"]], data["more"])


def picker_view(get_queryset, *, fields=("name",), label=str, page: int = PAGE, public=False):
    """A view answering one picker kind: ``get_queryset(request)`` returns the user's scoped
    queryset (ordered), or raises ``Http404``/``PermissionDenied`` like any page.
    ``public``: the options are public data (a resident's form), anonymous callers welcome."""

    def view(request, *args, **kwargs):
        if not public and not request.user.is_authenticated:
            return refused("请先登录。")
        return respond(request, get_queryset(request, *args, **kwargs), fields=fields, label=label, page=page)

    return view
