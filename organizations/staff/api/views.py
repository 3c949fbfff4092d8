"""账号管理 over the API (``/api/auth/accounts/``): the same selectors, rules and actions as the
pages.  Only administrator, district and street roles (and superusers) may call it (403);
an account outside the caller's subtree is 404.  A one-time password is in the answer of
the request that made it, once."""
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from organizations.grants.choices import Role
from organizations.staff import actions, permissions, selectors
from organizations.staff.api.serializers import (
    AccountCreateSerializer,
    AccountSerializer,
    GrantInputSerializer,
    GrantSerializer,
    OneTimePasswordSerializer,
    PasswordInputSerializer,
    RevokeInputSerializer,
)


class CanManageAccounts(IsAuthenticated):
    message = "您的角色无权管理账号。"

    def has_permission(self, request, view):
        return super().has_permission(request, view) and permissions.can_manage_accounts(request.user)


_FILTERS = [
    OpenApiParameter("q", str, description="姓名或用户名（模糊）"),
    OpenApiParameter("role", str, enum=Role.values, description="持有该角色的有效授权"),
    OpenApiParameter("active", str, enum=["yes", "no"], description="启用 / 已停用"),
]


@extend_schema_view(
    list=extend_schema(summary="账号列表", description="在调用者管辖范围内持有授权的账号。", parameters=_FILTERS),
    retrieve=extend_schema(summary="账号详情"),
)
class AccountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AccountSerializer
    permission_classes = [CanManageAccounts]
    refusals_conflict = True  # its writes go through actions: a refused state change is 409 (schema)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.account_list(self.request.user, q=params.get("q", "")[:50], role=params.get("role", ""),
                                      active=params.get("active", ""))

    def _account(self, pk):
        account = selectors.accounts_for(self.request.user).filter(pk=pk).first() if str(pk).isdigit() else None
        if account is None:
            raise Http404
        return account

    def _answer(self, account, password=None, code=status.HTTP_200_OK):
        account = self.get_queryset().filter(pk=account.pk).first() or account
        if password is None:
            return Response(AccountSerializer(account, context=self.get_serializer_context()).data, status=code)
        data = {"account": account, "one_time_password": password}
        return Response(OneTimePasswordSerializer(data, context=self.get_serializer_context()).data, status=code)

    @extend_schema(summary="新建账号", description="同时授予第一个角色；返回一次性密码（只此一次）。",
                   request=AccountCreateSerializer, responses={201: OneTimePasswordSerializer})
    def create(self, request):
        data = self._valid(AccountCreateSerializer, request)
        account, password = actions.account_create(
            actor=request.user, username=data["username"], display_name=data["display_name"], role=data["role"],
            node=data["node"], password=data.get("password", ""), note=data.get("note", ""))
        return self._answer(account, password, status.HTTP_201_CREATED)

    def _valid(self, serializer_class, request):
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(summary="授予角色", request=GrantInputSerializer, responses={201: GrantSerializer})
    @action(detail=True, methods=["post"])
    def grants(self, request, pk=None):
        account = self._account(pk)
        data = self._valid(GrantInputSerializer, request)
        grant = actions.grant_add(actor=request.user, account=account, role=data["role"], node=data["node"],
                                  note=data.get("note", ""))
        return Response(GrantSerializer(grant, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="撤销授权", description="该账号的登录会话和接口令牌随即失效。",
                   request=RevokeInputSerializer, responses={200: AccountSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        account = self._account(pk)
        data = self._valid(RevokeInputSerializer, request)
        grant = selectors.grants_visible_of(request.user, account).filter(pk=data["grant"]).first()
        if grant is None:
            raise Http404
        actions.grant_revoke(actor=request.user, grant=grant)
        return self._answer(account)

    @extend_schema(summary="重置密码", description="返回新的一次性密码（只此一次）；原密码、会话和令牌失效。",
                   request=PasswordInputSerializer, responses={200: OneTimePasswordSerializer})
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request, pk=None):
        account = self._account(pk)
        data = self._valid(PasswordInputSerializer, request)
        password = actions.account_reset_password(actor=request.user, account=account,
                                                  password=data.get("password", ""))
        return self._answer(account, password)

    @extend_schema(summary="停用账号", request=None, responses={200: AccountSerializer})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self._answer(actions.account_set_active(actor=request.user, account=self._account(pk), active=False))

    @extend_schema(summary="启用账号", request=None, responses={200: AccountSerializer})
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        return self._answer(actions.account_set_active(actor=request.user, account=self._account(pk), active=True))
