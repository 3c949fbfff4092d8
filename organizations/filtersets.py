"""Filters for areas, organizations, members, resident units and central households.

They narrow querysets that are already scoped (``visible_to``); they never widen them.
Foreign keys are filtered by plain id (``IdFilter``), not by a model choice, so a filter on
an id the caller cannot see gives an empty list instead of telling whether the id exists.
Members are found by exact phone or ID number through the keyed-hash columns: the
encrypted columns themselves cannot be searched.

The subtree filter ``?within=<area id>`` is the API filter backend
``dangjian.api.filters.WithinAreaFilter``.
"""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet

from dangjian.crypto import keyed_hash
from organizations.choices import AreaLevel, BuildingUse, FormationMode, Gender, MemberStatus, OrgCategory, OrgKind, OrgRole, ResidentUnitKind
from organizations.models import Area, CentralHousehold, Member, PartyOrg, ResidentUnit


class IdFilter(django_filters.Filter):
    """Exact match on an integer id (a primary or foreign key)."""

    field_class = forms.IntegerField


class AreaFilterSet(FilterSet):
    level = django_filters.ChoiceFilter(label=_("层级"), choices=AreaLevel.choices)
    parent = IdFilter(label=_("上级区域"), field_name="parent")
    building_use = django_filters.ChoiceFilter(label=_("楼栋用途"), choices=BuildingUse.choices)
    code = django_filters.CharFilter(label=_("编码"), field_name="code")
    q = django_filters.CharFilter(label=_("名称或编码包含"), method="filter_q")

    class Meta:
        model = Area
        fields = ["level", "parent", "building_use", "code", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class PartyOrgFilterSet(FilterSet):
    kind = django_filters.ChoiceFilter(label=_("组织类别"), choices=OrgKind.choices)
    category = django_filters.ChoiceFilter(label=_("组织类型"), choices=OrgCategory.choices)
    formation = django_filters.ChoiceFilter(label=_("组建方式"), choices=FormationMode.choices)
    parent = IdFilter(label=_("上级组织"), field_name="parent")
    area = IdFilter(label=_("所在区域"), field_name="area")
    q = django_filters.CharFilter(label=_("名称或编码包含"), method="filter_q")

    class Meta:
        model = PartyOrg
        fields = ["kind", "category", "formation", "parent", "area", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class MemberFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(label=_("党员状态"), choices=MemberStatus.choices)
    gender = django_filters.ChoiceFilter(label=_("性别"), choices=Gender.choices)
    in_service = django_filters.BooleanFilter(label=_("在职党员"))
    organization = IdFilter(label=_("组织关系所在支部"), field_name="organization")
    org_role = django_filters.ChoiceFilter(label=_("组织内职务"), choices=OrgRole.choices)
    residence = IdFilter(label=_("居住楼栋"), field_name="residence")
    q = django_filters.CharFilter(label=_("姓名包含"), field_name="name", lookup_expr="icontains")
    phone = django_filters.CharFilter(label=_("手机号（精确）"), method="filter_phone")
    id_number = django_filters.CharFilter(label=_("身份证号（精确）"), method="filter_id_number")

    class Meta:
        model = Member
        fields = ["status", "gender", "in_service", "organization", "org_role", "residence", "q", "phone", "id_number"]

    def filter_phone(self, queryset, name, value):
        return queryset.filter(phone_hash=keyed_hash(value))

    def filter_id_number(self, queryset, name, value):
        return queryset.filter(id_number_hash=keyed_hash(value))


class ResidentUnitFilterSet(FilterSet):
    kind = django_filters.ChoiceFilter(label=_("单位性质"), choices=ResidentUnitKind.choices)
    community = IdFilter(label=_("所在社区"), field_name="community")
    party_org = IdFilter(label=_("单位党组织"), field_name="party_org")
    q = django_filters.CharFilter(label=_("单位名称包含"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = ResidentUnit
        fields = ["kind", "community", "party_org", "q"]


class CentralHouseholdFilterSet(FilterSet):
    building = IdFilter(label=_("所在楼栋"), field_name="building")
    member = IdFilter(label=_("党员"), field_name="member")

    class Meta:
        model = CentralHousehold
        fields = ["building", "member"]
