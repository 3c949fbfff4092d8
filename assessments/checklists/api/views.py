"""API of the four lists (四张清单).

``/api/checklists/``
    The lists whose organization the caller sees (404 otherwise), with item figures;
    filters ``year``, ``status``, ``org``, ``q`` (organization name or code), ``awaiting=true``
    (submitted lists the caller approves as the superior).  The detail carries the items and
    the history.  POST creates a list; one POST endpoint per step: ``submit``, ``approve``,
    ``return``, ``midyear-check``, ``report``, ``appraise``.
``/api/checklist-items/``
    The items of those lists; filters ``checklist``, ``kind``, ``status``, ``overdue=true``
    (open items past their deadline in lists not yet appraised).  POST adds an item, PATCH
    changes one, DELETE removes one; ``progress``, ``complete`` and ``close`` (销号) record the
    work (``complete``/``close`` take an optional ``evidence`` file as multipart).

A step the list's state does not allow answers **409** with a Chinese ``detail``; other
errors as everywhere (400 fields, 403 role — e.g. a cadre approving their own
organization's list — 404 scope).
"""
import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from assessments.checklists import actions, permissions, selectors
from assessments.checklists.api.serializers import (
    ChecklistAppraiseSerializer,
    ChecklistCreateSerializer,
    ChecklistDetailSerializer,
    ChecklistFinishSerializer,
    ChecklistItemSerializer,
    ChecklistItemWriteSerializer,
    ChecklistNoteSerializer,
    ChecklistProgressSerializer,
    ChecklistReasonSerializer,
    ChecklistReportSerializer,
    ChecklistSerializer,
)
from assessments.checklists.choices import Appraisal, ChecklistStatus, ItemKind, ItemStatus
from assessments.checklists.models import Checklist, ChecklistItem
from dangjian import trees
from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ActionDestroyMixin, ErrorDetailSerializer, ScopedModelViewSet, ScopedReadOnlyViewSet

_CONFLICT = OpenApiResponse(ErrorDetailSerializer, description="清单当前状态不允许此操作")


class ChecklistFilterSet(FilterSet):
    year = IdFilter(label=_("年度"), field_name="year")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ChecklistStatus.choices)
    appraisal = django_filters.ChoiceFilter(label=_("评议等次"), choices=Appraisal.choices)
    org = IdFilter(label=_("党组织编号"), field_name="org")
    q = django_filters.CharFilter(label=_("组织名称或编码"), method="filter_q")
    awaiting = django_filters.BooleanFilter(label=_("只看待我审批的"), method="filter_awaiting")

    class Meta:
        model = Checklist
        fields = ["year", "status", "appraisal", "org", "q", "awaiting"]

    def filter_q(self, queryset, name, value):
        return selectors.filter_checklists(queryset, q=value)

    def filter_awaiting(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(permissions.superior_q(self.request.user), status=ChecklistStatus.SUBMITTED)


@extend_schema_view(
    list=extend_schema(summary="四张清单", description="调用者可见党组织的年度清单及事项统计（责任与考核事项、完成、问题、销号、逾期）。"),
    retrieve=extend_schema(summary="清单详情", description="含全部事项和办理记录。", responses=ChecklistDetailSerializer),
    create=extend_schema(
        summary="建立年度清单", request=ChecklistCreateSerializer, responses={201: ChecklistDetailSerializer},
        description="本组织的管理人员为某年度建立清单（每个组织每年一份），可复制上一年度的责任清单。",
    ),
)
class ChecklistViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset_model = Checklist
    serializer_class = ChecklistSerializer
    filterset_class = ChecklistFilterSet
    list_select_related = ("org",)
    ordering = ("-year", *trees.tree_order("org"), "pk")
    within_field = "org__area"

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list":
            return selectors.with_figures(qs, timezone.localdate())
        return qs

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    def _answer(self, checklist, code=status.HTTP_200_OK):
        today = timezone.localdate()
        checklist = selectors.with_figures(self.scoped_queryset(self.request.user).select_related("org"), today).filter(
            pk=checklist.pk).first() or checklist
        context = {
            **self.get_serializer_context(), "today": today,
            "items": list(checklist.items.prefetch_related("records").order_by("kind", "due_on", "pk")),
            "events": list(checklist.events.select_related("actor").order_by("at", "pk")),
        }
        return Response(ChecklistDetailSerializer(checklist, context=context).data, status=code)

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return body.validated_data

    def create(self, request, *args, **kwargs):
        data = self._body(ChecklistCreateSerializer)
        checklist = actions.checklist_create(actor=request.user, org=data["org"], year=data["year"],
                                             copy_last_year=data["copy_last_year"])
        return self._answer(checklist, status.HTTP_201_CREATED)

    @extend_schema(summary="提交上级审批", request=None, responses={200: ChecklistDetailSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        return self._answer(actions.checklist_submit(actor=request.user, checklist=self.get_object()))

    @extend_schema(summary="审批通过", description="上级党组织审批；本组织人员不能审批本组织的清单（403）。",
                   request=None, responses={200: ChecklistDetailSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        return self._answer(actions.checklist_approve(actor=request.user, checklist=self.get_object()))

    @extend_schema(summary="退回修改", request=ChecklistReasonSerializer, responses={200: ChecklistDetailSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], url_path="return", filter_backends=[])
    def return_(self, request, pk=None):
        data = self._body(ChecklistReasonSerializer)
        return self._answer(actions.checklist_return(actor=request.user, checklist=self.get_object(), reason=data["reason"]))

    @extend_schema(summary="年中检查意见", request=ChecklistNoteSerializer, responses={200: ChecklistDetailSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], url_path="midyear-check", filter_backends=[])
    def midyear_check(self, request, pk=None):
        data = self._body(ChecklistNoteSerializer)
        return self._answer(actions.checklist_midyear_check(actor=request.user, checklist=self.get_object(), note=data["note"]))

    @extend_schema(summary="书记述职报告", request=ChecklistReportSerializer, responses={200: ChecklistDetailSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def report(self, request, pk=None):
        data = self._body(ChecklistReportSerializer)
        return self._answer(actions.checklist_report(actor=request.user, checklist=self.get_object(), text=data["text"]))

    @extend_schema(summary="年终评议", request=ChecklistAppraiseSerializer, responses={200: ChecklistDetailSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def appraise(self, request, pk=None):
        data = self._body(ChecklistAppraiseSerializer)
        return self._answer(actions.checklist_appraise(
            actor=request.user, checklist=self.get_object(), appraisal=data["appraisal"], note=data["note"]))


class ItemFilterSet(FilterSet):
    checklist = IdFilter(label=_("清单编号"), field_name="checklist")
    kind = django_filters.ChoiceFilter(label=_("清单类别"), choices=ItemKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ItemStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("只看逾期事项"), method="filter_overdue")

    class Meta:
        model = ChecklistItem
        fields = ["checklist", "kind", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status=ItemStatus.OPEN, due_on__lt=timezone.localdate(), checklist__appraised_at__isnull=True)


@extend_schema_view(
    list=extend_schema(summary="清单事项", description="调用者可见清单的事项；?overdue=true 只看逾期未完成的事项。"),
    retrieve=extend_schema(summary="清单事项详情"),
    create=extend_schema(
        summary="新增事项", request=ChecklistItemWriteSerializer, responses={201: ChecklistItemSerializer, 409: _CONFLICT},
        description="责任清单、考核清单只能在草稿或退回时新增；问题清单全年可新增（须填来源）；整改清单须对应本清单的问题并定出时限。",
    ),
    partial_update=extend_schema(summary="修改事项", request=ChecklistItemWriteSerializer,
                                 responses={200: ChecklistItemSerializer, 409: _CONFLICT}),
    destroy=extend_schema(summary="删除事项", responses={204: None, 409: _CONFLICT}),
)
class ChecklistItemViewSet(ActionDestroyMixin, ScopedModelViewSet):
    serializer_class = ChecklistItemSerializer
    filterset_class = ItemFilterSet
    ordering = ("checklist_id", "kind", "due_on", "pk")
    within_field = "checklist__org__area"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self, user):
        return selectors.items_for(user).prefetch_related("records")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _answer(self, item, code=status.HTTP_200_OK):
        item = self.get_queryset().filter(pk=item.pk).first() or item
        return Response(ChecklistItemSerializer(item, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        body = ChecklistItemWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        item = actions.checklist_item_add(actor=request.user, checklist=data.pop("checklist"), kind=data.pop("kind"), **data)
        return self._answer(item, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        body = ChecklistItemWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.pop("checklist", None)
        data.pop("kind", None)
        return self._answer(actions.checklist_item_update(actor=request.user, item=item, **data))

    def delete_object(self, instance):
        actions.checklist_item_delete(actor=self.request.user, item=instance)

    @extend_schema(summary="填报进展", request=ChecklistProgressSerializer, responses={200: ChecklistItemSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def progress(self, request, pk=None):
        body = ChecklistProgressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(actions.item_progress(actor=request.user, item=self.get_object(), note=body.validated_data["note"]))

    @extend_schema(summary="登记完成", description="责任清单、考核清单事项；清单须已审批。佐证材料可选（≤5 MB）。",
                   request={"multipart/form-data": ChecklistFinishSerializer, "application/json": ChecklistFinishSerializer},
                   responses={200: ChecklistItemSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def complete(self, request, pk=None):
        body = ChecklistFinishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(actions.item_complete(
            actor=request.user, item=self.get_object(), note=body.validated_data["note"],
            evidence=body.validated_data.get("evidence")))

    @extend_schema(summary="整改销号", description="关闭整改事项；问题的全部整改事项销号后，问题自动销号。",
                   request={"multipart/form-data": ChecklistFinishSerializer, "application/json": ChecklistFinishSerializer},
                   responses={200: ChecklistItemSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def close(self, request, pk=None):
        body = ChecklistFinishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(actions.rectification_close(
            actor=request.user, item=self.get_object(), note=body.validated_data["note"],
            evidence=body.validated_data.get("evidence")))


ROUTES = (
    ("checklists", ChecklistViewSet, "checklist"),
    ("checklist-items", ChecklistItemViewSet, "checklist-item"),
)
