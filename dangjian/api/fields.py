"""Serializer fields the feature APIs share."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def inline_enum_field(enum, name):
    """A choice field over ``enum`` (a Django ``TextChoices``) whose enum stays inline in the
    schema (wrapped in ``allOf``): ``kind`` and ``status`` are common field names, and
    drf-spectacular's one enum component per field name would collide across apps."""

    @extend_schema_field({"allOf": [{"type": "string", "enum": list(enum.values)}],
                          "description": "；".join(f"{v}={label}" for v, label in enum.choices)})
    class EnumField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=enum.choices, **kwargs)

    EnumField.__name__ = name
    return EnumField
