"""API permission classes.

Visibility is decided by scoping (``visible_to``: out of scope answers 404) and each write
is checked again by its action against the node it touches.  The classes here only refuse
early, with a clear Chinese message, requests that can never succeed.
"""
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from dangjian.scoping import get_scope


class ScopedReadManageWrite(IsAuthenticated):
    """Reads: any signed-in user (the querysets are scoped).  Writes: a managing role
    (系统管理员, 区委组织部, 街道党工委, 社区党委/社区工作者) somewhere in the user's grants;
    the action then checks that this role covers the node being written."""

    message = _("您的角色无权修改数据。")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        return get_scope(request.user).has_role(*import_string(settings.SCOPE_MANAGE_ROLES))


def docs_allowed(user) -> bool:
    """The OpenAPI schema and the interactive docs: public where ``API_DOCS_PUBLIC`` is on
    (development), else only for a signed-in staff user (``is_staff``)."""
    if getattr(settings, "API_DOCS_PUBLIC", False):
        return True
    return bool(user is not None and user.is_authenticated and user.is_staff)


class DocsAccess(BasePermission):
    """``/api/schema/`` and ``/api/docs/`` (drf-spectacular's ``SERVE_PERMISSIONS``)."""

    message = _("接口文档仅对已登录的管理人员开放。")

    def has_permission(self, request, view):
        return docs_allowed(request.user)
