"""API of the micro-wishes.

Staff (``/api/wishes/``): the wishes the caller may open (``Wish.objects.visible_to``),
filters by status, kind and community, and one POST endpoint per transition
(``publish``, ``reject``, ``claim``, ``release``, ``fulfil``, ``cancel``).  A transition the
wish's current status does not allow answers **409** with a Chinese ``detail``; other
errors as everywhere (400 fields, 403 role, 404 scope).

Public (``/api/public/wishes/``, no account): POST submits a wish (successful submissions
limited per client address and per phone → 429), GET ``{code}/`` reads its progress and POST ``{code}/rate/`` rates it.
Public answers never carry personal data.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from dangjian import ratelimit
from dangjian.api.exceptions import validation_error_detail
from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ErrorDetailSerializer, ScopedReadOnlyViewSet
from dangjian.crypto import keyed_hash
from dangjian.portal import client_ip
from services.resident.api.serializers import ConflictSerializer
from services.wishes import actions
from services.wishes.api.serializers import (
    ClaimSerializer,
    FulfilSerializer,
    PublicRateSerializer,
    PublicWishSerializer,
    PublicWishSubmitSerializer,
    ReasonSerializer,
    WishSerializer,
)
from services.wishes.choices import WishKind, WishStatus
from services.wishes.models import Wish


class WishFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=WishStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=WishKind.choices)
    community = IdFilter(label=_("社区"), field_name="community")

    class Meta:
        model = Wish
        fields = ["status", "kind", "community"]


_CONFLICT = OpenApiResponse(ConflictSerializer, description="当前状态不允许此操作（如心愿已被认领）")


@extend_schema_view(
    list=extend_schema(
        summary="微心愿列表",
        description="调用者可查看的心愿：管辖社区的全部心愿、可见心愿墙上待认领的心愿、本人（或所管党组织）认领的心愿。",
    ),
    retrieve=extend_schema(summary="微心愿详情"),
)
class WishViewSet(ScopedReadOnlyViewSet):
    queryset_model = Wish
    serializer_class = WishSerializer
    filterset_class = WishFilterSet
    permission_classes = [IsAuthenticated]
    list_select_related = ("community", "building", "claimed_member", "claimed_org__area")
    ordering = ("-created_at", "-id")
    within_field = "community"

    def _answer(self, wish, code=status.HTTP_200_OK):
        wish = self.get_queryset().filter(pk=wish.pk).first() or wish
        return Response(WishSerializer(wish, context=self.get_serializer_context()).data, status=code)

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return body.validated_data

    @extend_schema(summary="审核通过并发布", request=None, responses={200: WishSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request, pk=None):
        return self._answer(actions.wish_publish(actor=request.user, wish=self.get_object()))

    @extend_schema(summary="审核不通过", request=ReasonSerializer, responses={200: WishSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request, pk=None):
        data = self._body(ReasonSerializer)
        return self._answer(actions.wish_reject(actor=request.user, wish=self.get_object(), reason=data["reason"]))

    @extend_schema(summary="取消心愿", request=ReasonSerializer, responses={200: WishSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request, pk=None):
        data = self._body(ReasonSerializer)
        return self._answer(actions.wish_cancel(actor=request.user, wish=self.get_object(), reason=data["reason"]))

    @extend_schema(summary="认领心愿", description="同一心愿只能被一名党员或一个党组织认领；已被认领时返回 409。",
                   request=ClaimSerializer, responses={200: WishSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def claim(self, request, pk=None):
        data = self._body(ClaimSerializer)
        wish = Wish.objects.filter(pk=pk).only("pk").first() if str(pk).isdigit() else None
        if wish is None:
            from django.http import Http404

            raise Http404
        return self._answer(actions.wish_claim(actor=request.user, wish=wish, org=data.get("org")))

    @extend_schema(summary="释放认领", request=None, responses={200: WishSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def release(self, request, pk=None):
        return self._answer(actions.wish_release(actor=request.user, wish=self.get_object()))

    @extend_schema(summary="登记完成", request=FulfilSerializer, responses={200: WishSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def fulfil(self, request, pk=None):
        data = self._body(FulfilSerializer)
        return self._answer(actions.wish_fulfil(
            actor=request.user, wish=self.get_object(), note=data["note"], photo=data.get("photo")))


def _too_many(name):
    limit, window = ratelimit.limit_for(name)
    return Response(
        {"detail": str(_("操作过于频繁，请稍后再试（同一来源 %(minutes)d 分钟内最多 %(limit)d 次）。") % {
            "minutes": max(1, window // 60), "limit": limit})},
        status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(ratelimit.retry_after(name))},
    )


_TOO_MANY = OpenApiResponse(ErrorDetailSerializer, description="提交过于频繁")


class PublicWishViewSet(viewsets.GenericViewSet):
    """Residents without an account: submit, follow by code, rate."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = PublicWishSerializer
    pagination_class = None
    filter_backends: list = []
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9]{4,20}"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):  # only used for the schema; reads go through ``wish_for_code``
        return Wish.objects.none()

    @extend_schema(
        summary="提交微心愿（无需登录）", request=PublicWishSubmitSerializer,
        responses={201: PublicWishSerializer, 400: OpenApiResponse(description="字段错误"), 429: _TOO_MANY},
        auth=[], tags=["public"],
    )
    def create(self, request):
        ip = client_ip(request) or "unknown"
        if not ratelimit.allowed_named("WISH_SUBMIT_IP_LIMIT", ip):
            return _too_many("WISH_SUBMIT_IP_LIMIT")
        body = PublicWishSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        phone = "".join(ch for ch in data["phone"] if ch.isdigit())
        phone_key = keyed_hash(phone) if phone else None
        if phone_key and not ratelimit.allowed_named("WISH_SUBMIT_PHONE_LIMIT", phone_key):
            return _too_many("WISH_SUBMIT_PHONE_LIMIT")
        try:
            wish = actions.wish_submit(
                community=data["community"], building=data.get("building"), address=data.get("address", ""),
                kind=data["kind"], text=data["text"], name=data["name"], phone=data["phone"], photo=data.get("photo"),
            )
        except DjangoValidationError as exc:
            return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
        # successful submissions are what the limits count (a refused body costs nothing)
        ratelimit.count_named("WISH_SUBMIT_IP_LIMIT", ip)
        if phone_key:
            ratelimit.count_named("WISH_SUBMIT_PHONE_LIMIT", phone_key)
        return Response(PublicWishSerializer(actions.wish_for_code(wish.code)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="按查询码查看心愿进展（无需登录）", responses={200: PublicWishSerializer}, auth=[], tags=["public"])
    def retrieve(self, request, code=None):
        return Response(PublicWishSerializer(actions.wish_for_code(code)).data)

    @extend_schema(
        summary="评价已完成的心愿（无需登录）", description="需提供提交心愿时所留手机号的后四位。",
        request=PublicRateSerializer,
        responses={200: PublicWishSerializer, 409: _CONFLICT, 429: _TOO_MANY}, auth=[], tags=["public"],
    )
    @action(detail=True, methods=["post"])
    def rate(self, request, code=None):
        wish = actions.wish_for_code(code)
        ip = client_ip(request) or "unknown"
        for name, key in (("WISH_RATE_CODE_LIMIT", wish.code), ("WISH_RATE_IP_LIMIT", ip)):
            if not ratelimit.allowed_named(name, key):
                return _too_many(name)
        body = PublicRateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            wish = actions.wish_rate(code=wish.code, **body.validated_data)
        except DjangoValidationError as exc:
            if "phone_last4" in getattr(exc, "error_dict", {}):  # a wrong guess: counted per code and address
                ratelimit.count_named("WISH_RATE_CODE_LIMIT", wish.code)
                ratelimit.count_named("WISH_RATE_IP_LIMIT", ip)
            raise
        return Response(PublicWishSerializer(actions.wish_for_code(wish.code)).data)
