"""API shapes for areas, organizations, members, resident units and central households.

Serializers validate shapes only; the viewsets pass ``validated_data`` to the actions,
which check scope and roles and run the model rules (``full_clean``).  Model-level unique
checks are therefore left to the actions (``validators = []``), so each rule has one
implementation and one Chinese message.

Personal data: members never expose the phone or ID number in full — only the masked
forms; ``phone`` / ``id_number`` are write-only.  The full values are available from the
logged ``personal-data`` endpoint alone.
"""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField
from dangjian.privacy import is_valid_id_number, is_valid_mobile, mask_phone
from organizations.models import Area, CentralHousehold, Member, PartyOrg, ResidentUnit


def _display(source: str, label: str):
    return serializers.CharField(source=source, read_only=True, label=label)


# ---------------------------------------------------------------------------- areas
class AreaSerializer(serializers.ModelSerializer):
    parent = ScopedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), required=False, allow_null=True, label=_("上级区域")
    )
    level_display = _display("get_level_display", _("层级名称"))
    building_use_display = _display("get_building_use_display", _("楼栋用途名称"))

    class Meta:
        model = Area
        fields = [
            "id", "name", "code", "level", "level_display", "parent", "address", "households",
            "building_use", "building_use_display", "depth",
        ]
        read_only_fields = ["depth"]
        extra_kwargs = {"code": {"validators": []}}
        validators = []


class AreaChildSerializer(AreaSerializer):
    member_count = serializers.IntegerField(read_only=True, label=_("党员数（含下级）"))
    org_count = serializers.IntegerField(read_only=True, label=_("党组织数（含下级）"))
    child_count = serializers.IntegerField(read_only=True, label=_("直属下级区域数"))

    class Meta(AreaSerializer.Meta):
        fields = [*AreaSerializer.Meta.fields, "member_count", "org_count", "child_count"]


class LevelCountSerializer(serializers.Serializer):
    level = serializers.IntegerField(label=_("层级"))
    label = serializers.CharField(label=_("层级名称"))
    count = serializers.IntegerField(label=_("数量"))


class OrgCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(label=_("党组织总数"))
    committees = serializers.IntegerField(label=_("党委/党工委"))
    general_branches = serializers.IntegerField(label=_("党总支"))
    branches = serializers.IntegerField(label=_("党支部"))
    groups = serializers.IntegerField(label=_("党小组"))
    compound_branches = serializers.IntegerField(label=_("小区党支部"))
    building_groups = serializers.IntegerField(label=_("楼道(楼栋)党小组"))


class MemberCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(label=_("党员总数"))
    probationary = serializers.IntegerField(label=_("预备党员"))
    in_service = serializers.IntegerField(label=_("在职党员"))


class AreaSummarySerializer(serializers.Serializer):
    """Figures for an area's whole subtree (``selectors.area_summary``)."""

    levels = LevelCountSerializer(many=True, label=_("各层级下级区域数"))
    by_level = serializers.DictField(child=serializers.IntegerField(), label=_("层级→数量"))
    households = serializers.IntegerField(label=_("户数"))
    orgs = OrgCountsSerializer(label=_("党组织"))
    members = MemberCountsSerializer(label=_("党员"))
    central_households = serializers.IntegerField(label=_("党员中心户"))


# ------------------------------------------------------------------ party organizations
class PartyOrgSerializer(serializers.ModelSerializer):
    parent = ScopedPrimaryKeyRelatedField(
        queryset=PartyOrg.objects.all(), required=False, allow_null=True, label=_("上级组织")
    )
    area = ScopedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("所在区域"))
    secretary = ScopedPrimaryKeyRelatedField(
        queryset=Member.objects.all(), required=False, allow_null=True, label=_("书记")
    )
    kind_display = _display("get_kind_display", _("组织类别名称"))
    category_display = _display("get_category_display", _("组织类型名称"))
    formation_display = _display("get_formation_display", _("组建方式名称"))
    area_name = serializers.CharField(source="area.name", read_only=True, label=_("所在区域名称"))
    secretary_name = serializers.CharField(
        source="secretary.name", read_only=True, allow_null=True, label=_("书记姓名")
    )
    term_ends_on = serializers.DateField(read_only=True, allow_null=True, label=_("本届任期届满"))

    class Meta:
        model = PartyOrg
        fields = [
            "id", "name", "code", "kind", "kind_display", "category", "category_display",
            "formation", "formation_display", "joint_units", "parent", "area", "area_name",
            "founded_on", "term_started_on", "term_years", "term_ends_on",
            "secretary", "secretary_name", "secretary_also_chairs", "depth",
        ]
        read_only_fields = ["depth"]
        extra_kwargs = {"code": {"validators": []}}
        validators = []


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
            "id", "name", "gender", "gender_display", "birth_date", "joined_on", "full_member_on",
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


# ------------------------------------------------------------ units and central households
class ResidentUnitSerializer(serializers.ModelSerializer):
    community = ScopedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("所在社区"))
    party_org = ScopedPrimaryKeyRelatedField(
        queryset=PartyOrg.objects.all(), required=False, allow_null=True, label=_("单位党组织")
    )
    kind_display = _display("get_kind_display", _("单位性质名称"))
    community_name = serializers.CharField(source="community.name", read_only=True, label=_("社区名称"))
    party_org_name = serializers.CharField(
        source="party_org.name", read_only=True, allow_null=True, label=_("单位党组织名称")
    )
    contact_phone = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=20, label=_("联系电话"),
        help_text=_("只写；读取时只返回脱敏后的 contact_phone_masked"),
    )
    contact_phone_masked = serializers.SerializerMethodField(label=_("联系电话（脱敏）"))

    class Meta:
        model = ResidentUnit
        fields = [
            "id", "name", "kind", "kind_display", "community", "community_name", "party_org", "party_org_name",
            "address", "contact_name", "contact_phone", "contact_phone_masked", "created_at",
        ]
        read_only_fields = ["created_at"]
        validators = []

    def get_contact_phone_masked(self, obj) -> str:
        return mask_phone(obj.contact_phone)

    def validate_contact_phone(self, value):
        value = value.strip()
        if value and not all(ch.isdigit() or ch in "-+ ()" for ch in value):
            raise serializers.ValidationError(_("联系电话只能包含数字、空格、括号、加号和短横线。"))
        return value


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
