"""API of 吹哨报到.

``/api/whistles/``: the whistles the caller may open (``Whistle.objects.visible_to`` — a
department's account sees only the whistles sent to it), filters by status, area
(``?within=``), ``?overdue=true`` and ``?escalated_to_me=true``; POST creates a whistle;
one POST per target action (``{id}/targets/{target_id}/report|resolve|confirm|reopen/``)
and ``{id}/cancel/``.  A change the current status does not allow answers **409** with a
Chinese ``detail``; otherwise 400 (fields), 403 (role), 404 (scope) as everywhere.

``/api/departments/``: the departments the caller can see; 系统管理员 and 区委组织部
create and change them.
"""
import django_filters
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from dangjian import trees
from dangjian.api.routers import ID_PATTERN
from dangjian.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from services.resident.api.serializers import ConflictSerializer
from services.whistles import actions as whistle_actions
from services.whistles import selectors
from services.whistles.api.serializers import (
    DepartmentSerializer,
    WhistleConfirmSerializer,
    WhistleCreateSerializer,
    WhistleDetailSerializer,
    WhistleReasonSerializer,
    WhistleReportInSerializer,
    WhistleResolveSerializer,
    WhistleSerializer,
)
from services.whistles.choices import WhistleStatus
from services.whistles.models import Department, Whistle, WhistleTarget


class WhistleFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=WhistleStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("只看逾期"), method="filter_overdue")
    escalated_to_me = django_filters.BooleanFilter(label=_("升级到我"), method="filter_escalated")

    class Meta:
        model = Whistle
        fields = ["status", "overdue", "escalated_to_me"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(selectors.overdue_q(timezone.now())) if value else queryset

    def filter_escalated(self, queryset, name, value):
        return queryset.filter(selectors.escalated_to_me_q(self.request.user)) if value else queryset


_CONFLICT = OpenApiResponse(ConflictSerializer, description="当前状态不允许此操作（如已经报到、已撤销）")
_TARGET = OpenApiParameter("target_id", int, OpenApiParameter.PATH, description="被吹哨单位记录编号")


@extend_schema_view(
    list=extend_schema(summary="吹哨事项列表",
                       description="调用者管辖区域的吹哨、升级到其管辖区域的吹哨，以及吹给其所在部门或单位的吹哨。"),
    retrieve=extend_schema(summary="吹哨事项详情（含进展）"),
    create=extend_schema(summary="吹哨", request=WhistleCreateSerializer, responses={201: WhistleDetailSerializer}),
)
class WhistleViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset_model = Whistle
    serializer_class = WhistleSerializer
    filterset_class = WhistleFilterSet
    permission_classes = [IsAuthenticated]  # each action checks the caller's role itself
    list_select_related = ("area", "escalated_to")
    ordering = ("-created_at", "-id")
    within_field = "area"

    def get_queryset(self):
        from django.db.models import Prefetch

        targets = WhistleTarget.objects.select_related("department", "unit").order_by("pk")
        return super().get_queryset().prefetch_related(Prefetch("targets", queryset=targets))

    def get_serializer_class(self):
        if self.action == "create":
            return WhistleCreateSerializer
        if self.action == "list":
            return WhistleSerializer
        return WhistleDetailSerializer

    def _answer(self, whistle_id, code=status.HTTP_200_OK):
        whistle = self.get_queryset().filter(pk=whistle_id).first()
        if whistle is None:  # e.g. cancelled by a caller who can no longer see it: nothing to show
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(WhistleDetailSerializer(whistle, context=self.get_serializer_context()).data, status=code)

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return body.validated_data

    def create(self, request, *args, **kwargs):
        data = self._body(WhistleCreateSerializer)
        source = {}
        if data.get("request"):
            from services.requests.models import ServiceRequest

            source["request"] = ServiceRequest(pk=data["request"])
        elif data.get("diary"):
            from grids.diary.models import DiaryEntry

            source["diary"] = DiaryEntry(pk=data["diary"])
        whistle = whistle_actions.whistle_create(
            actor=request.user, area=data["area"], title=data["title"], description=data["description"],
            departments=data.get("departments") or [], units=data.get("units") or [],
            report_due=data.get("report_due"), resolve_due=data.get("resolve_due"), **source,
        )
        return self._answer(whistle.pk, status.HTTP_201_CREATED)

    def _target(self, pk, target_id):
        whistle = self.get_object()
        target = WhistleTarget.objects.filter(pk=target_id, whistle=whistle).only("pk", "whistle_id").first()
        if target is None:
            raise Http404
        return target

    @extend_schema(summary="报到", request=WhistleReportInSerializer, parameters=[_TARGET],
                   responses={200: WhistleDetailSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[], url_path=rf"targets/(?P<target_id>{ID_PATTERN})/report")
    def report(self, request, pk=None, target_id=None):
        data = self._body(WhistleReportInSerializer)
        target = whistle_actions.whistle_report_in(actor=request.user, target=self._target(pk, target_id), note=data.get("note", ""))
        return self._answer(target.whistle_id)

    @extend_schema(summary="办理完毕", request=WhistleResolveSerializer, parameters=[_TARGET],
                   responses={200: WhistleDetailSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[], url_path=rf"targets/(?P<target_id>{ID_PATTERN})/resolve")
    def resolve(self, request, pk=None, target_id=None):
        data = self._body(WhistleResolveSerializer)
        target = whistle_actions.whistle_resolve(actor=request.user, target=self._target(pk, target_id), answer=data["answer"])
        return self._answer(target.whistle_id)

    @extend_schema(summary="确认办结", request=WhistleConfirmSerializer, parameters=[_TARGET],
                   responses={200: WhistleDetailSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[], url_path=rf"targets/(?P<target_id>{ID_PATTERN})/confirm")
    def confirm(self, request, pk=None, target_id=None):
        data = self._body(WhistleConfirmSerializer)
        target = whistle_actions.whistle_confirm(actor=request.user, target=self._target(pk, target_id),
                                    satisfaction=data["satisfaction"], note=data.get("note", ""))
        return self._answer(target.whistle_id)

    @extend_schema(summary="退回重办", request=WhistleReasonSerializer, parameters=[_TARGET],
                   responses={200: WhistleDetailSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[], url_path=rf"targets/(?P<target_id>{ID_PATTERN})/reopen")
    def reopen(self, request, pk=None, target_id=None):
        data = self._body(WhistleReasonSerializer)
        target = whistle_actions.whistle_reopen(actor=request.user, target=self._target(pk, target_id), reason=data["reason"])
        return self._answer(target.whistle_id)

    @extend_schema(summary="撤销吹哨", request=WhistleReasonSerializer, responses={200: WhistleDetailSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request, pk=None):
        data = self._body(WhistleReasonSerializer)
        whistle = whistle_actions.whistle_cancel(actor=request.user, whistle=self.get_object(), reason=data["reason"])
        return self._answer(whistle.pk)


@extend_schema_view(
    list=extend_schema(summary="职能部门列表", description="调用者所在区域及其上级区域的职能部门，以及其报到的部门。"),
    retrieve=extend_schema(summary="职能部门详情"),
    create=extend_schema(summary="新增职能部门（系统管理员、区委组织部）"),
    update=extend_schema(summary="修改职能部门"),
    partial_update=extend_schema(summary="修改职能部门（部分字段）"),
)
class DepartmentViewSet(ScopedModelViewSet):
    queryset_model = Department
    serializer_class = DepartmentSerializer
    list_select_related = ("area",)
    ordering = (*trees.tree_order("area"), "name")
    within_field = "area"

    def create_object(self, data):
        return whistle_actions.department_save(actor=self.actor(), area=data["area"], name=data["name"], phone=data.get("phone", ""),
                                  is_active=data.get("is_active", True))

    def update_object(self, instance, data):
        return whistle_actions.department_save(
            actor=self.actor(), department=instance, area=data.get("area", instance.area), name=data.get("name", instance.name),
            phone=data.get("phone", instance.phone), is_active=data.get("is_active", instance.is_active),
        )


ROUTES = (
    ("whistles", WhistleViewSet, "whistle"),
    ("departments", DepartmentViewSet, "department"),
)
