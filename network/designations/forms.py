"""Forms of designations: grant (pickers for the designated thing), revoke, the list filters."""
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian.forms import DateInput, FilterForm, PickerField, PlainForm, _choices
from network.centres.models import ServiceCentre
from network.designations import selectors
from network.designations.choices import STARS, DesignationKind, DesignationState
from organizations.areas.forms import AreaPickerField
from organizations.orgs.forms import OrgPickerField


class CentrePickerField(PickerField):
    def label_from_instance(self, obj):
        return f"{obj.area.name} · {obj.name}"


class GrantForm(PlainForm):
    kind = forms.ChoiceField(label=_("类别"), choices=DesignationKind.choices)
    stars = forms.TypedChoiceField(label=_("星级"), required=False, coerce=int, empty_value=None,
                                   choices=[("", _("不适用")), *[(s, f"{s}星") for s in STARS]],
                                   help_text=_("仅星级党支部填写。"))
    org = OrgPickerField(label=_("党组织"), required=False, empty_label=_("不选"),
                         help_text=_("示范党支部、星级党支部：选择党支部。"))
    area = AreaPickerField(label=_("区域"), required=False, empty_label=_("不选"),
                           help_text=_("示范社区：选择社区；其他示范点也可选区域。"))
    centre = CentrePickerField(ServiceCentre.objects.none(), label=_("党群服务中心（站）"), required=False,
                               empty_label=_("不选"), help_text=_("示范党群服务中心：选择中心（站）。"))
    title = forms.CharField(label=_("名称"), required=False, max_length=100, help_text=_("如：红色物业示范点；可不填。"))
    granted_by = forms.CharField(label=_("授予单位"), required=False, max_length=100)
    granted_on = forms.DateField(label=_("授予日期"), widget=DateInput())
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=DateInput(), help_text=_("长期有效的可不填。"))

    FIELDS = ("kind", "stars", "org", "area", "centre", "title", "granted_by", "granted_on", "valid_until")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].scope_to(user)
        self.fields["area"].scope_to(user)
        centres = selectors.pickable_centres(user)
        self.fields["centre"].queryset = centres
        self.fields["centre"].url = reverse("designations:pick_centres")
        self.fields["centre"].widget.attrs["data-picker-placeholder"] = str(_("输入中心（站）名称的一部分搜索"))

    def action_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.FIELDS}


class RevokeForm(PlainForm):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class DesignationFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=_choices(DesignationKind))
    area = AreaPickerField(label=_("区域"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=_choices(DesignationState))
    q = forms.CharField(label=_("名称"), required=False, max_length=50)
    sites = forms.BooleanField(label=_("只看示范点"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].scope_to(user)
