import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet

from dangjian.api.filters import IdFilter
from organizations.members.choices import Education, Ethnicity, Gender, MemberStatus, Occupation, OrgRole
from organizations.members.models import CentralHousehold, Member


class MemberFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(label=_("党员状态"), choices=MemberStatus.choices)
    gender = django_filters.ChoiceFilter(label=_("性别"), choices=Gender.choices)
    ethnicity = django_filters.ChoiceFilter(label=_("民族"), choices=Ethnicity.choices)
    education = django_filters.ChoiceFilter(label=_("学历"), choices=Education.choices)
    occupation = django_filters.ChoiceFilter(label=_("职业类别"), choices=Occupation.choices)
    in_service = django_filters.BooleanFilter(label=_("在职党员"))
    organization = IdFilter(label=_("组织关系所在支部"), field_name="organization")
    org_role = django_filters.ChoiceFilter(label=_("组织内职务"), choices=OrgRole.choices)
    residence = IdFilter(label=_("居住楼栋"), field_name="residence")
    q = django_filters.CharFilter(label=_("姓名包含"), field_name="name", lookup_expr="icontains")
    # No phone / ID-number filters: personal data never travels in a URL (URLs are logged).
    # Finding a member by a number is POST /api/members/lookup/ (MemberViewSet.lookup).

    class Meta:
        model = Member
        fields = ["status", "gender", "ethnicity", "education", "occupation", "in_service", "organization", "org_role", "residence", "q"]


class CentralHouseholdFilterSet(FilterSet):
    building = IdFilter(label=_("所在楼栋"), field_name="building")
    member = IdFilter(label=_("党员"), field_name="member")

    class Meta:
        model = CentralHousehold
        fields = ["building", "member"]
