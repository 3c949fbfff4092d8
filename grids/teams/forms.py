from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian import trees
from dangjian.forms import DateInput, PickerField, PlainForm
from grids.teams.choices import TeamRole
from organizations.members import selectors as members_selectors
from organizations.members.models import Member


def member_label(member) -> str:
    return f"{member.name}（{member.get_org_role_display()}）"


def grid_members(user, grid):
    """Members the team form offers for ``grid`` (its picker ``grids:team_pick_members`` lists
    the same): living in the grid's community or belonging to an organization anchored in
    it, among those the user may see, by name."""
    community = grid.community
    return members_selectors.members_for(user).filter(
        trees.subtree_q(community, "residence") | trees.subtree_q(community, "organization__area")
    ).order_by("name", "pk")


class MemberPickerField(PickerField):
    def label_from_instance(self, obj):
        return member_label(obj)


# ----------------------------------------------------------------------------- teams
class TeamMemberForm(PlainForm):
    role = forms.ChoiceField(label=_("团队角色"), choices=TeamRole.choices)
    member = MemberPickerField(Member.objects.none(), label=_("党员"), required=False, empty_label=_("不是党员"),
                               help_text=_("输入本社区党员姓名的一部分搜索；非党员志愿者可只填姓名。"))
    username = forms.CharField(
        label=_("登录账号（用户名）"), required=False, max_length=150,
        help_text=_("网格总长、网格长、网格员填写账号后，该账号即获得本网格覆盖区域的网格员权限，任职结束时自动收回。"),
    )
    display_name = forms.CharField(label=_("姓名"), required=False, max_length=50)
    started_on = forms.DateField(label=_("开始日期"), required=False, widget=DateInput())

    def __init__(self, *args, user, grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = grid_members(user, grid)
        self.fields["member"].url = reverse("grids:team_pick_members", args=[grid.pk])
        if not self.is_bound:
            self.initial.setdefault("started_on", timezone.localdate())

    def clean_username(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError(_("账号“%(u)s”不存在或已停用。"), params={"u": username}, code="no_user")
        return user

    def clean(self):
        data = super().clean()
        if not (data.get("member") or data.get("username") or (data.get("display_name") or "").strip()):
            raise ValidationError(_("请选择党员、填写账号，或填写姓名。"), code="nobody")
        return data

    def action_values(self):
        data = self.cleaned_data
        return {
            "role": data["role"], "member": data.get("member"), "user": data.get("username"),
            "display_name": data.get("display_name") or "", "started_on": data.get("started_on"),
        }


class TeamEndForm(PlainForm):
    ended_on = forms.DateField(label=_("结束日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("ended_on", timezone.localdate())
