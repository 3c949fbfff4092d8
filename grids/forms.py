"""Forms of the grids pages.

They read and check input only; the write is an action in ``grids.actions`` whose
``ValidationError`` is put back on the fields with ``organizations.forms.attach_errors``.
Choices are limited to what the user may see: the community's places and branches, the
grid's buildings, members of the user's scoped roster.
"""
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.forms import ALL, ActionForm, BootstrapMixin, DateInput, FilterForm, ScopedCodeField
from grids import selectors
from grids.actions import PHOTO_MAX_BYTES
from grids.choices import ConversionTarget, DiaryCategory, DiaryKind, DiaryStatus, TeamRole
from grids.models import DiaryEntry, Grid
from organizations.areas import selectors as org_selectors
from organizations.areas.choices import AreaLevel
from organizations.members import selectors as members_selectors
from organizations.members.models import Member

MEMBER_CHOICES = 500  # members offered in the team form's list


def _choices(enum):
    return [("", ALL), *enum.choices]


class PlainForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_widgets()


# ----------------------------------------------------------------------------- grids
class CommunityPickForm(PlainForm):
    community_code = ScopedCodeField(label=_("社区编码"), help_text=_("输入要建网格的社区的编码。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = org_selectors.areas_for(user).filter(level=AreaLevel.COMMUNITY)
        self.fields["community_code"].queryset = communities
        self.fields["community_code"].suggest = communities


class PlacesField(forms.ModelMultipleChoiceField):
    """The compounds and buildings of one community, drawn by the template as a grouped
    checkbox list (``form.places``) — the widget itself is never iterated."""

    widget = forms.CheckboxSelectMultiple


class GridForm(ActionForm):
    """Create (with places) or edit (name, code, branch, description) a grid of one community."""

    areas = PlacesField(label=_("覆盖的小区或楼栋"), queryset=None, required=False)

    class Meta:
        model = Grid
        fields = ["code", "name", "party_branch", "description"]

    FIELDS = ("code", "name", "party_branch", "description")

    def __init__(self, *args, community, with_places=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["party_branch"].queryset = selectors.community_branches(community)
        self.fields["party_branch"].required = False
        self.fields["party_branch"].empty_label = _("（暂无对应党支部）")
        if with_places:
            self.fields["areas"].queryset = selectors.community_places(community)
        else:
            del self.fields["areas"]

    def selected_ids(self):
        if "areas" not in self.fields:
            return set()
        if self.is_bound:
            return {str(v) for v in self.data.getlist("areas")}
        return {str(v) for v in self.initial.get("areas", ())}


class CoverageForm(PlainForm):
    areas = PlacesField(label=_("覆盖的小区或楼栋"), queryset=None, required=False)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = selectors.community_places(community)

    def selected_ids(self):
        if self.is_bound:
            return {str(v) for v in self.data.getlist("areas")}
        return {str(v) for v in self.initial.get("areas", ())}


# ----------------------------------------------------------------------------- teams
class TeamMemberForm(PlainForm):
    role = forms.ChoiceField(label=_("团队角色"), choices=TeamRole.choices)
    member = forms.ModelChoiceField(label=_("党员"), queryset=Member.objects.none(), required=False,
                                    help_text=_("从本社区党员中选择；非党员志愿者可只填姓名。"))
    username = forms.CharField(
        label=_("登录账号（用户名）"), required=False, max_length=150,
        help_text=_("网格总长、网格长、网格员填写账号后，该账号即获得本网格覆盖区域的网格员权限，任职结束时自动收回。"),
    )
    display_name = forms.CharField(label=_("姓名"), required=False, max_length=50)
    started_on = forms.DateField(label=_("开始日期"), required=False, widget=DateInput())

    def __init__(self, *args, user, grid, **kwargs):
        super().__init__(*args, **kwargs)
        community = grid.community
        # members living in the community or belonging to an organization anchored in it
        members = members_selectors.members_for(user).filter(
            Q(residence__tree_id=community.tree_id, residence__lft__gte=community.lft, residence__lft__lte=community.rght)
            | Q(organization__area__tree_id=community.tree_id, organization__area__lft__gte=community.lft,
                organization__area__lft__lte=community.rght)
        )
        field = self.fields["member"]
        field.queryset = members  # validation: any member of the community the user may see
        # the list offered: the first MEMBER_CHOICES by name (one query)
        field.choices = [("", "—")] + [
            (m.pk, f"{m.name}（{m.get_org_role_display()}）")
            for m in members.order_by("name", "id").only("pk", "name", "org_role")[:MEMBER_CHOICES]
        ]
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


# ----------------------------------------------------------------------------- diary
class DiaryForm(ActionForm):
    photo = forms.FileField(
        label=_("照片（可选）"), required=False,
        help_text=_("JPG、PNG 或 WebP，不超过 %(mb)d MB；只拍必要的，不必留痕。") % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)},
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = DiaryEntry
        fields = ["kind", "category", "occurred_on", "building", "household", "text", "photo"]
        widgets = {
            "occurred_on": DateInput(),
            "kind": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 5}),
        }

    FIELDS = ("kind", "category", "occurred_on", "building", "household", "text", "photo")

    def __init__(self, *args, grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        self.fields["kind"].choices = DiaryKind.choices
        self.fields["category"].choices = [("", "—"), *DiaryCategory.choices]
        self.fields["building"].queryset = selectors.grid_building_choices(grid)
        self.fields["building"].required = False
        self.fields["building"].empty_label = _("（不指定楼栋）")
        self.fields["building"].label_from_instance = lambda b: f"{b.parent.name} {b.name}" if b.parent_id else b.name
        self.fields["household"].help_text = _("如 2-301，可不填")
        if not self.is_bound:
            self.initial.setdefault("occurred_on", timezone.localdate())
            self.initial.setdefault("kind", DiaryKind.VISIT)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"


class DiaryResolveForm(PlainForm):
    resolution = forms.CharField(label=_("处理结果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DiaryConvertForm(PlainForm):
    """The hook for the services issue: once a resident request or a whistle exists, its
    kind and id are recorded on the diary entry here (or by the services code itself)."""

    target = forms.ChoiceField(label=_("转办为"), choices=ConversionTarget.choices)
    target_id = forms.IntegerField(label=_("转办记录编号"), min_value=1)


class DiaryFilterForm(FilterForm):
    q_grid = forms.CharField(label=_("网格名称或编码"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=_choices(DiaryKind))
    category = forms.ChoiceField(label=_("类别"), required=False, choices=_choices(DiaryCategory))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_choices(DiaryStatus))
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())
    grid = forms.IntegerField(label=_("网格编号"), required=False, min_value=1, widget=forms.HiddenInput)
    community = forms.IntegerField(label=_("社区编号"), required=False, min_value=1, widget=forms.HiddenInput)


class GridFilterForm(FilterForm):
    q = forms.CharField(label=_("网格名称或编码"), required=False, max_length=100)
    branch = forms.ChoiceField(
        label=_("网格党支部"), required=False,
        choices=[("", _("全部")), ("yes", _("已建")), ("no", _("未建"))],
    )
    community = forms.IntegerField(label=_("社区编号"), required=False, min_value=1, widget=forms.HiddenInput)
