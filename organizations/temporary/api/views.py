from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.api.viewsets import ScopedReadOnlyViewSet
from organizations.temporary.api.serializers import TemporaryBranchSerializer
from organizations.temporary.models import Secondment, TemporaryBranch


@extend_schema_view(list=extend_schema(summary="临时党支部列表"), retrieve=extend_schema(summary="临时党支部详情"))
class TemporaryBranchViewSet(ScopedReadOnlyViewSet):
    queryset_model = TemporaryBranch
    serializer_class = TemporaryBranchSerializer
    list_select_related = ("org__parent",)
    within_field = "org__area"

    def get_queryset(self):
        rows = Secondment.objects.select_related("member__organization").order_by("started_on", "pk")
        return super().get_queryset().prefetch_related(Prefetch("secondments", queryset=rows))


ROUTES = (
    ("temporary-branches", TemporaryBranchViewSet, "temporary-branch"),
)
