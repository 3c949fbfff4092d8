from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField
from grids.diary.choices import ConversionTarget, DiaryKind
from grids.diary.models import DiaryEntry
from grids.grids.api.serializers import _display
from grids.grids.models import Grid
from organizations.areas.models import Area


# ----------------------------------------------------------------------------- diary
class DiaryEntrySerializer(serializers.ModelSerializer):
    grid = ScopedPrimaryKeyRelatedField(queryset=Grid.objects.all(), label=_("网格"))
    building = ScopedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), required=False, allow_null=True, label=_("楼栋")
    )
    # optional, as in the model: a visit unless said otherwise (the action takes it always)
    kind = serializers.ChoiceField(choices=DiaryKind.choices, default=DiaryKind.VISIT, label=_("类型"))
    photo = serializers.FileField(
        write_only=True, required=False, allow_null=True, label=_("照片"),
        help_text=_("只写（multipart/form-data）：JPG、PNG 或 WebP，不超过 5 MB。"),
    )
    grid_name = serializers.CharField(source="grid.name", read_only=True, label=_("网格名称"))
    building_name = serializers.CharField(source="building.name", read_only=True, allow_null=True, label=_("楼栋名称"))
    kind_display = _display("get_kind_display", _("类型名称"))
    category_display = _display("get_category_display", _("类别名称"))
    status_display = _display("get_status_display", _("状态名称"))
    converted_to_display = _display("get_converted_to_display", _("转办为（名称）"))
    author_name = serializers.SerializerMethodField(label=_("记录人"))
    has_photo = serializers.SerializerMethodField(label=_("有照片"))

    class Meta:
        model = DiaryEntry
        fields = [
            "id", "grid", "grid_name", "building", "building_name", "household", "kind", "kind_display",
            "category", "category_display", "text", "occurred_on", "photo", "has_photo", "status", "status_display",
            "resolution", "converted_to", "converted_to_display", "converted_id", "converted_at",
            "author_name", "created_at",
        ]
        read_only_fields = [
            "status", "resolution", "converted_to", "converted_id", "converted_at", "created_at",
        ]

    def get_author_name(self, obj) -> str:
        author = obj.author
        return (author.get_full_name() or author.get_username()) if author is not None else ""

    def get_has_photo(self, obj) -> bool:
        return bool(obj.photo)


class DiaryResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=2000, label=_("处理结果"))


class DiaryConvertSerializer(serializers.Serializer):
    # named like the entry's own fields, so the schema has one enum for the targets
    converted_to = serializers.ChoiceField(choices=ConversionTarget.choices, label=_("转办为"))
    converted_id = serializers.IntegerField(min_value=1, label=_("转办记录编号"))
