"""Domain errors become clear 400/403/404/409 answers, never a 500.

* ``django.core.exceptions.ValidationError`` (raised by actions and ``full_clean``) → 400
  with field errors; errors not tied to a field are reported under DRF's
  ``non_field_errors`` key, like serializer errors.
* ``organizations.actions.PermissionDeniedError`` (in scope, role not allowed) → 403 with
  the action's Chinese message.
* ``django.http.Http404`` (missing or out of scope) → 404, handled by DRF itself.
* ``django.db.models.ProtectedError`` (a delete refused because other rows still point at
  the object) → 409.
"""
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from dangjian.errors import PermissionDeniedError


def validation_error_detail(exc: DjangoValidationError) -> dict:
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    detail = {}
    for name, messages in exc.message_dict.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name
        detail.setdefault(key, []).extend(messages)
    return detail


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError):
        return Response(
            {"detail": _("该记录仍被其他数据引用，不能删除。")}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, PermissionDeniedError):
        exc = exceptions.PermissionDenied(str(exc))
    return drf_exception_handler(exc, context)
