"""Scoring API: rubrics, scores (scoped), scoring runs (start = create, 区委组织部 only).

``/api/rubrics/``       every rubric version with its indicators (any signed-in user);
``/api/scores/``        scores the caller may see (``Score.objects.visible_to``), filters
                        ``rubric``, ``rubric_code``, ``period``, ``parent``, ``stars``,
                        ``within``; the detail adds the explained lines;
``/api/scoring-runs/``  runs with their progress; POST starts (or restarts) one.
Reading scores and runs needs a role that reads scores (系统管理员, 区委组织部, 街道党工委, 社区).
"""
import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.response import Response

from assessments.scoring import actions as scoring_actions
from assessments.scoring import permissions as sel
from assessments.scoring.api.serializers import (
    RubricSerializer,
    ScoreDetailSerializer,
    ScoreSerializer,
    ScoringRunSerializer,
    ScoringRunStartSerializer,
)
from assessments.scoring.models import Rubric, Score, ScoreLine, ScoringRun
from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ScopedQuerysetMixin, ScopedReadOnlyViewSet


class ScoreReaders(IsAuthenticated):
    """Reads: a role that reads scores.  Writes (starting runs): 区委组织部 / 系统管理员."""

    message = _("您的角色无权查看考核评分。")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return sel.can_read_scores(request.user)
        if not sel.can_start_runs(request.user):
            self.message = _("只有区委组织部可以发起评分。")
            return False
        return True


@extend_schema_view(
    list=extend_schema(summary="考核细则", description="全部考核细则版本及其指标（满分即权重）。"),
    retrieve=extend_schema(summary="考核细则详情"),
)
class RubricViewSet(ScopedReadOnlyViewSet):
    serializer_class = RubricSerializer
    permission_classes = [IsAuthenticated]
    ordering = ("code", "-version")

    def scoped_queryset(self, user):
        return Rubric.objects.prefetch_related("indicators")


class ScoreFilterSet(FilterSet):
    rubric = IdFilter(label=_("考核细则编号"), field_name="rubric_id")
    rubric_code = django_filters.CharFilter(label=_("考核细则代码"), field_name="rubric__code")
    period = django_filters.CharFilter(label=_("周期，如 2026-Q3"), field_name="period_key")
    parent = IdFilter(label=_("上级区域编号（同级排名范围）"), field_name="parent_area_id")
    stars = IdFilter(label=_("星级"), field_name="stars")

    class Meta:
        model = Score
        fields = ["rubric", "rubric_code", "period", "parent", "stars"]


@extend_schema_view(
    list=extend_schema(summary="考核得分", description="调用者管辖范围内的得分，按得分从高到低。"),
    retrieve=extend_schema(summary="得分明细", description="逐项指标的指标值、得分、计分说明和依据。"),
)
class ScoreViewSet(ScopedReadOnlyViewSet):
    queryset_model = Score
    serializer_class = ScoreSerializer
    filterset_class = ScoreFilterSet
    permission_classes = [ScoreReaders]
    list_select_related = ("area", "org", "parent_area", "rubric")
    ordering = ("rubric_id", "period_key", "-total", "subject_id")
    within_field = "area"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            from django.db.models import Prefetch

            lines = ScoreLine.objects.select_related("indicator").order_by("indicator__sort_order", "indicator_id")
            queryset = queryset.prefetch_related(Prefetch("lines", queryset=lines))
        return queryset

    def get_serializer_class(self):
        return ScoreDetailSerializer if self.action == "retrieve" else ScoreSerializer


@extend_schema_view(
    list=extend_schema(summary="评分批次", description="各考核细则各周期的评分批次及进度。"),
    retrieve=extend_schema(summary="评分批次详情"),
    create=extend_schema(summary="发起评分", description="区委组织部发起（或重新发起）某考核细则某周期的评分；正在计算中的批次不会重复发起（409）。",
                         request=ScoringRunStartSerializer, responses={202: ScoringRunSerializer}),
)
class ScoringRunViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ScoringRunSerializer
    permission_classes = [ScoreReaders]
    list_select_related = ("rubric",)
    ordering = ("-created_at", "-pk")
    filter_backends: list = []

    def scoped_queryset(self, user):
        return ScoringRun.objects.all()

    def create(self, request):
        serializer = ScoringRunStartSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        run = scoring_actions.scoring_run_start(actor=request.user, **serializer.validated_data)
        run = self.get_queryset().get(pk=run.pk)
        return Response(ScoringRunSerializer(run).data, status=202)


ROUTES = (
    ("rubrics", RubricViewSet, "rubric"),
    ("scores", ScoreViewSet, "score"),
    ("scoring-runs", ScoringRunViewSet, "scoring-run"),
)
