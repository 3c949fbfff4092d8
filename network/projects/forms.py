"""Forms of 项目化服务: the project book, the brand, linking a record, and the list filters.
Pickers everywhere (organizations, communities, resident units, brands, records); the
actions check the rest and their errors go back on the form."""
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian import trees
from dangjian.forms import ALL, ActionForm, DateInput, FilterForm, MultiplePickerField, PickerField, PlainForm
from network.projects import selectors
from network.projects.choices import LinkKind, ProjectStatus
from network.projects.models import ServiceBrand, ServiceProject
from organizations.areas.choices import AreaLevel
from organizations.areas.forms import AreaPickerField
from organizations.orgs.forms import OrgPickerField
from organizations.units.models import ResidentUnit


def unit_label(obj):
    return f"{obj.name}（{obj.community.name}）"


class UnitPickerField(MultiplePickerField):
    def label_from_instance(self, obj):
        return unit_label(obj)


class BrandPickerField(PickerField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.area.name}）"


def pickable_units(user):
    return ResidentUnit.objects.visible_to(user).select_related("community").order_by(*trees.tree_order("community"), "name")


def pickable_brands(user):
    return selectors.brands_for(user).select_related("area").order_by("name", "pk")


class ProjectForm(ActionForm):
    owner_org = OrgPickerField(label=_("牵头党组织"), help_text=_("输入党组织名称的一部分搜索。"))
    area = AreaPickerField(label=_("实施社区"), levels=(AreaLevel.COMMUNITY,), help_text=_("输入社区名称的一部分搜索。"))
    units = UnitPickerField(ResidentUnit.objects.none(), label=_("共建驻区单位"), required=False,
                            help_text=_("输入单位名称的一部分搜索，可选多个；须是实施社区的驻区单位。"))
    brand = BrandPickerField(ServiceBrand.objects.none(), label=_("所属服务品牌"), required=False,
                             empty_label=_("不属于任何品牌"))

    class Meta:
        model = ServiceProject
        fields = ["title", "goal", "served_group", "served_text", "owner_org", "area", "units", "brand", "budget",
                  "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "goal": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["owner_org"].scope_to(user)
        self.fields["area"].scope_to(user)
        self.fields["units"].queryset = pickable_units(user)
        self.fields["units"].url = reverse("projects:pick_units")
        self.fields["brand"].queryset = pickable_brands(user)
        self.fields["brand"].url = reverse("projects:pick_brands")
        self.fields["budget"].help_text = _("单位：元，精确到分。")


class BrandForm(ActionForm):
    area = AreaPickerField(label=_("所属区域"), levels=(AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY),
                           help_text=_("输入区、街道或社区名称的一部分搜索。"))

    class Meta:
        model = ServiceBrand
        fields = ["name", "description", "area"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["area"].scope_to(user)


class RecordPickerField(PickerField):
    def __init__(self, queryset, *, label_fn, **kwargs):
        super().__init__(queryset, **kwargs)
        self._label_fn = label_fn

    def label_from_instance(self, obj):
        return self._label_fn(obj)


def activity_label(a):
    return f"{a.starts_at:%Y-%m-%d} {a.org.name} · {a.topic}"


def wish_label(w):
    return f"{w.code} · {w.get_status_display()}"


def request_label(r):
    return f"{r.code} · {r.get_status_display()}"


LINK_PICKERS = {
    LinkKind.ACTIVITY: (selectors.linkable_activities, activity_label, "projects:pick_activities", _("活动")),
    LinkKind.WISH: (selectors.linkable_wishes, wish_label, "projects:pick_wishes", _("微心愿")),
    LinkKind.REQUEST: (selectors.linkable_requests, request_label, "projects:pick_requests", _("居民诉求")),
}


class LinkForm(PlainForm):
    """Link one record of ``kind`` to the project (its picker lists the linkable records)."""

    def __init__(self, *args, user, project, kind, **kwargs):
        super().__init__(*args, **kwargs)
        get_queryset, label_fn, url_name, label = LINK_PICKERS[kind]
        self.fields["record"] = RecordPickerField(get_queryset(user, project), label_fn=label_fn, label=label,
                                                  url=reverse(url_name, args=[project.pk]),
                                                  empty_label=_("输入编号或主题搜索"))
        self._init_widgets()


class ProjectFilterForm(FilterForm):
    q = forms.CharField(label=_("项目名称"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", ALL), *ProjectStatus.choices])
    brand = BrandPickerField(ServiceBrand.objects.none(), label=_("服务品牌"), required=False, empty_label=ALL)
    within = AreaPickerField(label=_("区域"), required=False, empty_label=ALL)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].scope_to(user)
        self.fields["brand"].queryset = pickable_brands(user)
        self.fields["brand"].url = reverse("projects:pick_brands")


class BrandFilterForm(FilterForm):
    q = forms.CharField(label=_("品牌名称"), required=False, max_length=50)
