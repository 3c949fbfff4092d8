"""API of 组织关系转接.

``/api/transfers/``
    The transfers the caller sees (the sending side through the sending organization, the
    receiving side through the receiving one, a member their own; 404 otherwise); filters
    ``status``, ``kind``, ``direction=incoming|outgoing``, ``overdue=true``, ``q`` (member name).
    The detail carries the letter, the history and the steps the caller may take.  One POST
    endpoint per step: ``accept``, ``return`` (``reason`` required), ``cancel``.

A step the transfer's status does not allow answers **409** with a Chinese ``detail``; a role
that may not take it 403; out of scope 404.
"""
import django_filters
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.api.viewsets import ErrorDetailSerializer, ScopedReadOnlyViewSet
from organizations.transfers import actions, selectors
from organizations.transfers.api.serializers import (
    TransferDetailSerializer,
    TransferNoteSerializer,
    TransferReasonSerializer,
    TransferSerializer,
)
from organizations.transfers.choices import TransferKind, TransferStatus
from organizations.transfers.models import Transfer

_CONFLICT = OpenApiResponse(ErrorDetailSerializer, description="转接当前状态不允许此操作")


class TransferFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=TransferStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("转接类型"), choices=TransferKind.choices)
    direction = django_filters.ChoiceFilter(label=_("方向"), method="filter_direction",
                                            choices=[("incoming", _("转入")), ("outgoing", _("转出"))])
    overdue = django_filters.BooleanFilter(label=_("只看逾期"), method="filter_overdue")
    q = django_filters.CharFilter(label=_("党员姓名"), method="filter_q")

    class Meta:
        model = Transfer
        fields = ["status", "kind", "direction", "overdue", "q"]

    def filter_direction(self, queryset, name, value):
        side = selectors.incoming if value == "incoming" else selectors.outgoing
        return queryset.filter(pk__in=side(self.request.user).values("pk"))

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset

    def filter_q(self, queryset, name, value):
        return selectors.filter_transfers(queryset, q=value)


@extend_schema_view(
    list=extend_schema(summary="组织关系转接", description="调用者可见的组织关系转接（转出方、转入方、党员本人）。"),
    retrieve=extend_schema(summary="转接详情", description="含介绍信、办理记录和调用者可办理的步骤。",
                           responses=TransferDetailSerializer),
)
class TransferViewSet(ScopedReadOnlyViewSet):
    queryset_model = Transfer
    serializer_class = TransferSerializer
    filterset_class = TransferFilterSet
    list_select_related = ("member", "from_org", "to_org")
    ordering = ("-started_at", "-pk")

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    def _answer(self, transfer):
        transfer = selectors.transfer_detail(self.request.user, transfer.pk) or transfer
        try:
            transfer._letter = transfer.letter
        except ObjectDoesNotExist:
            transfer._letter = None
        context = {**self.get_serializer_context(), "events": selectors.transfer_events(transfer)}
        return Response(TransferDetailSerializer(transfer, context=context).data, status=status.HTTP_200_OK)

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return body.validated_data

    @extend_schema(summary="接收", request=TransferNoteSerializer, responses={200: TransferDetailSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        data = self._body(TransferNoteSerializer)
        return self._answer(actions.transfer_accept(actor=request.user, transfer=self.get_object(), note=data["note"]))

    @extend_schema(summary="退回", request=TransferReasonSerializer, responses={200: TransferDetailSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], url_path="return", filter_backends=[])
    def return_(self, request, pk=None):
        data = self._body(TransferReasonSerializer)
        return self._answer(actions.transfer_return(actor=request.user, transfer=self.get_object(), reason=data["reason"]))

    @extend_schema(summary="撤销", request=TransferNoteSerializer, responses={200: TransferDetailSerializer, 409: _CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request, pk=None):
        data = self._body(TransferNoteSerializer)
        return self._answer(actions.transfer_cancel(actor=request.user, transfer=self.get_object(), note=data["note"]))
