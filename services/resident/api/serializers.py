from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def _enum_field(enum, name):
    """A choice field whose enum stays inline (wrapped in ``allOf``): ``kind`` and ``status``
    are common field names, and drf-spectacular's one enum component per field name would
    collide with other apps' choices used in several components."""

    @extend_schema_field({"allOf": [{"type": "string", "enum": list(enum.values)}],
                          "description": "；".join(f"{v}={label}" for v, label in enum.choices)})
    class EnumField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=enum.choices, **kwargs)

    EnumField.__name__ = name
    return EnumField


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True, label=_("说明"))
