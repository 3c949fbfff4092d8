"""Forms of resident requests: the public order form, the rating form, the staff action
forms, the list filters and the volunteer-team form.  Forms check shapes;
``services.request_actions`` checks the rest and its errors are put back on the form."""
from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.privacy import is_valid_mobile
from organizations.choices import AreaLevel
from organizations.forms import ALL, FilterForm
from organizations.models import Area, Member

from . import request_actions as actions
from . import request_selectors as sel
from . import sla
from .choices import RequestStatus, Satisfaction
from .forms import CommunityChoiceField, PlainForm
from .models import RequestCategory


class CategoryChoiceField(forms.ModelChoiceField):
    """A category with its time limits, so the resident knows what to expect."""

    def label_from_instance(self, obj):
        return _("%(name)s（%(response)s内响应，%(resolve)s内办结）") % {
            "name": obj.name, "response": sla.limit_label(obj.response_minutes),
            "resolve": sla.limit_label(obj.resolve_minutes)}


class RequestSubmitForm(PlainForm):
    """The resident's order form (public, mobile first)."""

    community = CommunityChoiceField(
        label=_("所在社区"), queryset=Area.objects.none(), empty_label=_("请选择社区"),
        error_messages={"invalid_choice": _("请选择列表中的社区。")},
    )
    building = forms.TypedChoiceField(label=_("楼栋"), required=False, coerce=int, empty_value=None,
                                      help_text=_("可不选；不选时请填写地址。"))
    address = forms.CharField(label=_("地址"), required=False, max_length=actions.ADDRESS_MAX,
                              help_text=_("如：3号楼2单元501。仅社区工作人员可见。"))
    category = CategoryChoiceField(
        label=_("诉求类别"), queryset=RequestCategory.objects.none(), empty_label=_("请选择类别"),
        error_messages={"invalid_choice": _("请选择列表中的类别。")},
    )
    text = forms.CharField(label=_("诉求内容"), max_length=actions.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    name = forms.CharField(label=_("姓名"), max_length=actions.NAME_MAX)
    phone = forms.CharField(
        label=_("手机号"), max_length=20, help_text=_("仅社区工作人员可见，用于联系您；评价时需填写后四位。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    photo = forms.FileField(label=_("照片（可选）"), required=False, help_text=_("JPG、PNG 或 WebP，不超过 5 MB。"),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))

    FIELDS = ("community", "building", "address", "category", "text", "name", "phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = sel.public_communities()
        self.fields["category"].queryset = sel.active_categories()
        community = self._chosen_community()
        self.fields["building"].choices = [("", _("不选择楼栋"))] + [
            (b.pk, f"{b.parent.name} {b.name}" if b.parent_id != getattr(community, "pk", None) else b.name)
            for b in sel.community_buildings(community)
        ]

    def _chosen_community(self):
        raw = self.data.get(self.add_prefix("community")) if self.is_bound else self.initial.get("community")
        if raw in (None, ""):
            return None
        try:
            return Area.objects.filter(pk=int(raw), level=AreaLevel.COMMUNITY).first()
        except (TypeError, ValueError):
            return None

    def clean_phone(self):
        phone = "".join(ch for ch in self.cleaned_data.get("phone", "") if ch.isdigit())
        if not is_valid_mobile(phone):
            raise forms.ValidationError(_("请填写正确的11位手机号。"))
        return phone

    def clean_building(self):
        pk = self.cleaned_data.get("building")
        if pk is None:
            return None
        building = Area.objects.filter(pk=pk).first()
        if building is None:
            raise forms.ValidationError(_("请选择列表中的楼栋。"))
        return building

    def action_values(self) -> dict:
        values = {name: self.cleaned_data.get(name) for name in self.FIELDS}
        values["photo"] = self.cleaned_data.get("photo") or None
        return values


class TrackForm(PlainForm):
    code = forms.CharField(label=_("查询码"), max_length=20,
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))


class RateForm(PlainForm):
    rating = forms.ChoiceField(label=_("您对办理结果的评价"), choices=[("", _("请选择")), *Satisfaction.choices])
    comment = forms.CharField(label=_("意见建议（可选）"), required=False, max_length=actions.COMMENT_MAX,
                              widget=forms.Textarea(attrs={"rows": 3}))
    phone_last4 = forms.CharField(
        label=_("手机号后四位"), max_length=4, min_length=4, help_text=_("提交诉求时所留手机号的后四位。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ReasonForm(PlainForm):
    reason = forms.CharField(label=_("原因"), max_length=actions.REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(PlainForm):
    note = forms.CharField(label=_("办理结果"), max_length=actions.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class DispatchForm(PlainForm):
    """One select over the community's members, grid workers and volunteer teams; values
    are ``m<id>``, ``w<id>`` and ``t<id>``."""

    assignee = forms.ChoiceField(label=_("派给"))
    note = forms.CharField(label=_("派单说明（可选）"), required=False, max_length=actions.REASON_MAX)

    def __init__(self, *args, members=(), workers=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", _("请选择承办人")),
            (_("志愿服务队"), [(f"t{t.pk}", t.name) for t in teams]),
            (_("网格员"), [(f"w{w.pk}", f"{w.person_name}（{w.grid.name} · {w.get_role_display()}）") for w in workers]),
            (_("党员"), [(f"m{m.pk}", m.name) for m in members]),
        ]
        self.targets = {
            **{f"t{t.pk}": ("team", t) for t in teams},
            **{f"w{w.pk}": ("worker", w) for w in workers},
            **{f"m{m.pk}": ("member", m) for m in members},
        }

    def target(self) -> dict:
        kind, obj = self.targets[self.cleaned_data["assignee"]]
        return {kind: obj}


class RequestFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", ALL), *RequestStatus.choices])
    category = forms.ModelChoiceField(label=_("类别"), required=False, queryset=RequestCategory.objects.all(),
                                      empty_label=ALL)
    overdue = forms.ChoiceField(label=_("时限"), required=False, choices=[("", ALL), ("1", _("已超时（未办结）"))])
    q = forms.CharField(label=_("查询码"), required=False, max_length=20)
    community = forms.IntegerField(label=_("社区编号"), required=False, min_value=1, widget=forms.HiddenInput)


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TeamForm(PlainForm):
    name = forms.CharField(label=_("队伍名称"), max_length=actions.TEAM_NAME_MAX)
    leader = forms.ModelChoiceField(label=_("队长"), required=False, queryset=Member.objects.none(),
                                    empty_label=_("暂不指定"))
    members = MemberMultipleChoiceField(label=_("队员"), required=False, queryset=Member.objects.none(),
                                        widget=forms.SelectMultiple(attrs={"size": 8}))
    is_active = forms.BooleanField(label=_("有效（可以接受派单）"), required=False, initial=True)

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = sel.community_members(community) if community is not None else Member.objects.none()
        self.fields["leader"].queryset = people
        self.fields["members"].queryset = people
        self.fields["leader"].label_from_instance = lambda m: m.name
