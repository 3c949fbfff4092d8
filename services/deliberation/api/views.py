"""API of residents' deliberation: read-only.

Staff (``/api/deliberation-topics/``): the topics of the communities the caller reads
(``Topic.objects.visible_to``), filters by status and community.  Public
(``/api/public/topics/{code}/``, no account): a topic as its public page shows it — no
name, no phone."""
import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ScopedReadOnlyViewSet
from services.deliberation import actions, selectors
from services.deliberation.api.serializers import PublicTopicSerializer, TopicSerializer
from services.deliberation.choices import TopicStatus
from services.deliberation.models import Topic


class TopicFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(label=_("阶段"), choices=TopicStatus.choices)
    community = IdFilter(label=_("社区"), field_name="community")

    class Meta:
        model = Topic
        fields = ["status", "community"]


@extend_schema_view(list=extend_schema(summary="居民议事列表", description="调用者管辖社区的议事事项。"),
                    retrieve=extend_schema(summary="居民议事详情"))
class TopicViewSet(ScopedReadOnlyViewSet):
    queryset_model = Topic
    serializer_class = TopicSerializer
    filterset_class = TopicFilterSet
    permission_classes = [IsAuthenticated]
    list_select_related = ("community",)
    ordering = ("-created_at", "-id")
    within_field = "community"


class PublicTopicViewSet(viewsets.ViewSet):
    permission_classes = [AllowAny]
    authentication_classes = []
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9-]{1,20}"

    def get_queryset(self):  # the schema only; reads go through ``topic_for_code``
        return Topic.objects.none()

    @extend_schema(summary="按查询码查看居民议事（无需登录）", responses={200: PublicTopicSerializer}, auth=[], tags=["public"])
    def retrieve(self, request, code=None):
        topic = actions.topic_for_code(code)
        context = {}
        if topic.is_public:
            meeting = selectors.meeting_of(topic)
            if meeting is not None:
                context["votes"] = {v.option_id: v.count for v in meeting.vote_rows}
            if topic.work_kind:
                context["work"] = selectors.work_progress(
                    Topic.objects.select_related("work_request", "work_whistle", "work_item").get(pk=topic.pk))
        return Response(PublicTopicSerializer(topic, context=context).data)


ROUTES = (
    ("deliberation-topics", TopicViewSet, "deliberation-topic"),
    ("public/topics", PublicTopicViewSet, "public-topic"),
)
