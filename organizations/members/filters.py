import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet

from dangjian.api.filters import IdFilter
from dangjian.crypto import keyed_hash
from organizations.members.choices import Gender, MemberStatus, OrgRole
from organizations.members.models import CentralHousehold, Member


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


class CentralHouseholdFilterSet(FilterSet):
    building = IdFilter(label=_("所在楼栋"), field_name="building")
    member = IdFilter(label=_("党员"), field_name="member")

    class Meta:
        model = CentralHousehold
        fields = ["building", "member"]
