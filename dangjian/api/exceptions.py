"""Domain errors become clear 400/403/404 answers, never a 500."""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from organizations.actions import PermissionDeniedError


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDeniedError):
        exc = exceptions.PermissionDenied(str(exc))
    return drf_exception_handler(exc, context)
