"""Filter backends shared by the API viewsets.

``?within=<area id>`` limits a list to one subtree of the territory tree: areas in that
area's subtree, organizations anchored in it, members residing in it, units located in it…
A viewset opts in by naming the foreign key that leads to the area (``within_field``; an
empty string means the rows are areas themselves).

The ``within`` area must itself be visible to the caller; otherwise the answer is 404,
exactly as for a missing area, so the parameter cannot be used to probe other subtrees.
"""

import django_filters
from django import forms
from django.apps import apps
from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

from dangjian import trees

WITHIN_PARAM = "within"

#: The ids a database row can have (a 64-bit key); a number outside it matches no row.
ID_MAX = 2**63 - 1


def is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def visible_area_or_404(user, raw_id):
    """The area with id ``raw_id`` if the user may see it; 404 otherwise (missing or out of scope)."""
    try:
        pk = int(str(raw_id).strip())
    except (TypeError, ValueError):
        raise ValidationError({WITHIN_PARAM: [_("区域编号必须是整数。")]}) from None
    if not is_id(pk):
        raise Http404
    Area = apps.get_model(settings.SCOPE_AREA_MODEL)
    area = Area.objects.visible_to(user).filter(pk=pk).only("pk", *trees.range_fields()).first()
    if area is None:
        raise Http404
    return area


class WithinAreaFilter(BaseFilterBackend):
    """``?within=<area id>``: keep the rows whose ``view.within_field`` area is in that subtree."""

    def filter_queryset(self, request, queryset, view):
        field = getattr(view, "within_field", None)
        raw = request.query_params.get(WITHIN_PARAM)
        if field is None or raw in (None, ""):
            return queryset
        area = visible_area_or_404(request.user, raw)
        return queryset.filter(trees.subtree_q(area, field))

    def get_schema_operation_parameters(self, view):
        # Read by drf-spectacular (and DRF's own schema generator) for list operations.
        if getattr(view, "within_field", None) is None:
            return []
        return [
            {
                "name": WITHIN_PARAM,
                "required": False,
                "in": "query",
                "description": _("只返回该区域（含全部下级区域）内的记录；区域不可见时返回 404。"),
                "schema": {"type": "integer"},
            }
        ]

_WITHIN = "?within=<区域编号> 只返回该区域子树内的记录（区域不可见时 404）。"


class IdFilter(django_filters.Filter):
    """Exact match on an integer id (a primary or foreign key), or on any other integer
    column: a number no row can hold matches nothing (instead of overflowing the database)."""

    field_class = forms.IntegerField

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        if not (-ID_MAX <= value <= ID_MAX):
            return qs.none()
        return super().filter(qs, value)
