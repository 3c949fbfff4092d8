from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from organizations.accounts.models import ApiToken


# ------------------------------------------------------------------------- API tokens
class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"), max_length=150, trim_whitespace=True)
    password = serializers.CharField(label=_("密码"), trim_whitespace=False, style={"input_type": "password"}, write_only=True)
    name = serializers.CharField(label=_("令牌名称"), max_length=100, required=False, allow_blank=True, default="API")


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(label=_("令牌"), read_only=True, help_text=_("只返回这一次，服务器只保存其摘要。"))
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(label=_("过期时间"), read_only=True)


class ApiTokenSerializer(serializers.ModelSerializer):
    is_live = serializers.BooleanField(label=_("有效"), read_only=True)

    class Meta:
        model = ApiToken
        fields = ("id", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at", "is_live")
        read_only_fields = fields
