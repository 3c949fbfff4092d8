from django.contrib.auth import authenticate
from django.utils.translation import gettext as gettext_now
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings

from dangjian.api.viewsets import ErrorDetailSerializer
from organizations.accounts.actions import login_succeeded, note_attempt, reserve_login, token_create, token_revoke
from organizations.accounts.api.serializers import ApiTokenSerializer, TokenRequestSerializer, TokenResponseSerializer
from organizations.accounts.choices import RevokeReason
from organizations.accounts.forms import LOCKED_OUT
from organizations.accounts.models import ApiToken
from organizations.accounts.selectors import needs_second_factor, tokens_of


class AuthTokenViewSet(viewsets.GenericViewSet):
    """Obtain an API token (``Authorization: Token <key>``) with a user name and password.

    An attempt is reserved per account and client address before the password is checked,
    like web logins; after ``LOGIN_MAX_FAILURES`` that address is refused with 429 for
    ``LOGIN_LOCKOUT_MINUTES``, even with the right password.  The token expires after
    ``API_TOKEN_DAYS``; accounts that need a second factor make tokens on the web page
    (a verified session) instead: 403.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = TokenRequestSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        summary="获取接口令牌",
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="用户名或密码不正确"),
            403: OpenApiResponse(ErrorDetailSerializer, description="该账户须两步验证，请在网页上创建令牌"),
            429: OpenApiResponse(ErrorDetailSerializer, description="登录失败次数过多，账户已临时锁定"),
        },
        auth=[],
        tags=["auth"],
    )
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        reservation = reserve_login(username, request)
        if not reservation.allowed:
            return Response(
                {"detail": str(LOCKED_OUT) % {"minutes": reservation.minutes}},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(reservation.minutes * 60)},
            )
        user = authenticate(request, username=username, password=serializer.validated_data["password"])
        if user is None:
            note_attempt(username, request, succeeded=False)
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [gettext_now("用户名或密码不正确。")]})
        login_succeeded(reservation)
        note_attempt(username, request, succeeded=True)
        if needs_second_factor(user):
            return Response(
                {"detail": gettext_now("该账户须两步验证：请在网页上登录并完成验证后，在“我的接口令牌”页面创建令牌。")},
                status=status.HTTP_403_FORBIDDEN,
            )
        token, key = token_create(user=user, name=serializer.validated_data.get("name") or "API")
        return Response({"token": key, "id": token.pk, "name": token.name, "expires_at": token.expires_at})


@extend_schema_view(
    list=extend_schema(summary="我的接口令牌", tags=["auth"]),
    destroy=extend_schema(summary="撤销接口令牌", tags=["auth"],
                          responses={204: None, 404: OpenApiResponse(ErrorDetailSerializer)}),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's own tokens (never their keys); ``DELETE`` revokes one.  Others' tokens are 404."""

    serializer_class = ApiTokenSerializer
    filter_backends: list = []

    queryset = ApiToken.objects.none()  # for the schema; get_queryset narrows to the caller

    def get_queryset(self):
        return tokens_of(self.request.user)

    def perform_destroy(self, instance):
        token_revoke(instance, RevokeReason.OWNER)
