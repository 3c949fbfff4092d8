"""Serializers of the scoring API (shapes only; the writes go through the actions)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assessments.scoring import periods
from assessments.scoring.models import Indicator, Rubric, Score, ScoreLine, ScoringRun


class IndicatorSerializer(serializers.ModelSerializer):
    source_display = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "group", "source", "source_display", "max_points", "params", "guidance", "sort_order"]


class RubricSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Rubric
        fields = [
            "id", "code", "version", "name", "description", "subject_kind", "area_level", "org_category", "effective_from",
            "is_active", "period_kinds", "star_method", "star_thresholds", "star_quotas", "indicators",
        ]


class ScoreLineSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    group = serializers.CharField(source="indicator.group", read_only=True)

    class Meta:
        model = ScoreLine
        fields = ["indicator", "indicator_code", "indicator_name", "group", "value", "points", "max_points", "explanation", "evidence"]


class ScoreSerializer(serializers.ModelSerializer):
    subject_name = serializers.SerializerMethodField()
    area_name = serializers.CharField(source="area.name", read_only=True)
    parent_area_name = serializers.CharField(source="parent_area.name", read_only=True, default=None)
    rubric_code = serializers.CharField(source="rubric.code", read_only=True)

    class Meta:
        model = Score
        fields = [
            "id", "rubric", "rubric_code", "period_key", "subject_id", "subject_name", "area", "area_name", "org",
            "parent_area", "parent_area_name", "total", "max_total", "stars", "rank", "rank_of", "computed_at",
        ]

    def get_subject_name(self, obj) -> str:
        return obj.org.name if obj.org_id else obj.area.name


class ScoreDetailSerializer(ScoreSerializer):
    lines = ScoreLineSerializer(many=True, read_only=True)

    class Meta(ScoreSerializer.Meta):
        fields = [*ScoreSerializer.Meta.fields, "lines"]


class ScoringRunSerializer(serializers.ModelSerializer):
    rubric_code = serializers.CharField(source="rubric.code", read_only=True)
    rubric_name = serializers.CharField(source="rubric.name", read_only=True)

    class Meta:
        model = ScoringRun
        fields = [
            "id", "rubric", "rubric_code", "rubric_name", "period_kind", "period_key", "period_start", "period_end", "state",
            "total_steps", "done_steps", "subjects", "attempts", "error", "started_at", "finished_at", "created_at",
        ]
        read_only_fields = fields


class ScoringRunStartSerializer(serializers.Serializer):
    rubric = serializers.PrimaryKeyRelatedField(label=_("考核细则"), queryset=Rubric.objects.filter(is_active=True))
    # the schema's pattern is what periods.parse accepts (years from 1900)
    period_key = serializers.RegexField(
        r"^(19|[2-9][0-9])[0-9]{2}(-([Qq][1-4]|0[1-9]|1[0-2]))?$", label=_("周期"), max_length=10,
        help_text=_("如 2026、2026-Q3、2026-11"),
        error_messages={"invalid": _("周期格式应为 2026、2026-Q3 或 2026-11。")},
    )

    def validate_period_key(self, value):
        try:
            return periods.parse(value).key
        except periods.PeriodKeyError as exc:
            raise serializers.ValidationError(str(exc)) from None
