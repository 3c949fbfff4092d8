from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True, label=_("说明"))
