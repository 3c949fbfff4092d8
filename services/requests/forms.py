"""Forms of resident requests: the public order form, the rating form, the staff action
forms, the list filters and the volunteer-team form.  Forms check shapes;
``services.requests.actions`` checks the rest and its errors are put back on the form."""
from django import forms
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.forms import ALL, FilterForm, MultiplePickerField, PickerField, PickerSelect, PlainForm
from organizations.members.models import Member
from services.requests import actions, selectors, sla
from services.requests.choices import RequestStatus
from services.requests.models import RequestCategory
from services.resident.choices import Satisfaction
from services.resident.forms import ReasonForm, ResidentRateForm, ResidentSubmitForm, TrackForm  # noqa: F401  (ReasonForm, TrackForm: the same forms)


class CategoryChoiceField(forms.ModelChoiceField):
    """A category with its time limits, so the resident knows what to expect."""

    def label_from_instance(self, obj):
        return _("%(name)s（%(response)s内响应，%(resolve)s内办结）") % {
            "name": obj.name, "response": sla.limit_label(obj.response_minutes),
            "resolve": sla.limit_label(obj.resolve_minutes)}


class RequestSubmitForm(ResidentSubmitForm):
    """The resident's order form (public, mobile first)."""

    address = forms.CharField(label=_("地址"), required=False, max_length=actions.ADDRESS_MAX,
                              help_text=_("如：3号楼2单元501。仅社区工作人员可见。"))
    category = CategoryChoiceField(
        label=_("诉求类别"), queryset=RequestCategory.objects.none(), empty_label=_("请选择类别"),
        error_messages={"invalid_choice": _("请选择列表中的类别。")},
    )
    text = forms.CharField(label=_("诉求内容"), max_length=actions.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))

    COMMUNITIES_URL = reverse_lazy("requests:communities")
    FIELDS = ("community", "building", "address", "category", "text", "name", "phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.active_categories()


class DiaryRequestForm(PlainForm):
    """A people's-diary problem handed on as a request (``actions.request_from_diary``):
    the category to choose, the text and address pre-filled from the entry, the resident's
    name and phone if the grid worker has them."""

    category = CategoryChoiceField(label=_("诉求类别"), queryset=RequestCategory.objects.none(), empty_label=_("请选择类别"),
                                   error_messages={"invalid_choice": _("请选择列表中的类别。")})
    text = forms.CharField(label=_("诉求内容"), max_length=actions.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(label=_("地址"), required=False, max_length=actions.ADDRESS_MAX,
                              help_text=_("日记未记楼栋时必填，如：3号楼2单元501。"))
    name = forms.CharField(label=_("居民姓名（可选）"), required=False, max_length=actions.NAME_MAX)
    phone = forms.CharField(label=_("居民手机号（可选）"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
                            help_text=_("仅社区工作人员可见，用于联系居民。"))

    FIELDS = ("category", "text", "address", "name", "phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.active_categories()


class RateForm(ResidentRateForm):
    rating = forms.ChoiceField(label=_("您对办理结果的评价"), choices=[("", _("请选择")), *Satisfaction.choices])

    LAST4_HELP = _("提交诉求时所留手机号的后四位。")


class ResolveForm(PlainForm):
    note = forms.CharField(label=_("办理结果"), max_length=actions.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("办结照片（可选）"), required=False,
                            help_text=_("JPG、PNG 或 WebP，不超过 5 MB；居民评价前可以看到。"))


class DispatchForm(PlainForm):
    """One picker over the community's volunteer teams, grid workers and members (those with
    an account); values are ``t<id>``, ``w<id>`` and ``m<id>``.  The options come from
    ``requests:pick_assignees`` (``selectors.assignee_options``); a submitted value is looked
    up in the same scoped querysets (``selectors.assignee``), so one outside the community is
    refused like one that does not exist."""

    assignee = forms.CharField(label=_("派给"), max_length=24,
                               widget=PickerSelect(attrs={"data-picker-empty": _("请选择承办人")}),
                               help_text=_("输入服务队、网格员或党员姓名的一部分搜索。"))
    note = forms.CharField(label=_("派单说明（可选）"), required=False, max_length=actions.REASON_MAX)

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = request.community
        widget = self.fields["assignee"].widget
        widget.attrs["data-picker"] = reverse("requests:pick_assignees", args=[request.pk])
        widget.chosen = self._labels

    def _labels(self, values):
        found = (selectors.assignee(self.community, v) for v in values)
        return [(v, selectors.assignee_label(obj)) for v, (kind, obj) in zip(values, found, strict=True) if obj]

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        kind, obj = selectors.assignee(self.community, value)
        if obj is None:
            raise forms.ValidationError(_("请选择本社区的服务队、网格员或党员。"), code="invalid_choice")
        self._target = {kind: obj}
        return value

    def target(self) -> dict:
        return self._target


class RequestFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", ALL), *RequestStatus.choices])
    category = forms.ModelChoiceField(label=_("类别"), required=False, queryset=RequestCategory.objects.all(),
                                      empty_label=ALL)
    overdue = forms.ChoiceField(label=_("时限"), required=False, choices=[("", ALL), ("1", _("已超时（未办结）"))])
    q = forms.CharField(label=_("查询码"), required=False, max_length=20)
    community = forms.IntegerField(label=_("社区编号"), required=False, min_value=1, widget=forms.HiddenInput)
    # the dashboard's figures link here: the area's subtree and the period the figure counts
    within = forms.IntegerField(label=_("区域编号"), required=False, min_value=1, widget=forms.HiddenInput)
    period = forms.CharField(label=_("周期"), required=False, max_length=10, widget=forms.HiddenInput)
    counted = forms.BooleanField(label=_("按统计口径（不含已取消）"), required=False, widget=forms.HiddenInput)


class TeamForm(PlainForm):
    """Leader and members are pickers over the community's members
    (``selectors.community_members``), listed by ``requests:team_pick_members``."""

    name = forms.CharField(label=_("队伍名称"), max_length=actions.TEAM_NAME_MAX)
    leader = PickerField(Member.objects.none(), label=_("队长"), required=False, empty_label=_("暂不指定"))
    members = MultiplePickerField(Member.objects.none(), label=_("队员"), required=False,
                                  help_text=_("输入姓名的一部分搜索本社区党员，点选加入。"))
    is_active = forms.BooleanField(label=_("有效（可以接受派单）"), required=False, initial=True)

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = selectors.community_members(community) if community is not None else Member.objects.none()
        url = f"{reverse('requests:team_pick_members')}?community={community.pk}" if community is not None else None
        for name in ("leader", "members"):
            self.fields[name].queryset = people
            self.fields[name].url = url
