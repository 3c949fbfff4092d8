"""API shapes of the four lists (四张清单).  Serializers check shapes only; the actions
check scope, roles, state and the item rules."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.checklists import actions, choices
from assessments.checklists.choices import Appraisal, ChecklistStatus, ItemKind, ItemStatus, ProblemSource
from assessments.checklists.models import Checklist, ChecklistEvent, ChecklistItem, ItemRecord
from dangjian.api.fields import inline_enum_field
from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField
from organizations.orgs.models import PartyOrg

ChecklistStatusField = inline_enum_field(ChecklistStatus, "ChecklistStatusField")
ItemKindField = inline_enum_field(ItemKind, "ChecklistItemKindField")
ItemStatusField = inline_enum_field(ItemStatus, "ChecklistItemStatusField")
ProblemSourceField = inline_enum_field(ProblemSource, "ProblemSourceField")
AppraisalField = inline_enum_field(Appraisal, "AppraisalField")


class ChecklistFiguresSerializer(serializers.Serializer):
    items = serializers.IntegerField(label=_("责任与考核事项"))
    done = serializers.IntegerField(label=_("已完成"))
    problems = serializers.IntegerField(label=_("问题"))
    closed = serializers.IntegerField(label=_("已销号问题"))
    overdue = serializers.IntegerField(label=_("逾期事项"))


class ChecklistSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True, label=_("党组织名称"))
    status = ChecklistStatusField(read_only=True, label=_("状态"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    appraisal = AppraisalField(read_only=True, label=_("评议等次"))
    appraisal_display = serializers.CharField(source="get_appraisal_display", read_only=True, label=_("评议等次名称"))
    figures = serializers.SerializerMethodField(label=_("事项统计"))

    class Meta:
        model = Checklist
        fields = [
            "id", "org", "org_name", "year", "status", "status_display", "submitted_at", "approved_at", "return_reason",
            "midyear_note", "midyear_at", "reported_at", "appraisal", "appraisal_display", "appraisal_note", "appraised_at",
            "figures",
        ]
        read_only_fields = fields

    @extend_schema_field(ChecklistFiguresSerializer)
    def get_figures(self, obj) -> dict:
        return {k: getattr(obj, f"n_{k}", 0) for k in ("items", "done", "problems", "closed", "overdue")}


class ItemRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemRecord
        fields = ["kind", "object_id", "label", "url"]
        read_only_fields = fields


class ChecklistItemSerializer(serializers.ModelSerializer):
    kind = ItemKindField(read_only=True, label=_("清单类别"))
    kind_display = serializers.CharField(source="get_kind_display", read_only=True, label=_("清单类别名称"))
    status = ItemStatusField(read_only=True, label=_("状态"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    source = serializers.CharField(read_only=True, label=_("问题来源"))
    source_display = serializers.CharField(source="get_source_display", read_only=True, label=_("问题来源名称"))
    has_evidence = serializers.SerializerMethodField(label=_("有佐证材料"))
    figure_params = serializers.JSONField(read_only=True, label=_("数据来源参数"))
    progress_counts = serializers.JSONField(read_only=True, label=_("进度依据的计数（由业务记录计算，只读）"))
    records = ItemRecordSerializer(many=True, read_only=True, label=_("销号引用的业务记录"))
    days_overdue = serializers.SerializerMethodField(label=_("逾期天数（未逾期为 0）"))

    class Meta:
        model = ChecklistItem
        fields = [
            "id", "checklist", "kind", "kind_display", "title", "detail", "owner", "due_on", "status", "status_display",
            "source", "source_display", "problem", "max_points", "evidence_note", "has_evidence", "completed_at", "closed_at",
            "days_overdue", "figure", "figure_params", "target", "progress", "progress_text", "progress_counts",
            "progress_url", "computed_at", "records",
        ]
        read_only_fields = fields

    def get_has_evidence(self, obj) -> bool:
        return bool(obj.evidence)

    def get_days_overdue(self, obj) -> int:
        if obj.status != ItemStatus.OPEN or obj.due_on is None:
            return 0
        return max(0, (self.context.get("today") or timezone.localdate()).toordinal() - obj.due_on.toordinal())


class ChecklistEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField(label=_("操作人"))
    label = serializers.SerializerMethodField(label=_("操作名称"))

    class Meta:
        model = ChecklistEvent
        fields = ["id", "item", "action", "label", "from_status", "to_status", "note", "actor_name", "at"]
        read_only_fields = fields

    def get_actor_name(self, obj) -> str:
        return (obj.actor.get_full_name() or obj.actor.username) if obj.actor_id else ""

    def get_label(self, obj) -> str:
        return str(choices.EVENT_LABELS.get(obj.action, obj.action))


class ChecklistDetailSerializer(ChecklistSerializer):
    items = serializers.SerializerMethodField(label=_("事项"))
    events = serializers.SerializerMethodField(label=_("办理记录"))

    class Meta(ChecklistSerializer.Meta):
        fields = [*ChecklistSerializer.Meta.fields, "report_text", "items", "events"]
        read_only_fields = fields

    @extend_schema_field(ChecklistItemSerializer(many=True))
    def get_items(self, obj) -> list:
        rows = self.context.get("items")
        if rows is None:
            rows = list(obj.items.prefetch_related("records").order_by("kind", "due_on", "pk"))
        return ChecklistItemSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(ChecklistEventSerializer(many=True))
    def get_events(self, obj) -> list:
        rows = self.context.get("events")
        if rows is None:
            rows = list(obj.events.select_related("actor").order_by("at", "pk"))
        return ChecklistEventSerializer(rows, many=True).data


class ChecklistCreateSerializer(serializers.Serializer):
    org = ScopedPrimaryKeyRelatedField(queryset=PartyOrg.objects.all(), label=_("党组织"))
    year = serializers.IntegerField(label=_("年度"))
    copy_last_year = serializers.BooleanField(required=False, default=False, label=_("复制上年责任清单"))


class ChecklistReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=actions.REASON_MAX, label=_("退回原因"))


class ChecklistNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=actions.NOTE_MAX, label=_("年中检查意见"))


class ChecklistReportSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=actions.REPORT_MAX, label=_("书记述职报告"))


class ChecklistAppraiseSerializer(serializers.Serializer):
    appraisal = AppraisalField(label=_("评议等次"))
    note = serializers.CharField(max_length=actions.APPRAISAL_NOTE_MAX, required=False, allow_blank=True, default="",
                                 label=_("评议意见"))


class ChecklistItemWriteSerializer(serializers.Serializer):
    """Create (``checklist`` and ``kind`` required) or change (PATCH) an item."""

    checklist = ScopedPrimaryKeyRelatedField(queryset=Checklist.objects.all(), label=_("清单"))
    kind = ItemKindField(label=_("清单类别"))
    title = serializers.CharField(max_length=actions.TITLE_MAX, label=_("事项"))
    detail = serializers.CharField(max_length=actions.DETAIL_MAX, required=False, allow_blank=True, label=_("具体内容"))
    owner = serializers.CharField(max_length=actions.OWNER_MAX, required=False, allow_blank=True, label=_("责任人"))
    due_on = serializers.DateField(required=False, allow_null=True, label=_("完成时限"))
    source = ProblemSourceField(required=False, allow_blank=True, label=_("问题来源（问题清单必填）"))
    problem = serializers.IntegerField(required=False, allow_null=True, label=_("对应问题编号（整改清单必填）"))
    max_points = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True,
                                          label=_("分值（考核清单）"))
    figure = serializers.CharField(max_length=60, required=False, allow_blank=True,
                                   label=_("数据来源（指标库代码，空为手工填报）"))
    figure_params = serializers.DictField(required=False, label=_("数据来源参数，如 {\"type\": \"theme_party_day\"}"))
    target = serializers.DecimalField(max_digits=10, decimal_places=1, required=False, allow_null=True,
                                      label=_("目标值（按指标单位；比率为百分数）"))


class ChecklistProgressSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=actions.NOTE_MAX, label=_("进展情况"))


class ChecklistFinishSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=actions.NOTE_MAX, label=_("完成情况/整改结果"))
    evidence = serializers.FileField(required=False, allow_null=True, label=_("佐证材料（可选，≤5 MB）"))
