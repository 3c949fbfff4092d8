"""发展党员 over the API (``/api/development-cases/``), read-only: the cases the caller may see
(scoped like the roster; a member sees their own), personal data masked; the detail adds
the steps taken.  Writes go through the pages (the actions check the rules)."""
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.api.viewsets import ScopedReadOnlyViewSet
from organizations.development.api.serializers import CaseDetailSerializer, CaseSerializer
from organizations.development.models import DevelopmentCase, DevelopmentStep


@extend_schema_view(
    list=extend_schema(summary="发展党员档案", description="手机号、身份证号只返回脱敏值。可按 stage 筛选。"),
    retrieve=extend_schema(summary="发展党员档案详情（含办理记录）"),
)
class DevelopmentCaseViewSet(ScopedReadOnlyViewSet):
    queryset_model = DevelopmentCase
    serializer_class = CaseSerializer
    list_select_related = ("organization", "rule_set")
    ordering = ("pk",)

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        stage = self.request.query_params.get("stage")
        if stage:
            queryset = queryset.filter(stage=stage)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("steps", queryset=DevelopmentStep.objects.order_by("on", "pk").prefetch_related("people")))
        return queryset
