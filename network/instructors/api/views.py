from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.api.viewsets import ScopedReadOnlyViewSet
from network.instructors.api.serializers import InstructorSerializer, InstructorVisitSerializer
from network.instructors.models import Instructor, InstructorAssignment, InstructorVisit


@extend_schema_view(list=extend_schema(summary="党建指导员列表"), retrieve=extend_schema(summary="党建指导员详情"))
class InstructorViewSet(ScopedReadOnlyViewSet):
    queryset_model = Instructor
    serializer_class = InstructorSerializer
    list_select_related = ("area",)
    within_field = "area"

    def get_queryset(self):
        current = InstructorAssignment.objects.filter(ended_on__isnull=True).select_related("unit").order_by("pk")
        return super().get_queryset().prefetch_related(Prefetch("assignments", queryset=current, to_attr="current"))


@extend_schema_view(list=extend_schema(summary="党建指导员走访记录"), retrieve=extend_schema(summary="走访记录详情"))
class InstructorVisitViewSet(ScopedReadOnlyViewSet):
    queryset_model = InstructorVisit
    serializer_class = InstructorVisitSerializer
    list_select_related = ("assignment__instructor", "assignment__unit")
    ordering = ("-visited_on", "-pk")
    within_field = "assignment__unit__community"


ROUTES = (
    ("instructors", InstructorViewSet, "instructor"),
    ("instructor-visits", InstructorVisitViewSet, "instructor-visit"),
)
