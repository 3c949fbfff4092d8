"""API of 项目化服务 (read-only): ``/api/service-projects/`` (the projects in the caller's
subtree with their outcome, ``?status=``, ``?brand=``, ``?within=``) and ``/api/service-brands/``."""
import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ScopedReadOnlyViewSet
from network.projects import selectors
from network.projects.api.serializers import ServiceBrandSerializer, ServiceProjectSerializer
from network.projects.choices import ProjectStatus
from network.projects.models import ServiceBrand, ServiceProject


class ProjectFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ProjectStatus.choices)
    brand = IdFilter(label=_("服务品牌编号"), field_name="brand_id")

    class Meta:
        model = ServiceProject
        fields = ["status", "brand"]


@extend_schema_view(list=extend_schema(summary="服务项目列表（含由关联记录计算的服务成效）"),
                    retrieve=extend_schema(summary="服务项目详情"))
class ServiceProjectViewSet(ScopedReadOnlyViewSet):
    queryset_model = ServiceProject
    serializer_class = ServiceProjectSerializer
    filterset_class = ProjectFilterSet
    list_select_related = ("area", "owner_org")
    ordering = ("-starts_on", "-id")
    within_field = "area"

    def scoped_queryset(self, user):
        return selectors.with_outcome(selectors.projects_for(user))


@extend_schema_view(list=extend_schema(summary="服务品牌列表"), retrieve=extend_schema(summary="服务品牌详情"))
class ServiceBrandViewSet(ScopedReadOnlyViewSet):
    queryset_model = ServiceBrand
    serializer_class = ServiceBrandSerializer
    list_select_related = ("area",)
    ordering = ("name", "id")
    within_field = "area"


ROUTES = (
    ("service-projects", ServiceProjectViewSet, "service-project"),
    ("service-brands", ServiceBrandViewSet, "service-brand"),
)
