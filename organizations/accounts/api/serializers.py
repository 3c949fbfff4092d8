from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


# ------------------------------------------------------------------------- API tokens
class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"), max_length=150, trim_whitespace=True)
    password = serializers.CharField(label=_("密码"), trim_whitespace=False, style={"input_type": "password"}, write_only=True)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(label=_("令牌"), read_only=True)
