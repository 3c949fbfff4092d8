import mimetypes

import django_filters
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ErrorDetailSerializer, ScopedQuerysetMixin
from grids.diary import actions, permissions, selectors
from grids.diary.api.serializers import DiaryConvertSerializer, DiaryEntrySerializer, DiaryResolveSerializer
from grids.diary.choices import DiaryCategory, DiaryKind, DiaryStatus
from grids.diary.models import DiaryEntry
from grids.grids.api.views import _WITHIN, GridReadPermission

_CONFLICT = OpenApiResponse(ErrorDetailSerializer, description="日记当前状态不允许此操作")


class DiaryPermission(GridReadPermission):
    write_roles = permissions.DIARY_ROLES
    write_message = _("只有网格员和社区工作人员可以填写民情日记。")


class DiaryFilterSet(FilterSet):
    grid = IdFilter(label=_("网格"), field_name="grid")
    building = IdFilter(label=_("楼栋"), field_name="building")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=DiaryKind.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=DiaryCategory.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=DiaryStatus.choices)
    occurred_after = django_filters.DateFilter(label=_("日期不早于"), field_name="occurred_on", lookup_expr="gte")
    occurred_before = django_filters.DateFilter(label=_("日期不晚于"), field_name="occurred_on", lookup_expr="lte")

    class Meta:
        model = DiaryEntry
        fields = ["grid", "building", "kind", "category", "status", "occurred_after", "occurred_before"]


# ------------------------------------------------------------------------------ diary
class PassthroughRenderer(BaseRenderer):
    """Lets a file answer be negotiated whatever the client's Accept header (after JSON, so
    that an error answers ``{"detail": …}`` to a client that accepts JSON or anything)."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class _NoFormatOverride:
    URL_FORMAT_OVERRIDE = None


class FileNegotiation(DefaultContentNegotiation):
    """Negotiates by the Accept header only: ``?format=file`` must not pick the file renderer
    for an error, which would answer its ``{"detail": …}`` as ``*/*`` instead of JSON."""

    settings = _NoFormatOverride


@extend_schema_view(
    list=extend_schema(summary="民情日记列表", description="可按网格、楼栋、类型、类别、状态和日期筛选。" + _WITHIN),
    retrieve=extend_schema(summary="民情日记详情"),
    create=extend_schema(
        summary="记录民情日记",
        description="网格员和社区工作人员填写；楼栋须在该网格内；问题记为“待处理”，走访记为“已记录”。"
        "照片用 multipart/form-data 上传，只收 JPG、PNG、WebP，且不超过 5 MB。",
    ),
)
class DiaryViewSet(
    ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset_model = DiaryEntry
    serializer_class = DiaryEntrySerializer
    filterset_class = DiaryFilterSet
    permission_classes = [DiaryPermission]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    list_select_related = ("grid", "building", "author")
    ordering = ("-occurred_on", "-id")
    within_field = "grid__community"

    def scoped_queryset(self, user):
        return selectors.diary_for(user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        entry = actions.diary_record(actor=self.request.user, grid=data.pop("grid"), **data)
        serializer.instance = self.get_queryset().filter(pk=entry.pk).first() or entry

    def _answer(self, entry):
        fresh = self.get_queryset().get(pk=entry.pk)
        return Response(DiaryEntrySerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(summary="问题已解决", description="待处理 → 已解决；其他状态返回 409。",
                   request=DiaryResolveSerializer, responses={200: DiaryEntrySerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def resolve(self, request, pk=None):
        entry = self.get_object()
        body = DiaryResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(actions.diary_resolve(actor=request.user, entry=entry, **body.validated_data))

    @extend_schema(
        summary="登记转办",
        description="待处理 → 已转办：记录它转成的居民诉求或吹哨报到及其编号（服务模块建立记录后调用）；其他状态返回 409。",
        request=DiaryConvertSerializer, responses={200: DiaryEntrySerializer, 409: _CONFLICT},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def convert(self, request, pk=None):
        entry = self.get_object()
        body = DiaryConvertSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            converted = actions.diary_convert(
                actor=request.user, entry=entry, target=data["converted_to"], target_id=data["converted_id"])
        except ValidationError as exc:  # the action's field names, the API's
            if not hasattr(exc, "error_dict"):
                raise
            names = {"target": "converted_to", "target_id": "converted_id"}
            raise ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()}) from None
        return self._answer(converted)

    @extend_schema(
        summary="日记照片",
        responses={(200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY, description="照片文件"),
                   404: OpenApiResponse(description="没有照片，或日记不存在/不在管辖范围内")},
    )
    @action(detail=True, methods=["get"], filter_backends=[], renderer_classes=[JSONRenderer, PassthroughRenderer],
            content_negotiation_class=FileNegotiation)
    def photo(self, request, pk=None):
        entry = self.get_object()
        if not entry.photo:
            raise Http404
        content_type = mimetypes.guess_type(entry.photo.name)[0] or "application/octet-stream"
        response = FileResponse(entry.photo.open("rb"), content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=3600"
        return response
