"""API shapes of 组织关系转接.  Serializers check shapes only; the actions check scope, roles and state."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dangjian.api.fields import inline_enum_field
from dangjian.workflow import available_transitions
from organizations.transfers.choices import TransferKind, TransferStatus
from organizations.transfers.models import IntroductionLetter, Transfer, TransferEvent

TransferStatusField = inline_enum_field(TransferStatus, "TransferStatusField")
TransferKindField = inline_enum_field(TransferKind, "TransferKindField")


class TransferSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True, label=_("党员姓名"))
    kind = TransferKindField(read_only=True, label=_("转接类型"))
    status = TransferStatusField(read_only=True, label=_("状态"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    from_name = serializers.CharField(source="from_label", read_only=True, label=_("转出党组织名称"))
    to_name = serializers.CharField(source="to_label", read_only=True, label=_("转入党组织名称"))
    overdue = serializers.SerializerMethodField(label=_("已逾期"))

    class Meta:
        model = Transfer
        fields = [
            "id", "member", "member_name", "kind", "status", "status_display", "from_org", "from_name", "to_org",
            "to_name", "reason", "started_at", "due_on", "answered_at", "return_reason", "overdue",
        ]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class LetterSerializer(serializers.ModelSerializer):
    class Meta:
        model = IntroductionLetter
        fields = ["number", "direction", "issuer_name", "destination", "issued_on", "valid_until"]
        read_only_fields = fields


class TransferEventSerializer(serializers.ModelSerializer):
    from_status = serializers.CharField(read_only=True, label=_("原状态"))
    to_status = serializers.CharField(read_only=True, label=_("新状态"))

    class Meta:
        model = TransferEvent
        fields = ["from_status", "to_status", "note", "at"]
        read_only_fields = fields


class TransferDetailSerializer(TransferSerializer):
    letter = serializers.SerializerMethodField(label=_("介绍信"))
    events = serializers.SerializerMethodField(label=_("办理记录"))
    steps = serializers.SerializerMethodField(label=_("可办理的步骤"))

    class Meta(TransferSerializer.Meta):
        fields = [*TransferSerializer.Meta.fields, "letter", "events", "steps"]
        read_only_fields = fields

    @extend_schema_field(LetterSerializer(allow_null=True))
    def get_letter(self, obj):
        letter = getattr(obj, "_letter", None)
        return LetterSerializer(letter).data if letter is not None else None

    @extend_schema_field(TransferEventSerializer(many=True))
    def get_events(self, obj):
        return TransferEventSerializer(self.context.get("events", []), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_steps(self, obj) -> list:
        return sorted(available_transitions(obj, self.context["request"].user))


class TransferReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("退回原因"), max_length=300)


class TransferNoteSerializer(serializers.Serializer):
    note = serializers.CharField(label=_("说明"), max_length=500, required=False, allow_blank=True, default="")
