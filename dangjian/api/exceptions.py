"""Domain errors become clear 400/403/404/409 answers, never a 500.

* A refused write (``dangjian.errors.refusal``: ``PermissionDeniedError`` → 403,
  ``TransitionError`` → 409, ``django.db.models.ProtectedError`` → 409) → that status with
  ``{"detail": "<the Chinese message>"}``; the mapping lives in ``dangjian.errors`` and the
  portal uses the same one.
* ``django.core.exceptions.ValidationError`` (raised by actions and ``full_clean``) → 400
  with field errors; errors not tied to a field are reported under DRF's
  ``non_field_errors`` key, like serializer errors.
* ``django.http.Http404`` (missing or out of scope) → 404, handled by DRF itself.
* ``CredentialsRefused`` (credentials were presented and are dead: an expired or revoked
  token) → 401 with ``WWW-Authenticate``, whatever authentication class comes first (DRF
  would answer 403 when the first one, the session, names no scheme).
"""
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import csrf, defaults
from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from dangjian import errors, portal
from dangjian.api.authentication import CredentialsRefused


def validation_error_detail(exc: DjangoValidationError) -> dict:
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    detail = {}
    for name, messages in exc.message_dict.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name
        detail.setdefault(key, []).extend(messages)
    return detail


def exception_handler(exc, context):
    if isinstance(exc, CredentialsRefused):
        exc.status_code = status.HTTP_401_UNAUTHORIZED
        response = drf_exception_handler(exc, context)
        if response is not None:
            response["WWW-Authenticate"] = exc.www_authenticate
        return response
    refused = errors.refusal(exc)
    if refused is not None:
        status_code, message = refused
        set_rollback()
        return Response({"detail": message}, status=status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


# ------------------------------------------------------------------------------------------
# Django's own error pages (no route, a CSRF failure, an uncaught error, a bad request) are
# the portal's Chinese pages (``dangjian.portal.error_page``; 500 is the standalone
# ``500.html``, rendered without a database or a request context); under /api/ they answer
# JSON with the same ``{"detail": …}`` shape as DRF's errors.  ``portal.urls`` names them as
# ``handler400/403/404/500``; ``CSRF_FAILURE_VIEW`` names ``csrf_failure``.
API_PREFIX = "/api/"

API_ERROR_MESSAGES = {
    400: _("请求无效。"),
    403: _("您没有执行该操作的权限。"),
    404: _("未找到。"),
    500: _("服务器内部错误，请稍后再试。"),
}


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status_code: int, message=None) -> JsonResponse:
    return JsonResponse({"detail": str(message or API_ERROR_MESSAGES[status_code])}, status=status_code)


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if is_api_request(request):
        return json_error(400)
    return portal.error_page(request, 400)


def permission_denied(request, exception, template_name=defaults.ERROR_403_TEMPLATE_NAME):
    if is_api_request(request):
        return json_error(403)
    return portal.error_page(request, 403)


def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    if is_api_request(request):
        return json_error(404)
    return portal.error_page(request, 404)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if is_api_request(request):
        return json_error(500)
    return defaults.server_error(request, template_name)


def csrf_failure(request, reason="", template_name=csrf.CSRF_FAILURE_TEMPLATE_NAME):
    if is_api_request(request):
        return json_error(403, _("CSRF 校验失败：请带上 CSRF 令牌，或改用令牌认证。"))
    return portal.error_page(request, 403, heading=_("页面已过期"), message=_(
        "安全校验未通过：页面停留太久或已在别处退出登录。请返回上一页，刷新后重新提交。"))
