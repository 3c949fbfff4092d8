from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField
from grids.grids.api.serializers import _display
from grids.grids.models import Grid
from grids.teams.models import GridTeamMember
from organizations.members.models import Member


# ----------------------------------------------------------------------------- teams
class GridTeamMemberSerializer(serializers.ModelSerializer):
    grid = ScopedPrimaryKeyRelatedField(queryset=Grid.objects.all(), label=_("网格"))
    member = ScopedPrimaryKeyRelatedField(
        queryset=Member.objects.all(), required=False, allow_null=True, label=_("党员")
    )
    username = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=150, label=_("登录账号"),
        help_text=_("只写：网格总长、网格长、网格员的登录账号；该账号随任职获得本网格覆盖区域的网格员权限。"),
    )
    role_display = _display("get_role_display", _("团队角色名称"))
    person_name = serializers.CharField(read_only=True, label=_("姓名"))
    has_account = serializers.SerializerMethodField(label=_("有登录账号"))
    grid_name = serializers.CharField(source="grid.name", read_only=True, label=_("网格名称"))

    class Meta:
        model = GridTeamMember
        fields = [
            "id", "grid", "grid_name", "role", "role_display", "member", "username", "display_name",
            "person_name", "has_account", "started_on", "ended_on",
        ]
        read_only_fields = ["ended_on"]

    def get_has_account(self, obj) -> bool:
        return obj.user_id is not None

    def validate_username(self, value):
        value = (value or "").strip()
        if not value:
            return None
        user = get_user_model().objects.filter(username=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(_("账号不存在或已停用。"))
        return user


class TeamEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, label=_("结束日期"), help_text=_("不填则为今天"))
