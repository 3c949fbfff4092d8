from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField, _display
from dangjian.privacy import is_valid_id_number, is_valid_mobile
from organizations.areas.models import Area
from organizations.members.models import CentralHousehold, Member
from organizations.orgs.models import PartyOrg


# ----------------------------------------------------------------------------- members
class MemberSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=PartyOrg.objects.all(), label=_("组织关系所在支部"))
    residence = ScopedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), required=False, allow_null=True, label=_("居住楼栋")
    )
    employer_org = ScopedPrimaryKeyRelatedField(
        queryset=PartyOrg.objects.all(), required=False, allow_null=True, label=_("工作单位党组织")
    )
    gender_display = _display("get_gender_display", _("性别名称"))
    status_display = _display("get_status_display", _("党员状态名称"))
    ethnicity_display = _display("get_ethnicity_display", _("民族名称"))
    education_display = _display("get_education_display", _("学历名称"))
    occupation_display = _display("get_occupation_display", _("职业类别名称"))
    org_role_display = _display("get_org_role_display", _("职务名称"))
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("支部名称"))
    residence_name = serializers.CharField(
        source="residence.name", read_only=True, allow_null=True, label=_("居住楼栋名称")
    )
    party_age = serializers.IntegerField(read_only=True, allow_null=True, label=_("党龄（年）"))
    phone_masked = serializers.CharField(read_only=True, label=_("手机号（脱敏）"))
    id_number_masked = serializers.CharField(read_only=True, label=_("身份证号（脱敏）"))
    phone = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=20, label=_("手机号"),
        help_text=_("只写：11位手机号；读取时只返回脱敏后的 phone_masked"),
    )
    id_number = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=18, label=_("身份证号"),
        help_text=_("只写：18位居民身份证号；读取时只返回脱敏后的 id_number_masked"),
    )

    class Meta:
        model = Member
        fields = [
            "id", "name", "gender", "gender_display", "ethnicity", "ethnicity_display", "education",
            "education_display", "occupation", "occupation_display", "birth_date", "joined_on", "full_member_on",
            "status", "status_display", "organization", "organization_name", "org_role", "org_role_display",
            "residence", "residence_name", "in_service", "employer", "employer_org", "party_age",
            "phone_masked", "id_number_masked", "phone", "id_number",
        ]
        validators = []

    def validate_phone(self, value):
        value = value.strip()
        if value and not is_valid_mobile(value):
            raise serializers.ValidationError(_("请输入有效的11位手机号码。"))
        return value

    def validate_id_number(self, value):
        value = value.strip().upper()
        if value and not is_valid_id_number(value):
            raise serializers.ValidationError(_("身份证号码格式或校验位不正确。"))
        return value


class PersonalDataSerializer(serializers.Serializer):
    """A member's personal data in full; every answer is logged (PersonalDataAccess)."""

    id = serializers.IntegerField(label=_("党员编号"))
    name = serializers.CharField(label=_("姓名"))
    phone = serializers.CharField(label=_("手机号"))
    id_number = serializers.CharField(label=_("身份证号"))


class MemberLookupSerializer(serializers.Serializer):
    """The body of ``POST /api/members/lookup/``: exactly one of the two numbers, in full."""

    phone = serializers.CharField(required=False, allow_blank=True, max_length=20, label=_("手机号"),
                                  help_text=_("完整的11位手机号（可含空格或连字符）"))
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=18, label=_("身份证号"),
                                      help_text=_("完整的18位居民身份证号"))


class MemberLookupResultSerializer(serializers.Serializer):
    """The members found, in the (masked) representation of the roster list."""

    count = serializers.IntegerField(label=_("匹配人数"))
    results = MemberSerializer(many=True, read_only=True)


class CentralHouseholdSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True, label=_("党员姓名"))
    building_name = serializers.CharField(source="building.name", read_only=True, label=_("楼栋名称"))

    class Meta:
        model = CentralHousehold
        fields = [
            "id", "member", "member_name", "building", "building_name", "linked_households", "linked_rooms",
            "designated_on",
        ]
        read_only_fields = fields
