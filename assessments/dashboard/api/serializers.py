from django.utils.translation import gettext_lazy
from rest_framework import serializers


class _AreaRef(serializers.Serializer):
    id = serializers.IntegerField(label=gettext_lazy("区域编号"))
    name = serializers.CharField(label=gettext_lazy("名称"))
    level = serializers.IntegerField(label=gettext_lazy("层级"))


class _Period(serializers.Serializer):
    key = serializers.CharField(label=gettext_lazy("周期"))
    label = serializers.CharField(label=gettext_lazy("名称"))


class _Child(_AreaRef):
    figures = serializers.JSONField(label=gettext_lazy("指标数据"), allow_null=True)


class _Gap(serializers.Serializer):
    indicator = serializers.CharField(label=gettext_lazy("指标"))
    lost = serializers.FloatField(label=gettext_lazy("失分"))
    points = serializers.FloatField(label=gettext_lazy("得分"))
    max_points = serializers.FloatField(label=gettext_lazy("满分"))


class _Weak(serializers.Serializer):
    score = serializers.IntegerField(label=gettext_lazy("得分编号"))
    name = serializers.CharField(label=gettext_lazy("单位"))
    area = _AreaRef(label=gettext_lazy("所在区域"))
    rubric = serializers.CharField(label=gettext_lazy("考核细则"))
    total = serializers.FloatField(label=gettext_lazy("得分"))
    max_total = serializers.FloatField(label=gettext_lazy("满分"))
    percent = serializers.FloatField(label=gettext_lazy("得分率（%）"))
    stars = serializers.IntegerField(label=gettext_lazy("星级"))
    gaps = _Gap(many=True, label=gettext_lazy("主要失分指标"))
    url = serializers.CharField(allow_null=True, label=gettext_lazy("得分说明页面"))


class DashboardSerializer(serializers.Serializer):
    area = _AreaRef(label=gettext_lazy("区域"))
    period = serializers.CharField(label=gettext_lazy("周期"))
    period_label = serializers.CharField(label=gettext_lazy("周期名称"), help_text=gettext_lazy(
        "周期尚未结束时注明“（截至某月某日，未结束）”：数据只是截至该日的部分。"))
    period_partial = serializers.BooleanField(label=gettext_lazy("周期未结束"), help_text=gettext_lazy(
        "为 true 时周期尚未结束，各项指标只统计到 figures.period.as_of。"))
    periods = _Period(many=True, label=gettext_lazy("已计算的周期"))
    computed_at = serializers.DateTimeField(allow_null=True, label=gettext_lazy("计算时间"))
    figures = serializers.JSONField(allow_null=True, label=gettext_lazy("指标数据"), help_text=gettext_lazy(
        "各项指标（含整个下级子树），结构见 assessments.dashboard.rollups 的说明；尚未计算时为 null。"))
    children = _Child(many=True, label=gettext_lazy("下级区域"))
    weakest = _Weak(many=True, label=gettext_lazy("最弱的十个单位"))


def _area(a) -> dict:
    return {"id": a.pk, "name": a.name, "level": a.level}


def dashboard_data(dash) -> dict:
    return {
        "area": _area(dash.area),
        "period": dash.period_key,
        "period_label": dash.period_label,
        "period_partial": dash.partial,
        "periods": [{"key": k, "label": label} for k, label in dash.periods],
        "computed_at": dash.computed_at,
        "figures": dash.figures,
        "children": [{**_area(u.area), "figures": u.figures} for u in dash.children],
        "weakest": [
            {
                "score": w.score.pk, "name": w.name, "area": _area(w.score.area), "rubric": w.score.rubric.name,
                "total": float(w.score.total), "max_total": float(w.score.max_total), "percent": w.pct,
                "stars": w.score.stars, "url": w.url,
                "gaps": [{"indicator": g[0], "lost": g[1], "points": g[2], "max_points": g[3]} for g in w.gaps],
            }
            for w in dash.weakest
        ],
    }
