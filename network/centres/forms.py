"""Forms of the service centres: the staff form (pickers for the place and the organization
running it), the list filters, and the resident's community picker on the public page."""
from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.forms import ActionForm, FilterForm, PickerField, PlainForm, _choices
from network.centres import selectors
from network.centres.choices import CentreLevel, Facility, MeetsStandard
from network.centres.models import ServiceCentre
from organizations.areas.choices import AreaLevel
from organizations.areas.forms import AreaPickerField
from organizations.areas.models import Area
from organizations.orgs.forms import OrgPickerField

PLACE_LEVELS = (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.COMPOUND)


class CentreForm(ActionForm):
    area = AreaPickerField(label=_("服务区域"), levels=PLACE_LEVELS,
                           help_text=_("区级中心选区，街道中心选街道，社区站选社区，小区站选小区：输入名称搜索。"))
    runner = OrgPickerField(label=_("运行管理组织"), required=False, empty_label=_("暂不登记"),
                            help_text=_("负责中心（站）日常运行的党组织：输入名称搜索。"))
    facilities = forms.MultipleChoiceField(label=_("功能设施"), required=False, choices=Facility.choices,
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ServiceCentre
        fields = ["name", "level", "area", "address", "floor_area", "opening_hours", "phone", "facilities",
                  "runner", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].scope_to(self.user)
        self.fields["runner"].scope_to(self.user)
        self.fields["level"].choices = CentreLevel.choices
        self.fields["facilities"].widget.attrs["class"] = "list-unstyled"

    def action_values(self) -> dict:
        return self.values(self.Meta.fields)


STATE_CHOICES = [("", _("在用")), ("inactive", _("已停用")), ("all", _("全部"))]


class CentreFilterForm(FilterForm):
    q = forms.CharField(label=_("名称"), required=False, max_length=50)
    level = forms.ChoiceField(label=_("层级"), required=False, choices=_choices(CentreLevel))
    area = AreaPickerField(label=_("区域"), required=False)
    meets = forms.ChoiceField(label=_("面积标准"), required=False, choices=_choices(MeetsStandard))
    state = forms.ChoiceField(label=_("状态"), required=False, choices=STATE_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].scope_to(user)


class CommunityPickerField(PickerField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


class FinderForm(PlainForm):
    """The resident's community, picked by typing part of its name or its street's."""

    community = CommunityPickerField(
        Area.objects.none(), label=_("我所在的社区"), empty_label=_("请选择社区"),
        error_messages={"invalid_choice": _("请选择列表中的社区。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        field.queryset = selectors.public_communities()
        field.url = str(reverse_lazy("centres:public_communities"))
        field.widget.attrs["data-picker-placeholder"] = str(_("输入社区或街道名称的一部分搜索"))
