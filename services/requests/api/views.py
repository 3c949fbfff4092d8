"""API of resident requests (点单-派单-接单-评单).

``/api/requests/``: the requests the caller may open (``ServiceRequest.objects.visible_to``:
roster roles over the community, and the assignees), filters by status, category,
community and ``overdue``; POST endpoints per step — ``dispatch`` (body: exactly one of
``member``, ``worker``, ``team``), ``decline``, ``accept``, ``resolve``, ``cancel``.  A
step the current status does not allow answers **409** with a Chinese ``detail``; other
errors as everywhere (400 fields, 403 role, 404 scope).

``/api/request-categories/``: the active categories with their time limits (public data:
the same list the resident form and Open311 show).
"""
import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ScopedReadOnlyViewSet
from services.requests import actions, selectors
from services.requests.api.serializers import (
    RequestCategorySerializer,
    RequestDispatchSerializer,
    RequestReasonSerializer,
    RequestResolveSerializer,
    ServiceRequestSerializer,
)
from services.requests.choices import RequestStatus
from services.requests.models import RequestCategory, ServiceRequest, VolunteerTeam
from services.resident.api.serializers import ConflictSerializer


class RequestFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RequestStatus.choices)
    category = django_filters.CharFilter(label=_("类别代码"), field_name="category__code")
    community = IdFilter(label=_("社区"), field_name="community")
    overdue = django_filters.BooleanFilter(label=_("已超时（未办结）"), method="filter_overdue")

    class Meta:
        model = ServiceRequest
        fields = ["status", "category", "community", "overdue"]

    def filter_overdue(self, queryset, name, value):
        q = selectors.overdue_q(timezone.now())
        return queryset.filter(q) if value else queryset.exclude(q)


_CONFLICT = OpenApiResponse(ConflictSerializer, description="当前状态不允许此操作（如诉求已被接单）")


@extend_schema_view(
    list=extend_schema(summary="居民诉求列表",
                       description="调用者可查看的诉求：管辖社区的全部诉求，以及派给本人（党员、网格员、志愿服务队）的诉求。"),
    retrieve=extend_schema(summary="居民诉求详情"),
)
class ServiceRequestViewSet(ScopedReadOnlyViewSet):
    queryset_model = ServiceRequest
    serializer_class = ServiceRequestSerializer
    filterset_class = RequestFilterSet
    permission_classes = [IsAuthenticated]
    list_select_related = ("community", "building", "category", "assigned_member", "assigned_worker__member",
                           "assigned_worker__user", "assigned_team__leader")
    ordering = ("-created_at", "-id")
    within_field = "community"

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _answer(self, req):
        req = self.get_queryset().filter(pk=req.pk).first() or req
        return Response(ServiceRequestSerializer(req, context=self.get_serializer_context()).data)

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return body.validated_data

    @extend_schema(summary="派单（或在接单前改派）", request=RequestDispatchSerializer,
                   responses={200: ServiceRequestSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[], url_path="dispatch", url_name="dispatch")
    def dispatch_to(self, request, pk=None):
        req = self.get_object()
        data = self._body(RequestDispatchSerializer)
        target = {}
        community = req.community
        if data.get("member") is not None:
            target["member"] = selectors.community_members(community).filter(pk=data["member"]).first()
            missing = _("该党员不在本社区。")
        elif data.get("worker") is not None:
            target["worker"] = selectors.community_workers(community).filter(pk=data["worker"]).first()
            missing = _("该网格员不属于本社区的网格，或已不在任。")
        else:
            target["team"] = VolunteerTeam.objects.filter(community_id=community.pk, pk=data["team"]).first()
            missing = _("该志愿服务队不属于本社区。")
        if next(iter(target.values())) is None:
            raise ValidationError({next(iter(target)): [missing]})
        return self._answer(actions.request_dispatch(actor=request.user, request=req, note=data.get("note", ""), **target))

    @extend_schema(summary="接单", request=None, responses={200: ServiceRequestSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        return self._answer(actions.request_accept(actor=request.user, request=self.get_object()))

    @extend_schema(summary="退单", request=RequestReasonSerializer, responses={200: ServiceRequestSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def decline(self, request, pk=None):
        data = self._body(RequestReasonSerializer)
        return self._answer(actions.request_decline(actor=request.user, request=self.get_object(), reason=data["reason"]))

    @extend_schema(summary="登记办结", request=RequestResolveSerializer, responses={200: ServiceRequestSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def resolve(self, request, pk=None):
        data = self._body(RequestResolveSerializer)
        return self._answer(actions.request_resolve(actor=request.user, request=self.get_object(), note=data["note"]))

    @extend_schema(summary="取消诉求", request=RequestReasonSerializer, responses={200: ServiceRequestSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request, pk=None):
        data = self._body(RequestReasonSerializer)
        return self._answer(actions.request_cancel(actor=request.user, request=self.get_object(), reason=data["reason"]))


@extend_schema_view(
    list=extend_schema(summary="诉求类别及办理时限", auth=[]),
    retrieve=extend_schema(summary="诉求类别", auth=[]),
)
class RequestCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RequestCategorySerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return RequestCategory.objects.filter(is_active=True).order_by("sort_order", "id")


ROUTES = (
    ("requests", ServiceRequestViewSet, "service-request"),
    ("request-categories", RequestCategoryViewSet, "request-category"),
)
