from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField, _display
from organizations.areas.models import Area
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg


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
