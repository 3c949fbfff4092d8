from django.contrib.auth import get_user_model
from rest_framework import serializers

from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.orgs.models import PartyOrg
from organizations.staff import actions, permissions


class GrantSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True, label="角色名称")
    node_name = serializers.SerializerMethodField(label="节点名称（管辖范围外为空）")

    class Meta:
        model = Grant
        fields = ["id", "role", "role_display", "area", "org", "node_name", "is_active", "note", "created_at",
                  "revoked_at"]
        read_only_fields = fields

    def get_node_name(self, grant) -> str | None:
        node = permissions.grant_node(grant)
        user = self.context["request"].user
        return node.name if permissions.node_visible(user, node) else None


class AccountSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="first_name", read_only=True, label="姓名")
    grants = GrantSerializer(many=True, read_only=True)

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "display_name", "is_active", "last_login", "date_joined", "grants"]
        read_only_fields = fields


class GrantInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, label="角色")
    area = ScopedPrimaryKeyRelatedField(queryset=Area.objects.all(), required=False, allow_null=True, label="区域")
    org = ScopedPrimaryKeyRelatedField(queryset=PartyOrg.objects.all(), required=False, allow_null=True,
                                       label="党组织")
    note = serializers.CharField(required=False, allow_blank=True, max_length=actions.NOTE_MAX, label="备注")

    def validate(self, data):
        area, org = data.get("area"), data.get("org")
        if (area is None) == (org is None):
            raise serializers.ValidationError({"area": "区域（area）和党组织（org）须且只能填写一个。"})
        data["node"] = area or org
        return data


class AccountCreateSerializer(GrantInputSerializer):
    username = serializers.CharField(max_length=actions.USERNAME_MAX, label="用户名")
    display_name = serializers.CharField(max_length=actions.DISPLAY_NAME_MAX, label="姓名")
    password = serializers.CharField(required=False, allow_blank=True, write_only=True, trim_whitespace=False,
                                     label="初始密码（不填则自动生成）")


class PasswordInputSerializer(serializers.Serializer):
    password = serializers.CharField(required=False, allow_blank=True, write_only=True, trim_whitespace=False,
                                     label="新密码（不填则自动生成）")


class RevokeInputSerializer(serializers.Serializer):
    grant = serializers.IntegerField(min_value=1, label="授权编号")


class OneTimePasswordSerializer(serializers.Serializer):
    account = AccountSerializer(read_only=True)
    one_time_password = serializers.CharField(read_only=True, label="一次性密码（只返回这一次，首次登录须修改）")
