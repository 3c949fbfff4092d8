from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as gettext_now
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings

from dangjian.api.viewsets import ErrorDetailSerializer
from organizations.accounts.actions import note_attempt
from organizations.accounts.api.serializers import TokenRequestSerializer, TokenResponseSerializer
from organizations.accounts.selectors import is_locked_out


class AuthTokenViewSet(viewsets.GenericViewSet):
    """Obtain an API token (``Authorization: Token <key>``) with a user name and password.

    Failures are counted per user name like web logins; after ``LOGIN_MAX_FAILURES`` the
    account is refused with 429 for ``LOGIN_LOCKOUT_MINUTES``, even with the right password.
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
            429: OpenApiResponse(ErrorDetailSerializer, description="登录失败次数过多，账户已临时锁定"),
        },
        auth=[],
        tags=["auth"],
    )
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        if is_locked_out(username):
            minutes = settings.LOGIN_LOCKOUT_MINUTES
            return Response(
                {"detail": gettext_now("登录失败次数过多，账户已临时锁定，请 %(minutes)d 分钟后再试。") % {"minutes": minutes}},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(minutes * 60)},
            )
        user = authenticate(request, username=username, password=serializer.validated_data["password"])
        if user is None:
            note_attempt(username, request, succeeded=False)
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [gettext_now("用户名或密码不正确。")]})
        note_attempt(username, request, succeeded=True)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
