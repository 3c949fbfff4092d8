from rest_framework import serializers

from services.deliberation.models import Topic


class TopicSerializer(serializers.ModelSerializer):
    """A topic for staff (no phone; the proposer's name is not carried by the API)."""

    community_name = serializers.CharField(source="community.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Topic
        fields = ["id", "code", "community", "community_name", "title", "question", "status", "status_display",
                  "source", "work_kind", "work_owner", "work_due", "created_at", "accepted_at", "decided_at", "done_at"]
        read_only_fields = fields


class PublicOptionSerializer(serializers.Serializer):
    label = serializers.CharField()
    votes = serializers.IntegerField(allow_null=True)


class PublicTopicSerializer(serializers.Serializer):
    """What the public topic page shows: never a name or a phone."""

    code = serializers.CharField()
    community = serializers.CharField(source="community.name")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    question = serializers.CharField(source="public_title")
    text = serializers.SerializerMethodField()
    facts = serializers.SerializerMethodField()
    options = serializers.SerializerMethodField()
    supports = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    work_status = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def _public(self, obj):
        return obj.is_public

    def get_text(self, obj) -> str:
        return obj.public_text if obj.is_public else ""

    def get_facts(self, obj) -> str:
        return obj.public_facts if obj.is_public else ""

    def get_options(self, obj) -> list[dict]:
        if not obj.is_public:
            return []
        votes = self.context.get("votes", {})
        return [{"label": o.label, "votes": votes.get(o.pk)} for o in obj.options.all()]

    def get_supports(self, obj) -> int:
        return obj.supports.count() if obj.is_public else 0

    def get_decision(self, obj) -> str:
        return obj.public_decision_reasons if obj.decided_at else ""

    def get_work_status(self, obj) -> str:
        work = self.context.get("work")
        return work["status"] if work else ""
